export { demoCommand } from './commands/demo.js';
export { DEFAULT_HUB_URL, monitorCommand } from './commands/monitor.js';
export { serveCommand } from './commands/serve.js';
export type { DemoHandle, DemoOptions } from './demo/app.js';
export { runDemo } from './demo/app.js';
