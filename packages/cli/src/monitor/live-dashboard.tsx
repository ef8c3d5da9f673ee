import type { HubClient } from '@agentlens/hub/client';
import { Box, render, Text, useApp, useInput, useStdin, useStdout } from 'ink';
import { useEffect, useState } from 'react';
import { describeHubError } from './hub-errors.js';
import { buildScreen, type Line, type LiveState } from './live-view.js';
import { fetchSample, type SampleQuery } from './monitor-data.js';

export interface LiveOptions {
  readonly client: HubClient;
  readonly query: SampleQuery;
  readonly intervalMs: number;
  readonly stdout?: NodeJS.WriteStream;
  readonly stdin?: NodeJS.ReadStream;
}

function ScreenLines({ lines }: { readonly lines: readonly Line[] }) {
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a screen line is its position
        <Text key={i} wrap="truncate">
          {line.length === 0
            ? ' '
            : line.map((segment, j) => (
                <Text
                  // biome-ignore lint/suspicious/noArrayIndexKey: a segment is its position in the line
                  key={j}
                  {...(segment.color === undefined ? {} : { color: segment.color })}
                  bold={segment.bold === true}
                  dimColor={segment.dim === true}
                >
                  {segment.text}
                </Text>
              ))}
        </Text>
      ))}
    </Box>
  );
}

function Dashboard({ client, query, intervalMs }: Omit<LiveOptions, 'stdout' | 'stdin'>) {
  const { exit } = useApp();
  const { stdout } = useStdout();
  const { isRawModeSupported } = useStdin();
  const [state, setState] = useState<LiveState>({
    hubUrl: client.baseUrl,
    window: query.window,
    intervalMs,
    sample: null,
    failure: null,
  });
  const [size, setSize] = useState({ columns: stdout.columns ?? 80, rows: stdout.rows ?? 24 });

  useEffect(() => {
    const onResize = () => setSize({ columns: stdout.columns ?? 80, rows: stdout.rows ?? 24 });
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);

  useEffect(() => {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    // One request at a time: the next starts `intervalMs` after the previous answered, so a slow
    // hub is not piled up with requests.
    const tick = async () => {
      try {
        const sample = await fetchSample(client, query);
        if (!stopped) setState((s) => ({ ...s, sample, failure: null }));
      } catch (error) {
        if (!stopped)
          setState((s) => ({
            ...s,
            failure: { message: describeHubError(error), sinceMs: s.failure?.sinceMs ?? Date.now() },
          }));
      }
      if (!stopped) timer = setTimeout(() => void tick(), intervalMs);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [client, query, intervalMs]);

  useInput(
    (input, key) => {
      if (input === 'q' || input === 'Q' || key.escape) exit();
    },
    { isActive: isRawModeSupported },
  );

  return <ScreenLines lines={buildScreen(state, size.columns, size.rows)} />;
}

const ENTER_ALTERNATE_SCREEN = '\x1b[?1049h\x1b[H';
const LEAVE_ALTERNATE_SCREEN = '\x1b[?1049l';

/**
 * Runs the live dashboard until `q`, Escape, Ctrl-C or SIGTERM. It draws on the terminal's
 * alternate screen, so the terminal is left as it was.
 */
export async function runLive(options: LiveOptions): Promise<void> {
  const stdout = options.stdout ?? process.stdout;
  const stdin = options.stdin ?? process.stdin;
  stdout.write(ENTER_ALTERNATE_SCREEN);
  const instance = render(
    <Dashboard client={options.client} query={options.query} intervalMs={options.intervalMs} />,
    {
      stdout,
      stdin,
      exitOnCtrlC: true,
      patchConsole: false,
      maxFps: 10,
    },
  );
  const onSignal = () => instance.unmount();
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  try {
    await instance.waitUntilExit();
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    stdout.write(LEAVE_ALTERNATE_SCREEN);
  }
}
