import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../..', import.meta.url));

it('agentlens serve listens, says where, takes OTLP, and stops cleanly on SIGTERM', async () => {
  const db = join(mkdtempSync(join(tmpdir(), 'agentlens-serve-')), 'hub.db');
  // node itself (tsx as a loader), so the signal reaches the command and not a wrapper process.
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--conditions=@agentlens/source',
      'packages/cli/src/main.ts',
      'serve',
      '--port',
      '0',
      '--db',
      db,
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match?.[1]) {
        clearInterval(timer);
        resolve(match[1]);
      }
    }, 50);
    child.on('exit', () => reject(new Error(`serve exited early: ${out}`)));
  });
  expect(out).toContain(db);
  const response = await fetch(`${url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  expect(response.status).toBe(200);
  expect(existsSync(db)).toBe(true);
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(out).toContain('stopped (SIGTERM)');
});
