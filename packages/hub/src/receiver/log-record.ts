import type { LogRecord, OtlpLog } from '@agentlens/core';

const UNKNOWN_SERVICE = 'unknown_service';

/**
 * Turns a decoded OTLP log into the row the store keeps: the service from the resource's
 * `service.name`, the body as text (JSON for structured bodies), empty ids as null.
 */
export function toLogRecord(log: OtlpLog): LogRecord {
  const service = log.resource['service.name'];
  const body = log.body;
  return {
    timeUnixNano: log.timeUnixNano,
    observedTimeUnixNano: log.observedTimeUnixNano,
    service: typeof service === 'string' && service !== '' ? service : UNKNOWN_SERVICE,
    severityNumber: log.severityNumber,
    severityText: log.severityText,
    body: typeof body === 'string' ? body : body === null ? '' : JSON.stringify(body),
    traceId: log.traceId === '' ? null : log.traceId,
    spanId: log.spanId === '' ? null : log.spanId,
    attributes: log.attributes,
    resource: log.resource,
    scope: log.scope,
  };
}
