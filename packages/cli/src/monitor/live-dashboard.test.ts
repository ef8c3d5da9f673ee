import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isStuck } from '@agentlens/core';
import { createHub, type Hub } from '@agentlens/hub';
import { HubClient } from '@agentlens/hub/client';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { describeWithTool, findExecutable } from '../../../../test-support/require-tool.js';
import { root, sendKnownData } from '../test-support/cli.test-helpers.js';
import { formatPercent, formatSeconds } from './format.js';

const tmuxFound = findExecutable('tmux') !== undefined;
/** SGR 30-38 or 90-97: a foreground colour (the status, the stuck mark, errors). */
const FOREGROUND_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[(?:[0-9;]*;)?(?:3[0-8]|9[0-7])[;m]`);
/** A server of our own, so the test neither sees nor disturbs the user's tmux sessions. */
const socket = `agentlens-test-${process.pid}`;

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
}

function screen(): string {
  return tmux('capture-pane', '-p', '-t', 'monitor');
}

async function waitForScreen(
  predicate: (text: string) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = screen();
    if (predicate(text)) return text;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}; the screen was:\n${text}`);
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A model call of `StuckAgent` that ended 100 s ago while its agent span never arrived: a run in flight for 2 minutes. */
async function sendStuckRun(hub: Hub): Promise<void> {
  const now = Date.now();
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'monitor-test' } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: randomBytes(16).toString('hex'),
                spanId: randomBytes(8).toString('hex'),
                parentSpanId: randomBytes(8).toString('hex'),
                name: 'chat gpt-4o-mini',
                kind: 3,
                startTimeUnixNano: `${(now - 120_000) * 1e6}`,
                endTimeUnixNano: `${(now - 100_000) * 1e6}`,
                attributes: [
                  { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
                  { key: 'gen_ai.provider.name', value: { stringValue: 'openai' } },
                  { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o-mini' } },
                  { key: 'gen_ai.agent.name', value: { stringValue: 'StuckAgent' } },
                ],
              },
            ],
          },
        ],
      },
    ],
  };
  const response = await fetch(`${hub.url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
}

describeWithTool(
  { name: 'tmux', found: tmuxFound, debianPackage: 'tmux' },
  'agentlens monitor --live in a real terminal',
  () => {
    // Long enough for waitForScreen to give up first and print what the screen showed.
    vi.setConfig({ testTimeout: 60_000 });
    let hub: Hub | undefined;

    beforeAll(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'agentlens-live-'));
      hub = await createHub({ port: 0, grpcPort: null, dbPath: join(dir, 'hub.db') });
      await sendKnownData(hub);
      await sendStuckRun(hub);
      const command = [
        `cd ${shellQuote(root)}`,
        `AGENTLENS_TOKEN= ${shellQuote(process.execPath)} --import tsx --conditions=@agentlens/source packages/cli/src/main.ts monitor --live --hub ${hub.url} --window 15m --interval 500ms`,
        'echo "EXIT=$?"',
        // Raw mode must be off again: a terminal left in raw mode is what "broken" looks like.
        `stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e -icanon`,
        'sleep 60',
      ].join('; ');
      tmux('new-session', '-d', '-s', 'monitor', '-x', '100', '-y', '30', command);
    });

    afterAll(async () => {
      try {
        tmux('kill-server');
      } catch {
        // Already gone.
      }
      await hub?.close();
    });

    it('shows the agents with the figures the API gives, and marks the stuck one', async () => {
      const text = await waitForScreen(
        (t) => t.includes('ChatAgent') && t.includes('StuckAgent'),
        'the agents',
      );
      const report = await new HubClient({ baseUrl: (hub as Hub).url }).report({ window: '15m' });
      const lines = text.split('\n');
      for (const agent of report.agents) {
        const row = lines.find((l) => l.startsWith(agent.name));
        expect(row, `${agent.name} in:\n${text}`).toBeDefined();
        expect(row).toContain(formatPercent(agent.successRate));
        expect(row).toContain(formatSeconds(agent.p95ResponseTime));
      }
      const stuck = report.agents.find((a) => a.name === 'StuckAgent');
      expect(stuck && isStuck(stuck)).toBe(true);
      expect(lines.find((l) => l.startsWith('StuckAgent'))).toContain('1 STUCK');
      expect(text).toContain('code_exec');
      expect(text).toContain('gpt-4o-mini');
      expect(text).toContain('the user went away');
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(100);
      // No line left over from an earlier frame: every title and every agent row appears once.
      const again = screen().split('\n');
      for (const start of [
        'agentlens monitor',
        '● ',
        'AGENT ',
        'ChatAgent',
        'CodeAgent',
        'StuckAgent',
        'RECENT ERRORS',
      ]) {
        expect(
          again.filter((l) => l.startsWith(start)),
          `${start} in:\n${again.join('\n')}`,
        ).toHaveLength(1);
      }
    });

    it('colours only when NO_COLOR is not set', async () => {
      await waitForScreen((t) => t.includes('StuckAgent'), 'the agents');
      const coloured = tmux('capture-pane', '-e', '-p', '-t', 'monitor');
      expect(coloured).toMatch(FOREGROUND_COLOUR);
      const url = (hub as Hub).url;
      tmux(
        'new-session',
        '-d',
        '-s',
        'plain',
        '-x',
        '100',
        '-y',
        '30',
        `cd ${shellQuote(root)}; NO_COLOR=1 AGENTLENS_TOKEN= ${shellQuote(process.execPath)} --import tsx --conditions=@agentlens/source packages/cli/src/main.ts monitor --live --hub ${url} --window 15m; sleep 30`,
      );
      try {
        const deadline = Date.now() + 20_000;
        let plain = '';
        while (Date.now() < deadline && !plain.includes('ChatAgent')) {
          await new Promise((resolve) => setTimeout(resolve, 200));
          plain = tmux('capture-pane', '-e', '-p', '-t', 'plain');
        }
        expect(plain).toContain('StuckAgent');
        expect(plain).not.toMatch(FOREGROUND_COLOUR);
      } finally {
        tmux('kill-session', '-t', 'plain');
      }
    });

    it('keeps the last figures and says so when the hub goes away', async () => {
      await hub?.close();
      hub = undefined;
      const text = await waitForScreen((t) => t.includes('hub unreachable since'), 'the unreachable notice');
      expect(text).toContain('ChatAgent');
    });

    it('quits on q and leaves the terminal as it was', async () => {
      tmux('send-keys', '-t', 'monitor', 'q');
      // The shell prints the exit status, then what stty says: wait for both lines, not the first.
      const sttyLine = (t: string) =>
        t
          .split('\n')
          .map((l) => l.trim())
          .find((l) => /^-?icanon$/.test(l));
      const text = await waitForScreen(
        (t) => t.includes('EXIT=') && sttyLine(t) !== undefined,
        'the exit status and the terminal mode',
      );
      expect(text).toContain('EXIT=0');
      // Back on the main screen: nothing of the dashboard is left, and the terminal is cooked again.
      expect(text).not.toContain('RECENT ERRORS');
      expect(sttyLine(text)).toBe('icanon');
    });
  },
);
