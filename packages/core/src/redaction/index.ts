export { DEFAULT_SECRET_KEYS, DEFAULT_SECRET_PATTERNS } from './patterns.js';
export type { Redactor, RedactorOptions } from './redactor.js';
export { createRedactor, DEFAULT_REPLACEMENT } from './redactor.js';
