import { createRequire } from 'node:module';
import { createRedactor, type Redactor, type RedactorOptions } from '@agentlens/core';
import { type DestinationStream, type LogFn, type Logger as PinoLogger, pino, type StreamEntry } from 'pino';
import { RotatingFileStream } from './rotating-file.js';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
/** A level a line is written at. */
export type LogLevel = (typeof LOG_LEVELS)[number];
/** The threshold of a logger; `silent` writes nothing. */
export type LoggerLevel = LogLevel | 'silent';
/** Structured fields of a line. `err` / `error` holding an Error become `{ type, message, stack }`. */
export type LogFields = Record<string, unknown>;
export type LogMethod = (message: string, fields?: LogFields) => void;

/** Trace ids as lowercase hex, the way OpenTelemetry writes them. */
export interface TraceContext {
  traceId: string;
  spanId: string;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Written as `service` on every line. Required, non-empty. */
  serviceName: string;
  /** Option, then `AGENTLENS_APP_LOG_LEVEL`, then `LOG_LEVEL`, then `'info'`. */
  level?: LoggerLevel;
  /** The `logger` field of lines from this logger. Default `'app'`. */
  name?: string;
  /**
   * Default true. `{ pretty: true }` prints human-readable lines through the optional `pino-pretty`
   * package, and only when stdout is a terminal (piped output stays JSON).
   */
  stdout?: boolean | { pretty?: boolean };
  /** A log file, rotated by size: 10 MB x 5 files unless told otherwise. */
  file?: string | { path: string; maxSizeBytes?: number; maxFiles?: number };
  /** A second file receiving only `error` and `fatal` lines, rotated like `file`. */
  errorFile?: string;
  /** Redaction of every line's fields and message; `false` turns it off. Default: the built-ins. */
  redact?: RedactorOptions | false;
  /** Called on every line; returns the active span's ids, if any. Its failures are ignored. */
  traceContext?: () => TraceContext | undefined;
  /** Replaces stdout (tests, benchmarks, custom sinks). Not closed by `close()`. */
  destination?: NodeJS.WritableStream | DestinationStream;
  /** More destinations every line goes to as well (the SDK's OTLP log export). Not closed by `close()`. */
  extraDestinations?: readonly DestinationStream[];
  /**
   * Receives logging failures (a file that cannot be opened or written, fields that cannot be
   * serialized, a bad environment value), each kind once. Logging itself carries on.
   */
  onError?: (error: Error) => void;
}

/**
 * The application logger: one JSON object per line with `timestamp`, `level`, `logger`,
 * `message`, `service`, `trace_id` / `span_id` inside a span, and the given fields. Its methods never
 * throw.
 */
export interface Logger {
  /** The `logger` field of its lines. */
  readonly name: string;
  readonly level: LoggerLevel;
  readonly trace: LogMethod;
  readonly debug: LogMethod;
  readonly info: LogMethod;
  readonly warn: LogMethod;
  readonly error: LogMethod;
  readonly fatal: LogMethod;
  isLevelEnabled(level: LogLevel): boolean;
  /** A logger adding `bindings` to each line; shares the destinations. */
  child(bindings: LogFields): Logger;
  /** Category loggers (`logger: "audit"` etc.), keeping this logger's bindings. */
  readonly audit: Logger;
  readonly security: Logger;
  readonly performance: Logger;
  /** Resolves when everything logged so far has been handed to the destinations. */
  flush(): Promise<void>;
  /** Flushes and closes the files this logger opened; later calls log nothing to them. */
  close(): Promise<void>;
}

export const APP_LOG_LEVEL_ENV = 'AGENTLENS_APP_LOG_LEVEL';
export const GENERAL_LOG_LEVEL_ENV = 'LOG_LEVEL';

/** Names keyed by the line format; fields that reuse them are renamed `fields.<name>`. */
const RESERVED_KEYS = new Set(['timestamp', 'level', 'logger', 'message', 'service', 'time', 'msg']);
const LEVEL_ALIASES: Record<string, LoggerLevel> = { warning: 'warn', critical: 'fatal', off: 'silent' };

function isLoggerLevel(value: string): value is LoggerLevel {
  return value === 'silent' || (LOG_LEVELS as readonly string[]).includes(value);
}

/**
 * The level a logger runs at: the option, then `AGENTLENS_APP_LOG_LEVEL`, then `LOG_LEVEL`, then
 * `'info'`. Environment values are case-insensitive and accept `warning` / `critical`; an
 * unknown one is reported and skipped. An unknown option throws.
 */
export function resolveLogLevel(
  option: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  onInvalid: (error: Error) => void = () => {},
): LoggerLevel {
  if (option !== undefined) {
    if (!isLoggerLevel(option)) throw new RangeError(`unknown log level "${option}"`);
    return option;
  }
  // AGENTLENS_LOG_LEVEL also sets the SDK's own diagnostics: one knob for "agentlens, be louder".
  for (const name of [APP_LOG_LEVEL_ENV, 'AGENTLENS_LOG_LEVEL', GENERAL_LOG_LEVEL_ENV]) {
    const raw = env[name]?.trim().toLowerCase();
    if (!raw) continue;
    const level = LEVEL_ALIASES[raw] ?? raw;
    if (isLoggerLevel(level)) return level;
    onInvalid(new RangeError(`${name}="${env[name] ?? ''}" is not a log level; ignored`));
  }
  return 'info';
}

function noop(): void {}

let lastTimestampMs = -1;
let lastTimestamp = '';
/**
 * pino's timestamp fragment in ISO 8601, built once per millisecond: `toISOString()` costs about
 * a third of a log line, and a busy app writes many lines in the same millisecond. The text is the
 * same as computing it every time.
 */
function isoTimestamp(): string {
  const now = Date.now();
  if (now !== lastTimestampMs) {
    lastTimestampMs = now;
    lastTimestamp = `,"timestamp":"${new Date(now).toISOString()}"`;
  }
  return lastTimestamp;
}

/** Renames fields that would collide with the line format, and serializes errors without redaction. */
function sanitizeWithoutRedaction(fields: LogFields): LogFields {
  let copy: LogFields | undefined;
  for (const key in fields) {
    const value = fields[key];
    if (RESERVED_KEYS.has(key) || value instanceof Error) {
      copy ??= { ...fields };
      if (value instanceof Error) copy[key] = pino.stdSerializers.err(value);
      if (RESERVED_KEYS.has(key)) {
        copy[`fields.${key}`] = copy[key];
        delete copy[key];
      }
    }
  }
  return copy ?? fields;
}

/** Renames, in place, the fields that would collide with the line format. */
function renameReserved(fields: LogFields): LogFields {
  for (const key in fields) {
    if (RESERVED_KEYS.has(key)) {
      fields[`fields.${key}`] = fields[key];
      delete fields[key];
    }
  }
  return fields;
}

/**
 * `fields` with the keys that would collide with the line format renamed, copied only when one
 * does: `fields` may be the caller's own object (redaction returns it when nothing is secret).
 */
function withoutReserved(fields: LogFields): LogFields {
  for (const key in fields) {
    if (RESERVED_KEYS.has(key)) return renameReserved({ ...fields });
  }
  return fields;
}

const PLAIN_KEY = 0;
const SECRET_KEY = 1;
const RESERVED_KEY = 2;
// Field names are a small fixed set in practice; the cap protects against data used as keys.
const KEY_KIND_LIMIT = 2048;

/**
 * The `formatters.log` of a redacting logger: the fields as they must be written, which is the
 * caller's own object, uncopied, when nothing in it is secret or reserved. Decides in one pass,
 * with one cached lookup per key name, for the usual line of strings, numbers and booleans; a line
 * with anything else (a nested object, an Error, a secret, a reserved key, a class instance) goes
 * through `redactObject` on the whole object, which copies only what must change.
 */
function redactingFormatter(redactor: Redactor): (fields: LogFields) => LogFields {
  const kinds = new Map<string, number>();
  const kindOf = (key: string): number => {
    let kind = kinds.get(key);
    if (kind === undefined) {
      kind = RESERVED_KEYS.has(key) ? RESERVED_KEY : redactor.isSecretKey(key) ? SECRET_KEY : PLAIN_KEY;
      if (kinds.size >= KEY_KIND_LIMIT) kinds.clear();
      kinds.set(key, kind);
    }
    return kind;
  };
  const general = (fields: LogFields): LogFields => withoutReserved(redactor.redactObject(fields));
  return (fields) => {
    if (Object.getPrototypeOf(fields) !== Object.prototype) return general(fields);
    try {
      for (const key in fields) {
        const kind = kindOf(key);
        if (kind === RESERVED_KEY) return general(fields);
        const value = fields[key];
        // Booleans and null stay even under a secret key, as in `redactObject`.
        if (value === null || value === undefined || typeof value === 'boolean') continue;
        if (kind === SECRET_KEY) return general(fields);
        if (typeof value === 'string') {
          if (redactor.redactString(value) !== value) return general(fields);
        } else if (typeof value === 'object') return general(fields);
      }
    } catch {
      // A throwing getter: `redactObject` writes `'[Unserializable]'` in its place.
      return general(fields);
    }
    return fields;
  };
}

/** State shared by a root logger and all its children and categories. */
interface Shared {
  readonly base: PinoLogger;
  readonly redactor: Redactor | undefined;
  readonly report: (kind: string, error: unknown) => void;
  readonly files: RotatingFileStream[];
  closed: boolean;
}

class AgentlensLogger implements Logger {
  readonly name: string;
  readonly level: LoggerLevel;
  readonly trace: LogMethod;
  readonly debug: LogMethod;
  readonly info: LogMethod;
  readonly warn: LogMethod;
  readonly error: LogMethod;
  readonly fatal: LogMethod;
  readonly #shared: Shared;
  readonly #bindings: LogFields;
  readonly #pino: PinoLogger;
  #categories: Partial<Record<'audit' | 'security' | 'performance', Logger>> = {};

  constructor(shared: Shared, name: string, bindings: LogFields) {
    this.#shared = shared;
    this.name = name;
    this.#bindings = bindings;
    // Bindings are rendered once into pino's cached prefix; `logger` goes there rather than in
    // pino's `base` so a category or child never repeats the key.
    this.#pino = shared.base.child({ logger: name, ...bindings });
    this.level = shared.base.level as LoggerLevel;
    // Decided once, as pino does: a disabled level costs one empty call, not a redaction pass.
    // The pino method is looked up once too: `this.#pino[level]` on every line is a keyed load
    // over six names.
    const method = (level: LogLevel): LogMethod => {
      if (!this.#pino.isLevelEnabled(level)) return noop;
      const log: LogFn = this.#pino[level];
      return (message, fields) => this.#write(log, message, fields);
    };
    this.trace = method('trace');
    this.debug = method('debug');
    this.info = method('info');
    this.warn = method('warn');
    this.error = method('error');
    this.fatal = method('fatal');
  }

  isLevelEnabled(level: LogLevel): boolean {
    return this.#pino.isLevelEnabled(level);
  }

  child(bindings: LogFields): Logger {
    let clean: LogFields = {};
    try {
      const redacted = this.#shared.redactor ? this.#shared.redactor.redactObject(bindings) : bindings;
      clean = renameReserved({ ...redacted });
    } catch (error) {
      this.#shared.report('bindings', error);
    }
    return new AgentlensLogger(this.#shared, this.name, { ...this.#bindings, ...clean });
  }

  get audit(): Logger {
    return this.#category('audit');
  }

  get security(): Logger {
    return this.#category('security');
  }

  get performance(): Logger {
    return this.#category('performance');
  }

  flush(): Promise<void> {
    return new Promise((resolve) => {
      try {
        this.#shared.base.flush(() => resolve());
      } catch (error) {
        this.#shared.report('flush', error);
        resolve();
      }
    });
  }

  async close(): Promise<void> {
    if (this.#shared.closed) return;
    await this.flush();
    this.#shared.closed = true;
    for (const file of this.#shared.files) file.end();
  }

  #category(name: 'audit' | 'security' | 'performance'): Logger {
    let logger = this.#categories[name];
    if (!logger) {
      logger = new AgentlensLogger(this.#shared, name, this.#bindings);
      this.#categories[name] = logger;
    }
    return logger;
  }

  #write(log: LogFn, message: string, fields: LogFields | undefined): void {
    try {
      const text = typeof message === 'string' ? message : String(message);
      const redactor = this.#shared.redactor;
      const msg = redactor ? redactor.redactString(text) : text;
      // Fields go through `formatters.log` (redaction, renaming) inside pino's own write path.
      if (fields === undefined) log.call(this.#pino, msg);
      else log.call(this.#pino, fields, msg);
    } catch (error) {
      this.#shared.report('serialize', error);
      try {
        log.call(this.#pino, { log_error: 'fields could not be serialized' }, String(message));
      } catch {
        // Reported above; a line that cannot be written at all is dropped rather than thrown.
      }
    }
  }
}

function prettyStream(report: (kind: string, error: unknown) => void): DestinationStream | undefined {
  try {
    // Optional: only users who ask for pretty output install pino-pretty.
    const load = createRequire(import.meta.url)('pino-pretty') as (options: object) => DestinationStream;
    return load({ destination: 1, sync: true, messageKey: 'message', timestampKey: 'timestamp' });
  } catch (error) {
    report('pretty', new Error(`stdout.pretty needs the pino-pretty package: ${String(error)}`));
    return undefined;
  }
}

function fileOptions(file: LoggerOptions['file']): {
  path: string;
  maxSizeBytes?: number;
  maxFiles?: number;
} {
  return typeof file === 'string' ? { path: file } : (file as { path: string });
}

/**
 * Creates the application logger on top of pino. Invalid options throw here; after that nothing
 * the logger does throws into the application.
 *
 * @example
 * ```ts
 * const logger = createLogger({ serviceName: 'research-bot', file: 'logs/research-bot.log',
 *   errorFile: 'logs/research-bot.error.log' });
 * logger.info('workflow started', { workflow_name: 'research', user_id: '123' });
 * logger.audit.info('user action', { action: 'agent_query' });
 * ```
 */
export function createLogger(options: LoggerOptions): Logger {
  if (typeof options?.serviceName !== 'string' || options.serviceName === '') {
    throw new TypeError('createLogger: serviceName must be a non-empty string');
  }
  const name = options.name ?? 'app';
  const reported = new Set<string>();
  const report = (kind: string, error: unknown): void => {
    if (reported.has(kind)) return;
    reported.add(kind);
    try {
      options.onError?.(error instanceof Error ? error : new Error(String(error)));
    } catch {
      // A throwing handler must not break the application it reports for.
    }
  };
  const level = resolveLogLevel(options.level, process.env, (error) => report('env', error));
  const redactor = options.redact === false ? undefined : createRedactor(options.redact ?? {});

  const streams: StreamEntry[] = [];
  const files: RotatingFileStream[] = [];
  if (options.destination) {
    streams.push({ level: 'trace', stream: options.destination as DestinationStream });
  } else if (options.stdout !== false) {
    const wantsPretty = typeof options.stdout === 'object' && options.stdout.pretty === true;
    const pretty = wantsPretty && process.stdout.isTTY ? prettyStream(report) : undefined;
    streams.push({ level: 'trace', stream: pretty ?? pino.destination({ dest: 1, sync: true }) });
  }
  const rotation = options.file === undefined ? undefined : fileOptions(options.file);
  const openFile = (path: string, streamLevel: LogLevel): void => {
    try {
      const file = new RotatingFileStream({
        path,
        maxSizeBytes: rotation?.maxSizeBytes,
        maxFiles: rotation?.maxFiles,
        onError: (error) => report(`file:${path}`, error),
      });
      files.push(file);
      streams.push({ level: streamLevel, stream: file });
    } catch (error) {
      if (error instanceof RangeError) throw error;
      report(`open:${path}`, error);
    }
  };
  for (const stream of options.extraDestinations ?? []) streams.push({ level: 'trace', stream });
  if (rotation) openFile(rotation.path, 'trace');
  if (options.errorFile !== undefined) openFile(options.errorFile, 'error');

  const traceContext = options.traceContext;
  const base = pino(
    {
      level,
      messageKey: 'message',
      base: { service: options.serviceName },
      timestamp: isoTimestamp,
      // pino's default `err` serializer would turn our already-serialized errors into `type: "Object"`.
      serializers: { err: (value: unknown) => value },
      formatters: {
        level: (label) => ({ level: label }),
        log: redactor ? redactingFormatter(redactor) : (fields) => sanitizeWithoutRedaction(fields),
      },
      ...(traceContext && {
        // pino merges the fields into this object, so it must be a fresh one on every call.
        mixin: (): LogFields => {
          try {
            const context = traceContext();
            return context ? { trace_id: context.traceId, span_id: context.spanId } : {};
          } catch {
            return {};
          }
        },
      }),
    },
    // One destination is written directly: multistream's per-line loop is only paid when needed.
    streams.length === 1 && streams[0]?.level === 'trace'
      ? streams[0].stream
      : pino.multistream(streams, { dedupe: false }),
  );
  return new AgentlensLogger({ base, redactor, report, files, closed: false }, name, {});
}
