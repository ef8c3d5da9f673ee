import { Command, InvalidArgumentError, Option } from 'commander';
import type { DemoCounts, DemoHandle, DemoOptions } from '../demo/app.js';
import { usd as dollars, duration, hubUrl, port } from '../option-parsers.js';

function rate(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 1000)
    throw new InvalidArgumentError('must be a number of conversations per second above 0, at most 1000');
  return n;
}

function seed(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n > 2 ** 31 - 1)
    throw new InvalidArgumentError('must be a whole number from 0 to 2147483647');
  return n;
}

/** `90s` → `1m30s`, `600000` ms → `10m`. */
function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  return `${h > 0 ? `${h}h` : ''}${m > 0 ? `${m}m` : ''}${rest > 0 || s === 0 ? `${rest}s` : ''}`;
}

/** `0:10`, `12:05`, `1:02:03`: time since the demo started. */
function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60));
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${mm.padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

function progressLine(elapsedMs: number, c: DemoCounts): string {
  return [
    `  ${clock(elapsedMs).padStart(5)}`,
    `conversations ${c.conversationsStarted} (${c.conversationsRunning} running)`,
    `spans sent ${c.spansSent}`,
    `failed: ${c.agentRunsFailed} runs, ${c.toolCallsFailed} tool calls, ${c.modelCallsFailed} model calls`,
    `cost $${c.costUsd.toFixed(2)}`,
  ].join('  ');
}

function finishing(running: number): string {
  return `letting ${running} conversation${running === 1 ? '' : 's'} finish (at most 10 s), then flushing`;
}

interface DemoCommandOptions {
  hub?: string;
  port: number;
  db: string;
  metricsPort: number;
  duration?: number;
  rate: number;
  seed: number;
  budget?: number;
  quiet?: boolean;
}

/** What the command needs from outside; tests replace them. */
export interface DemoCommandDeps {
  /** Starts the demo. Default `runDemo` of `demo/app.ts`. */
  readonly run?: (options: DemoOptions) => Promise<DemoHandle>;
  /** Where the command prints. Default stdout. */
  readonly write?: (text: string) => void;
  /** How often the progress line is printed, in ms. Default 10 000. */
  readonly progressEveryMs?: number;
}

/**
 * `agentlens demo`: an embedded hub (or `--hub`) fed by a simulated, instrumented multi-agent app
 * with its own `/metrics` and `/health`, until Ctrl-C or `--duration`.
 */
export function demoCommand(deps: DemoCommandDeps = {}): Command {
  // The app (and the hub in it) loads only when the command runs: main.ts loads every definition.
  const run = deps.run ?? (async (options: DemoOptions) => (await import('../demo/app.js')).runDemo(options));
  const write = deps.write ?? ((text: string) => void process.stdout.write(text));
  const progressEveryMs = deps.progressEveryMs ?? 10_000;
  return new Command('demo')
    .description(
      'run a simulated multi-agent app instrumented with @agentlens/sdk, sending to an embedded hub (nothing leaves the machine)',
    )
    .addOption(
      new Option('--hub <url>', 'send to this hub instead of starting one (token: AGENTLENS_TOKEN)')
        .argParser(hubUrl)
        .conflicts(['port', 'db']),
    )
    .option('--port <port>', 'port of the embedded hub, OTLP/HTTP and API (0 = any free port)', port, 4318)
    .option('--db <path>', 'SQLite file of the embedded hub', './.agentlens/demo.db')
    .option('--metrics-port <port>', "port of the app's /metrics and /health (0 = any free port)", port, 9464)
    .option('--duration <duration>', 'stop after this long (e.g. 30s, 10m); default: until Ctrl-C', duration)
    .option('--rate <n>', 'conversations started per second, on average', rate, 1)
    .option('--seed <n>', 'seed of the workload: the same seed and rate give the same conversations', seed, 1)
    .option(
      '--budget <usd>',
      "daily budget in US dollars, shown in the app's health and the embedded hub's report",
      dollars,
    )
    .option('--quiet', 'print only where things are, no progress lines')
    .addHelpText(
      'after',
      `
Examples:
  agentlens demo
  agentlens demo --duration 10m --rate 2 --seed 7
  agentlens demo --hub http://127.0.0.1:4318 --metrics-port 0
Then, in another terminal:
  npx agentlens monitor --live --hub http://127.0.0.1:4318`,
    )
    .action(async (options: DemoCommandOptions) => {
      const demo = await run({
        ...(options.hub === undefined ? { port: options.port, dbPath: options.db } : { hubUrl: options.hub }),
        metricsPort: options.metricsPort,
        rate: options.rate,
        seed: options.seed,
        ...(options.duration === undefined ? {} : { durationMs: options.duration }),
        ...(options.budget === undefined ? {} : { budgetUsd: options.budget }),
      });
      const started = Date.now();
      const perSecond = options.rate === 1 ? '1 conversation/s' : `${options.rate} conversations/s`;
      const until =
        options.duration === undefined ? 'until Ctrl-C' : `for ${formatDuration(options.duration)}`;
      const progress = options.quiet
        ? undefined
        : setInterval(() => write(`${progressLine(Date.now() - started, demo.counts())}\n`), progressEveryMs);
      const durationOver =
        options.duration === undefined
          ? undefined
          : setTimeout(() => {
              clearInterval(progress);
              const running = demo.counts().conversationsRunning;
              write(`${formatDuration(options.duration as number)} over: ${finishing(running)}\n`);
            }, options.duration);
      durationOver?.unref();
      let signalled = false;
      const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
        if (signalled) {
          write(`${signal} again: quitting without waiting\n`);
          process.exit(130);
        }
        signalled = true;
        const running = demo.counts().conversationsRunning;
        clearTimeout(durationOver);
        clearInterval(progress);
        write(
          `stopping (${signal}): ${finishing(running)}; ${signal === 'SIGINT' ? 'Ctrl-C' : signal} again quits at once\n`,
        );
        void demo.stop();
      };
      const onSigint = () => onSignal('SIGINT');
      const onSigterm = () => onSignal('SIGTERM');
      process.on('SIGINT', onSigint);
      process.on('SIGTERM', onSigterm);
      // The banner comes after the handlers: whoever waits for "Ctrl-C to stop" may signal at once.
      write(
        [
          `agentlens demo: a simulated multi-agent app (seed ${options.seed}, ${perSecond}, ${until})`,
          `  hub:       ${demo.hubUrl}  (${demo.embeddedHub ? 'embedded: OTLP/HTTP, API and web UI' : 'external'})`,
          `  data:      ${demo.dbPath ?? 'kept by that hub'}`,
          `  metrics:   ${demo.metricsUrl}   health: ${demo.healthUrl}`,
          `  dashboard: ${demo.monitorCommand}`,
          `  web UI:    ${demo.hubUrl}/`,
          options.duration === undefined ? 'Ctrl-C to stop.' : 'Ctrl-C to stop early.',
          '',
        ].join('\n'),
      );
      try {
        const final = await demo.done;
        write(
          `stopped after ${formatDuration(Date.now() - started)}: ${final.conversationsStarted} conversations, ${final.agentRuns} agent runs (${final.agentRunsFailed} failed), ${final.spansSent} spans sent${final.spansFailed > 0 ? ` (${final.spansFailed} not delivered)` : ''}, $${final.costUsd.toFixed(2)} spent\n`,
        );
      } finally {
        clearInterval(progress);
        clearTimeout(durationOver);
        process.off('SIGINT', onSigint);
        process.off('SIGTERM', onSigterm);
      }
    });
}
