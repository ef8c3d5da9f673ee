import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Hub } from '@agentlens/hub';
import { createAgentlens } from '@agentlens/sdk';

/** The repository root, where the command runs from. */
export const root = fileURLToPath(new URL('../../../..', import.meta.url));

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the command from source, the way `npx agentlens` runs the built one. */
export function agentlens(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@agentlens/source', 'packages/cli/src/main.ts', ...args],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, AGENTLENS_TOKEN: '', ...env } },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** A port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Known data, sent the way an app sends it: three ChatAgent runs (one fails) each with one model
 * call of known usage and cost, one CodeAgent run with a tool call that fails.
 */
export async function sendKnownData(hub: Hub): Promise<void> {
  const agentlens = createAgentlens({
    serviceName: 'monitor-test',
    processMetrics: false,
    logging: false,
    tracing: { endpoint: `${hub.url}/v1/traces` },
  });
  for (let i = 0; i < 3; i++) {
    try {
      await agentlens.withAgent('ChatAgent', async () => {
        await agentlens.withModelCall({ provider: 'openai', model: 'gpt-4o-mini' }, async (call) => {
          call.setUsage({ inputTokens: 1000, outputTokens: 200 });
          call.setCost(0.01);
        });
        if (i === 2) throw new Error('the user went away');
      });
    } catch {
      // The failed run is part of the data.
    }
  }
  await agentlens.withAgent('CodeAgent', async () => {
    try {
      await agentlens.withToolCall('code_exec', async () => {
        throw new Error('exit status 1');
      });
    } catch {
      // A failed tool call inside a run that still succeeds.
    }
  });
  await agentlens.shutdown();
}
