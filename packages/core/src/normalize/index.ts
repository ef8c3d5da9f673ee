export type { NormalizeOptions } from './normalize-span.js';
export { normalizeSpan } from './normalize-span.js';
