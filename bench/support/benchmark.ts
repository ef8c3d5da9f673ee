/** What `bench/run.ts` passes to every benchmark. */
export interface BenchmarkOptions {
  /**
   * Smoke run: few samples and smaller sizes, seconds in total, so CI keeps the benchmark working.
   * Its figures are not to be quoted.
   */
  readonly quick: boolean;
}

/**
 * A benchmark: a file `bench/<name>.ts` that exports `benchmark`. `bench/run.ts` finds it by its
 * file name (`npm run bench -- <name>` runs it alone), runs it with nothing else in parallel,
 * prints the Markdown it returns and appends that Markdown to `bench/RESULTS.md`.
 *
 * Contract: `run` compares against the raw library in the same run (STYLE.md, habit 10); it writes
 * progress to stderr only; when it resolves, nothing it started is still running (servers closed,
 * sockets destroyed); it rejects when a measurement could not be trusted (for example when the
 * measured calls did not all land), rather than returning figures.
 */
export interface Benchmark {
  /** One line saying what is measured; the heading of the benchmark's section in RESULTS.md. */
  readonly title: string;
  /** Measures and returns the report: Markdown tables and the target lines, no heading. */
  run(options: BenchmarkOptions): Promise<string>;
}
