/**
 * The one error type of the hub: a status, a stable machine code and a message safe to show the
 * caller (it never carries a credential). `retryAfterSeconds` becomes a `Retry-After` header.
 * Off the OTLP paths it is answered as `{ "error": { "code", "message" } }`; on them as a
 * `google.rpc.Status` in the request's encoding, as OTLP/HTTP requires.
 */
export class HubError extends Error {
  override readonly name = 'HubError';
  readonly status: number;
  readonly code: string;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    retryAfterSeconds?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
