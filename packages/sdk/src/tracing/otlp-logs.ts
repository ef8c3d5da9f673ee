import { ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as OTLPJsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OTLPProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import type { OtlpProtocol } from './setup.js';

const SEVERITY: Record<string, [SeverityNumber, string]> = {
  trace: [SeverityNumber.TRACE, 'TRACE'],
  debug: [SeverityNumber.DEBUG, 'DEBUG'],
  info: [SeverityNumber.INFO, 'INFO'],
  warn: [SeverityNumber.WARN, 'WARN'],
  error: [SeverityNumber.ERROR, 'ERROR'],
  fatal: [SeverityNumber.FATAL, 'FATAL'],
};

/** Fields of a JSON log line that become the OTLP record's own fields, not attributes. */
const RECORD_FIELDS = new Set(['timestamp', 'level', 'message', 'trace_id', 'span_id', 'service']);

export interface OtlpLogStreamOptions {
  readonly serviceName: string;
  readonly protocol: OtlpProtocol;
  /** Full logs URL; default: the exporter's (`OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`, `.../v1/logs` on the OTLP endpoint). */
  readonly endpoint?: string;
  readonly headers?: Record<string, string>;
}

/**
 * A line sink that ships the logger's JSON lines as OTLP log records, to the same collector as the
 * spans, with their `trace_id` / `span_id` as the record's trace context (so a backend shows each
 * log next to its span). Batched and bounded like the span pipeline; a dead collector loses log
 * records, never blocks or breaks the app.
 */
export class OtlpLogStream {
  readonly #provider: LoggerProvider;
  readonly #logger;

  constructor(options: OtlpLogStreamOptions) {
    const config = {
      ...(options.endpoint ? { url: options.endpoint } : {}),
      ...(options.headers ? { headers: options.headers } : {}),
    };
    const exporter =
      options.protocol === 'http/json' ? new OTLPJsonLogExporter(config) : new OTLPProtoLogExporter(config);
    this.#provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': options.serviceName }),
      processors: [new BatchLogRecordProcessor({ exporter })],
    });
    this.#logger = this.#provider.getLogger('@agentlens/sdk');
  }

  /** Takes one or more JSON lines, as the logger writes them. */
  write(chunk: string | Uint8Array): boolean {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    for (const line of text.split('\n')) {
      if (line === '') continue;
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      const [severityNumber, severityText] = SEVERITY[String(parsed.level)] ?? [
        SeverityNumber.UNSPECIFIED,
        String(parsed.level),
      ];
      const attributes: Record<string, string | number | boolean> = {};
      for (const [key, value] of Object.entries(parsed)) {
        if (RECORD_FIELDS.has(key) || value === null || value === undefined) continue;
        attributes[key] =
          typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
            ? value
            : JSON.stringify(value);
      }
      const traceId = typeof parsed.trace_id === 'string' ? parsed.trace_id : undefined;
      const spanId = typeof parsed.span_id === 'string' ? parsed.span_id : undefined;
      const context =
        traceId && typeof spanId === 'string'
          ? trace.setSpanContext(ROOT_CONTEXT, {
              traceId,
              spanId,
              traceFlags: TraceFlags.SAMPLED,
              isRemote: false,
            })
          : ROOT_CONTEXT;
      const time = typeof parsed.timestamp === 'string' ? Date.parse(parsed.timestamp) : Date.now();
      this.#logger.emit({
        severityNumber,
        severityText,
        body: String(parsed.message ?? ''),
        attributes,
        timestamp: Number.isNaN(time) ? Date.now() : time,
        context,
      });
    }
    return true;
  }

  /**
   * Exports what was written. pino calls it as `flush(callback)` when this is the logger's only
   * destination and waits for the callback; agentlens awaits the promise.
   */
  flush(callback?: (error?: Error) => void): Promise<void> {
    const done = this.#provider.forceFlush();
    if (callback !== undefined)
      done.then(
        () => callback(),
        (error: Error) => callback(error),
      );
    return done;
  }

  shutdown(): Promise<void> {
    return this.#provider.shutdown();
  }
}
