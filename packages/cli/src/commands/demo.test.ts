import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { Command, CommanderError } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import type { DemoCounts, DemoHandle, DemoOptions } from '../demo/app.js';
import { type DemoCommandDeps, demoCommand } from './demo.js';

const ZERO: DemoCounts = {
  conversationsStarted: 0,
  conversationsRunning: 0,
  agentRuns: 0,
  agentRunsFailed: 0,
  modelCalls: 0,
  modelCallsFailed: 0,
  toolCalls: 0,
  toolCallsFailed: 0,
  workflowRuns: 0,
  humanReviews: 0,
  spansRecorded: 0,
  spansSent: 0,
  spansFailed: 0,
  costUsd: 0,
};

/** A stand-in demo: records the options it was given and stops when told to (or at once). */
function fakeRun(options: { stopsItself: boolean }) {
  const calls: DemoOptions[] = [];
  let stops = 0;
  const run = async (demoOptions: DemoOptions): Promise<DemoHandle> => {
    calls.push(demoOptions);
    let finish: (counts: DemoCounts) => void = () => {};
    const done = new Promise<DemoCounts>((resolve) => {
      finish = resolve;
    });
    const final = { ...ZERO, conversationsStarted: 12, agentRuns: 20, spansSent: 150, costUsd: 0.4321 };
    if (options.stopsItself) finish(final);
    return {
      hubUrl: 'http://127.0.0.1:4318',
      embeddedHub: true,
      dbPath: '/data/demo.db',
      metricsUrl: 'http://127.0.0.1:9464/metrics',
      healthUrl: 'http://127.0.0.1:9464/health',
      providerUrl: 'http://127.0.0.1:40000',
      monitorCommand: 'npx agentlens monitor --live --hub http://127.0.0.1:4318',
      counts: () => ({ ...ZERO, conversationsStarted: 3, conversationsRunning: 2, spansSent: 40 }),
      stop: async () => {
        stops++;
        finish(final);
        return final;
      },
      done,
    };
  };
  return { run, calls, stops: () => stops };
}

/** Runs `agentlens demo <args>` through commander in-process, collecting what it prints. */
async function demo(args: string[], deps: DemoCommandDeps = {}) {
  let out = '';
  let err = '';
  const output = {
    writeOut: (text: string) => {
      out += text;
    },
    writeErr: (text: string) => {
      err += text;
    },
  };
  const command = demoCommand({ write: (text) => output.writeOut(text), ...deps })
    .exitOverride()
    .configureOutput(output);
  const program = new Command('agentlens').exitOverride().configureOutput(output).addCommand(command);
  let error: unknown;
  try {
    await program.parseAsync(['demo', ...args], { from: 'user' });
  } catch (caught) {
    error = caught;
  }
  return { out, err, error };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function takenPort(): Promise<number> {
  const server = createServer();
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as { port: number }).port;
}

describe('agentlens demo', () => {
  it.each([
    [['--rate', '0'], 'must be a number of conversations per second above 0'],
    [['--rate', 'lots'], 'must be a number of conversations per second above 0'],
    [['--seed', '-3'], 'must be a whole number from 0 to 2147483647'],
    [['--seed', '1.5'], 'must be a whole number'],
    [['--duration', '10x'], 'is not a duration'],
    [['--port', '70000'], 'must be an integer from 0 to 65535'],
    [['--metrics-port', 'http'], 'must be an integer from 0 to 65535'],
    [['--budget', 'free'], 'must be an amount of US dollars above 0'],
    [['--hub', 'localhost:4318'], 'must be an http:// or https:// URL'],
    [['--hub', 'not a url'], 'must be the hub base URL'],
    [['--hub', 'http://127.0.0.1:4318', '--port', '5000'], 'cannot be used with option'],
    [['--colour'], "unknown option '--colour'"],
  ])('refuses %j with a one-line reason and a non-zero exit', async (args, reason) => {
    const fake = fakeRun({ stopsItself: true });
    const { err, error } = await demo(args, { run: fake.run });
    expect(error).toBeInstanceOf(CommanderError);
    expect((error as CommanderError).exitCode).not.toBe(0);
    expect(err).toContain(reason);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(fake.calls).toHaveLength(0);
  });

  it('passes its options to the demo and says where everything is', async () => {
    const fake = fakeRun({ stopsItself: true });
    const { out, error } = await demo(
      [
        '--port',
        '0',
        '--db',
        '/tmp/x.db',
        '--metrics-port',
        '0',
        '--duration',
        '90s',
        '--rate',
        '2.5',
        '--seed',
        '7',
        '--budget',
        '$25',
        '--quiet',
      ],
      { run: fake.run },
    );
    expect(error).toBeUndefined();
    expect(fake.calls).toEqual([
      { port: 0, dbPath: '/tmp/x.db', metricsPort: 0, rate: 2.5, seed: 7, durationMs: 90_000, budgetUsd: 25 },
    ]);
    const lines = out.trim().split('\n');
    expect(lines[0]).toBe(
      'agentlens demo: a simulated multi-agent app (seed 7, 2.5 conversations/s, for 1m30s)',
    );
    expect(out).toContain('hub:       http://127.0.0.1:4318  (embedded: OTLP/HTTP, API and web UI)');
    expect(out).toContain('web UI:    http://127.0.0.1:4318/');
    expect(out).toContain('data:      /data/demo.db');
    expect(out).toContain('metrics:   http://127.0.0.1:9464/metrics   health: http://127.0.0.1:9464/health');
    expect(out).toContain('dashboard: npx agentlens monitor --live --hub http://127.0.0.1:4318');
    expect(lines.at(-1)).toMatch(
      /^stopped after \d+s: 12 conversations, 20 agent runs \(0 failed\), 150 spans sent, \$0\.43 spent$/,
    );
    expect(lines.length).toBeLessThanOrEqual(8);
  });

  it('uses the defaults of the issue, and --hub instead of an embedded hub', async () => {
    const fake = fakeRun({ stopsItself: true });
    await demo([], { run: fake.run });
    await demo(['--hub', 'http://hub.internal:4318/'], { run: fake.run });
    expect(fake.calls).toEqual([
      { port: 4318, dbPath: './.agentlens/demo.db', metricsPort: 9464, rate: 1, seed: 1 },
      { hubUrl: 'http://hub.internal:4318', metricsPort: 9464, rate: 1, seed: 1 },
    ]);
  });

  it('prints a calm progress line, and on SIGINT lets the demo finish, then exits', async () => {
    const fake = fakeRun({ stopsItself: false });
    const before = process.listenerCount('SIGINT');
    let out = '';
    const running = demo([], {
      run: fake.run,
      progressEveryMs: 20,
      write: (text) => {
        out += text;
      },
    });
    while (!out.includes('conversations 3')) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(out).toMatch(
      /\n {3}0:00 {2}conversations 3 \(2 running\) {2}spans sent 40 {2}failed: 0 runs, 0 tool calls, 0 model calls {2}cost \$0\.00\n/,
    );
    process.emit('SIGINT');
    const { error } = await running;
    expect(error).toBeUndefined();
    expect(fake.stops()).toBe(1);
    expect(out).toContain('stopping (SIGINT): letting 2 conversations finish (at most 10 s), then flushing');
    expect(out).toContain('stopped after');
    expect(process.listenerCount('SIGINT')).toBe(before);
  });

  it('names the port and the way out when the hub port is taken', async () => {
    const port = await takenPort();
    const { error } = await demo([
      '--port',
      String(port),
      '--metrics-port',
      '0',
      '--duration',
      '1s',
      '--db',
      ':memory:',
    ]);
    expect((error as Error).message).toBe(
      `port ${port} is in use (another hub?); pick another with --port, or send to the running hub with --hub http://127.0.0.1:${port}`,
    );
  });

  it('names the metrics port when it is taken, and leaves nothing running', async () => {
    const port = await takenPort();
    const { error } = await demo([
      '--port',
      '0',
      '--metrics-port',
      String(port),
      '--duration',
      '1s',
      '--db',
      ':memory:',
    ]);
    expect((error as Error).message).toBe(
      `metrics port ${port} is in use; pick another with --metrics-port (0 = any free port)`,
    );
  });
});
