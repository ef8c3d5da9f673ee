export { BearerCheck, isLoopbackHost } from './auth.js';
export { HubError } from './hub-error.js';
export type { IngestFn, IngestObserver, IngestorOptions, RejectReason } from './ingestor.js';
export { Ingestor } from './ingestor.js';
export { toLogRecord } from './log-record.js';
export type { OtlpRouteOptions } from './otlp-routes.js';
export { encodingOf, OTLP_PATHS, registerOtlpRoutes } from './otlp-routes.js';
export { readBody } from './read-body.js';
export { encodeRpcStatus, grpcCodeOf } from './rpc-status.js';
