import { writeFile } from 'node:fs/promises';
import { HubClient } from '@agentlens/hub/client';
import { parseDuration } from '@agentlens/hub/options';
import { Command, InvalidArgumentError, Option } from 'commander';
import { describeHubError } from '../monitor/hub-errors.js';
import { renderMarkdown } from '../monitor/markdown.js';
import { fetchSample } from '../monitor/monitor-data.js';
import { hubUrl } from '../option-parsers.js';
import { UsageError } from '../usage-error.js';

/** The hub `monitor` reads when `--hub` is not given: the standard OTLP/HTTP port on loopback. */
export const DEFAULT_HUB_URL = 'http://127.0.0.1:4318';

/** Thrown for a failure that is the hub's, not the user's: one line, exit status 1. */
export class MonitorError extends Error {
  override readonly name = 'MonitorError';
}

function windowText(value: string): string {
  try {
    parseDuration(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
  return value;
}

function interval(value: string): number {
  let ms: number;
  try {
    ms = parseDuration(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
  if (ms < 250) throw new InvalidArgumentError('must be at least 250ms');
  return ms;
}

interface MonitorOptions {
  readonly live?: boolean;
  readonly export?: 'json' | 'markdown';
  readonly hub: string;
  readonly window?: string;
  readonly service?: string;
  readonly out?: string;
  readonly interval: number;
}

async function exportReport(
  client: HubClient,
  options: MonitorOptions,
  format: 'json' | 'markdown',
): Promise<void> {
  const window = options.window ?? '24h';
  let sample: Awaited<ReturnType<typeof fetchSample>>;
  try {
    sample = await fetchSample(client, {
      window,
      ...(options.service === undefined ? {} : { service: options.service }),
    });
  } catch (error) {
    throw new MonitorError(describeHubError(error));
  }
  // Loaded here: the schema (zod) is heavy, and main.ts loads every command's definition.
  const { ReportSchema } = await import('@agentlens/core');
  const checked = ReportSchema.safeParse(sample.report);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new MonitorError(
      `the hub answered a report that is not agentlens.report/v1 (${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}); is the hub older than this command?`,
    );
  }
  const body =
    format === 'json'
      ? `${JSON.stringify(checked.data, null, 2)}\n`
      : renderMarkdown(sample, { hubUrl: client.baseUrl });
  if (options.out === undefined) {
    process.stdout.write(body);
    return;
  }
  try {
    await writeFile(options.out, body);
  } catch (error) {
    throw new MonitorError(`cannot write ${options.out}: ${(error as Error).message}`);
  }
  process.stderr.write(`wrote the ${format} report (window ${window}) to ${options.out}\n`);
}

/** `agentlens monitor`: the live terminal dashboard and the JSON / Markdown reports. */
export function monitorCommand(): Command {
  return new Command('monitor')
    .description('watch agents, tools, models and errors live, or write them as a JSON or Markdown report')
    .option('--live', 'the live terminal dashboard (the default on a terminal)')
    .addOption(
      new Option(
        '--export <format>',
        'write a report instead: json (agentlens.report/v1) or markdown',
      ).choices(['json', 'markdown']),
    )
    .option('--hub <url>', 'the hub to read (token from AGENTLENS_TOKEN)', hubUrl, DEFAULT_HUB_URL)
    .option(
      '--window <duration>',
      'the time the figures cover (default 5m live, 24h for a report)',
      windowText,
    )
    .option('--service <name>', 'only this service')
    .option('--out <file>', 'write the report to a file instead of stdout')
    .option('--interval <duration>', 'refresh period of the live dashboard', interval, 2000)
    .addHelpText(
      'after',
      `
Examples:
  agentlens monitor --live
  agentlens monitor --live --hub http://127.0.0.1:4318 --window 15m --interval 5s
  agentlens monitor --export json --window 24h --out report.json
  agentlens monitor --export markdown > daily-$(date +%F).md

Exit status: 0 on success; 1 when the hub cannot be reached or answers an error; 2 on bad usage.`,
    )
    .action(async (options: MonitorOptions) => {
      if (options.live === true && options.export !== undefined)
        throw new UsageError('--live and --export cannot be used together');
      if (options.out !== undefined && options.export === undefined)
        throw new UsageError('--out needs --export json or --export markdown');
      const client = new HubClient({
        baseUrl: options.hub,
        ...(process.env.AGENTLENS_TOKEN ? { token: process.env.AGENTLENS_TOKEN } : {}),
        timeoutMs: 5000,
      });
      const format =
        options.export ?? (options.live === true || process.stdout.isTTY ? undefined : 'markdown');
      if (format !== undefined) {
        await exportReport(client, options, format);
        return;
      }
      if (!process.stdout.isTTY || !process.stdin.isTTY)
        throw new MonitorError(
          '--live needs a terminal; use --export json or --export markdown for a report',
        );
      // Ink draws only the last frame when CI or CONTINUOUS_INTEGRATION is set (it reads them once,
      // when it loads). This is a live view on a real terminal, so it must draw every frame.
      delete process.env.CI;
      delete process.env.CONTINUOUS_INTEGRATION;
      // Ink and React load only for the live view, so reports start fast.
      const { runLive } = await import('../monitor/live-dashboard.js');
      await runLive({
        client,
        query: {
          window: options.window ?? '5m',
          ...(options.service === undefined ? {} : { service: options.service }),
        },
        intervalMs: options.interval,
      });
    });
}
