/**
 * The SDK's own diagnostics: silent until `AGENTLENS_LOG_LEVEL` (or the `logLevel` option) is set,
 * then one JSON line per message on stderr. Repeated messages with the same key are rate-limited,
 * so a bad value recorded in a hot loop produces one line a minute, not one per call.
 */

export const DIAGNOSTIC_LEVELS = ['silent', 'error', 'warn', 'info', 'debug'] as const;
export type DiagnosticLevel = (typeof DIAGNOSTIC_LEVELS)[number];

export type DiagnosticSink = (line: string) => void;

const RANK: Record<DiagnosticLevel, number> = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 };
const REPEAT_INTERVAL_MS = 60_000;

export class Diagnostics {
  readonly #rank: number;
  readonly #sink: DiagnosticSink;
  readonly #lastByKey = new Map<string, { at: number; suppressed: number }>();
  readonly #once = new Set<string>();

  constructor(level: DiagnosticLevel, sink: DiagnosticSink = (line) => process.stderr.write(line)) {
    this.#rank = RANK[level];
    this.#sink = sink;
  }

  enabled(level: Exclude<DiagnosticLevel, 'silent'>): boolean {
    return RANK[level] <= this.#rank;
  }

  /** Logs `message` at most once per minute per `key`, with the count of suppressed repeats. */
  log(
    level: Exclude<DiagnosticLevel, 'silent'>,
    key: string,
    message: string,
    fields?: Record<string, unknown>,
  ): void {
    if (RANK[level] > this.#rank) return;
    const now = Date.now();
    const last = this.#lastByKey.get(key);
    if (last && now - last.at < REPEAT_INTERVAL_MS) {
      last.suppressed++;
      return;
    }
    // The map stays small: keys are call sites and metric names, not user data.
    this.#lastByKey.set(key, { at: now, suppressed: 0 });
    this.#write(level, message, {
      ...fields,
      ...(last?.suppressed ? { suppressedRepeats: last.suppressed } : {}),
    });
  }

  /** Logs `message` once for the life of the process (per `key`). */
  once(
    level: Exclude<DiagnosticLevel, 'silent'>,
    key: string,
    message: string,
    fields?: Record<string, unknown>,
  ): void {
    if (this.#once.has(key)) return;
    this.#once.add(key);
    if (RANK[level] <= this.#rank) this.#write(level, message, fields);
  }

  #write(level: string, msg: string, fields: Record<string, unknown> | undefined): void {
    try {
      this.#sink(
        `${JSON.stringify({ level, time: new Date().toISOString(), name: 'agentlens', msg, ...fields })}\n`,
      );
    } catch {
      // A broken stderr must not break the host application.
    }
  }
}
