export type {
  CacheOperationLog,
  LlmRequestLog,
  WorkflowEventLog,
} from './helpers.js';
export { logCacheOperation, logLlmRequest, logWorkflowEvent } from './helpers.js';
export type {
  LogFields,
  Logger,
  LoggerLevel,
  LoggerOptions,
  LogLevel,
  LogMethod,
  TraceContext,
} from './logger.js';
export {
  APP_LOG_LEVEL_ENV,
  createLogger,
  GENERAL_LOG_LEVEL_ENV,
  LOG_LEVELS,
  resolveLogLevel,
} from './logger.js';
export type { RotatingFileOptions } from './rotating-file.js';
export { DEFAULT_MAX_FILES, DEFAULT_MAX_SIZE_BYTES, RotatingFileStream } from './rotating-file.js';
