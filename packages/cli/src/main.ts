#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { demoCommand } from './commands/demo.js';
import { monitorCommand } from './commands/monitor.js';
import { serveCommand } from './commands/serve.js';
import { UsageError } from './usage-error.js';
import { VERSION } from './version.js';

// Ink's colours come from chalk, which reads FORCE_COLOR but not NO_COLOR (https://no-color.org);
// set it before anything loads chalk, so NO_COLOR and a pipe both mean plain text.
if ((process.env.NO_COLOR ?? '') !== '' && process.env.FORCE_COLOR === undefined)
  process.env.FORCE_COLOR = '0';

const program = new Command('agentlens')
  .description('observability for AI-agent applications: the hub, a demo app, a live dashboard and reports')
  .version(VERSION, '-V, --version', 'print the version')
  .exitOverride()
  .showHelpAfterError('(run with --help for usage)')
  .addHelpText(
    'after',
    `
Examples:
  agentlens demo                       run a simulated agent app on an embedded hub
  agentlens monitor --live             the live terminal dashboard
  agentlens monitor --export markdown  a report of the last 24 hours
  agentlens serve --retention 7d       run the hub

Every command has --help.`,
  );

for (const command of [demoCommand(), monitorCommand(), serveCommand()]) {
  program.addCommand(command.copyInheritedSettings(program));
}

/** 0 for help and version, 2 for bad usage, 1 for everything else (the hub unreachable, ...). */
function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  return error instanceof UsageError ? 2 : 1;
}

program.parseAsync(process.argv).catch((error: unknown) => {
  process.exitCode = exitCodeOf(error);
  // Commander has printed its own errors (and help or the version); the others are printed here.
  if (error instanceof CommanderError) return;
  process.stderr.write(`agentlens: ${error instanceof Error ? error.message : String(error)}\n`);
});
