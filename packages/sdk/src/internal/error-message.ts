import { redactUrlCredentials } from './redact-url-credentials.js';

/**
 * A one-line description of anything thrown, fit for a health report: an error's message (the
 * messages of an `AggregateError`'s errors when it has none of its own, as Node's connect errors
 * do), `String(value)` for other values, with credentials removed from URLs. Never throws.
 */
export function errorMessage(reason: unknown): string {
  let message: string;
  try {
    message = describe(reason);
  } catch {
    // String() throws for objects without a prototype and for hostile toString methods.
    message = Object.prototype.toString.call(reason);
  }
  return redactUrlCredentials(message || 'unknown error');
}

function describe(reason: unknown): string {
  if (reason instanceof AggregateError && !reason.message) {
    return reason.errors.map(describe).join('; ') || reason.name;
  }
  if (reason instanceof Error) return reason.message || reason.name;
  if (typeof reason === 'object' && reason !== null) {
    const { message } = reason as { message?: unknown };
    // Errors from another realm (a vm context, a worker) fail instanceof but keep their message.
    if (typeof message === 'string') return message;
  }
  return String(reason);
}
