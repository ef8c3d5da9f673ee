export type {
  BuiltInHealthCheck,
  DiskSpaceCheckOptions,
  EventLoopDelayCheckOptions,
  HttpCheckOptions,
  MemoryCheckOptions,
  PostgresCheckOptions,
  PostgresQueryable,
  RedisPingable,
} from './checks.js';
export {
  diskSpaceCheck,
  eventLoopDelayCheck,
  httpCheck,
  memoryCheck,
  postgresCheck,
  redisCheck,
} from './checks.js';
export type {
  HealthCheckerOptions,
  HealthCheckFn,
  HealthCheckOptions,
  HealthCheckResult,
  HealthReport,
  HealthStatus,
  HealthSummary,
} from './health-checker.js';
export { HealthCheckError, HealthChecker } from './health-checker.js';
