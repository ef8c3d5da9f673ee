/**
 * Runs the benchmarks in `bench/`, one after another, prints each one's tables to stdout and
 * appends them to `bench/RESULTS.md` under a heading with the date, the machine and the mode.
 *
 *   npm run bench                     every benchmark, full mode (minutes)
 *   npm run bench:quick               every benchmark, quick mode (seconds; a smoke run for CI)
 *   npm run bench -- sdk-metrics      one benchmark (several names may be given)
 *
 * The scripts build first and import the packages' built `dist/` code, as an app does: through
 * tsx's source transform every closure pays for an esbuild `__name` helper, which doubled the cost
 * of a traced operation and would measure the transform, not agentlens.
 *
 * A benchmark is any `bench/<name>.ts` other than this file that exports `benchmark`
 * (see `support/benchmark.ts`); helpers live under `bench/support/`.
 */
import { appendFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Benchmark } from './support/benchmark.js';
import { describeMachine } from './support/machine.js';

const BENCH_DIR = import.meta.dirname;
const RESULTS_FILE = join(BENCH_DIR, 'RESULTS.md');

const RESULTS_INTRO = `# Benchmark results

Figures appended by \`npm run bench\` (full mode) and \`npm run bench:quick\` (quick mode), oldest
first. Every run starts with a heading giving its date, its mode and the machine it ran on; compare
figures only within one run or between runs on the same machine. Each benchmark times agentlens
against the raw library in the same run (see \`bench/\` for what exactly is measured).

Quick-mode runs are smoke runs (few samples, smaller sizes) that keep the benchmarks from rotting;
their figures are not to be quoted. Quote full-mode runs.
`;

function usage(names: readonly string[]): string {
  return `usage: npm run bench --  [--quick] [benchmark...]\nbenchmarks: ${names.join(', ')}`;
}

/** Every `bench/<name>.ts` except this runner, by name, sorted. */
function discoverBenchmarks(): Map<string, string> {
  const self = basename(import.meta.filename);
  const found = new Map<string, string>();
  for (const file of readdirSync(BENCH_DIR).sort()) {
    if (!file.endsWith('.ts') || file.endsWith('.d.ts') || file.endsWith('.test.ts') || file === self)
      continue;
    const path = join(BENCH_DIR, file);
    if (statSync(path).isFile()) found.set(file.slice(0, -'.ts'.length), path);
  }
  return found;
}

async function loadBenchmark(name: string, path: string): Promise<Benchmark> {
  const module: { benchmark?: Partial<Benchmark> } = await import(pathToFileURL(path).href);
  const benchmark = module.benchmark;
  if (typeof benchmark?.run !== 'function' || typeof benchmark.title !== 'string') {
    throw new Error(
      `bench/${name}.ts must export \`benchmark\` ({ title, run }); see bench/support/benchmark.ts`,
    );
  }
  return benchmark as Benchmark;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const available = discoverBenchmarks();
  const flags = args.filter((arg) => arg.startsWith('-'));
  const requested = args.filter((arg) => !arg.startsWith('-'));
  const unknownFlags = flags.filter((flag) => flag !== '--quick');
  const unknownNames = requested.filter((name) => !available.has(name));
  if (unknownFlags.length > 0 || unknownNames.length > 0) {
    const what = [...unknownFlags, ...unknownNames].join(', ');
    console.error(`bench: unknown ${what}\n${usage([...available.keys()])}`);
    return 2;
  }
  const quick = flags.includes('--quick');
  const names = requested.length > 0 ? [...new Set(requested)] : [...available.keys()];
  if (names.length === 0) {
    console.error('bench: no benchmark in bench/');
    return 1;
  }

  const mode = quick ? 'quick mode (smoke run, not figures to quote)' : 'full mode';
  const runHeading = `## ${new Date().toISOString()} · ${quick ? 'quick' : 'full'} · ${names.join(', ')}\n\n${mode}; machine: ${describeMachine(dirname(BENCH_DIR))}\n`;
  let headingWritten = false;
  let failed = 0;

  for (const name of names) {
    const started = performance.now();
    console.error(`bench: ${name} (${quick ? 'quick' : 'full'} mode)`);
    let section: string;
    try {
      const benchmark = await loadBenchmark(name, available.get(name) as string);
      section = `### ${name}: ${benchmark.title}\n\n${(await benchmark.run({ quick })).trim()}\n`;
    } catch (error) {
      failed++;
      console.error(`bench: ${name} failed:`, error);
      continue;
    }
    console.log(`\n${section}`);
    // Appended per benchmark, so a later benchmark that fails does not lose the earlier figures.
    if (!existsSync(RESULTS_FILE)) appendFileSync(RESULTS_FILE, RESULTS_INTRO);
    if (!headingWritten) {
      appendFileSync(RESULTS_FILE, `\n${runHeading}`);
      headingWritten = true;
    }
    appendFileSync(RESULTS_FILE, `\n${section}`);
    console.error(`bench: ${name} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  if (headingWritten) console.error(`bench: appended to ${RESULTS_FILE}`);
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main();
