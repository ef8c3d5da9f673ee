// `@agentlens/hub/options`: what a launcher of the hub needs without loading the hub (its
// stores, receiver and price data): the defaults, the heap limits, and the parsers of the duration
// and size formats the options take. `agentlens serve` reads its flags with these on its main
// thread and loads the hub only in the thread that runs it.
export { parseByteSize, parseDuration } from './api/duration.js';
export { HUB_HEAP_LIMITS } from './heap-limits.js';

/** Where the SQLite database lives when no path is given, relative to the working directory. */
export const DEFAULT_SQLITE_PATH = './.agentlens/agentlens.db';
