#!/usr/bin/env node
import { Command } from 'commander';
import { serveCommand } from './commands/serve.js';

const program = new Command('agentlens')
  .description('observability for AI-agent applications')
  .version('0.1.0')
  .showHelpAfterError()
  .addCommand(serveCommand());

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`agentlens: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
