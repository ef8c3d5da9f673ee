import type { TimeseriesSet } from '@agentlens/hub/client';
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** Series on one grid of steps, as `GET /api/timeseries` answers them (dense and aligned). */
export type ChartData = Pick<TimeseriesSet, 'startMs' | 'stepMs' | 'series'>;

/** The series of `data` whose key is `key` (none when it has no data). */
export function seriesOf(data: ChartData, key: string | null): ChartData {
  return { startMs: data.startMs, stepMs: data.stepMs, series: data.series.filter((s) => s.key === key) };
}

export interface ChartProps {
  readonly data: ChartData;
  /** Formats a value for the axis and the legend. */
  readonly format: (value: number) => string;
  readonly height?: number;
  /** A sparkline: no axes, no legend. */
  readonly spark?: boolean;
  /** What the chart shows, for screen readers. */
  readonly label: string;
}

const PALETTE = ['--chart-1', '--chart-2', '--chart-3', '--chart-4', '--chart-5', '--chart-6'];

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#4c6ef5';
}

/** Whether the system asks for dark colours; follows changes, so charts redraw in the new theme. */
const DARK_QUERY = window.matchMedia('(prefers-color-scheme: dark)');

function useDarkScheme(): boolean {
  const [dark, setDark] = useState(DARK_QUERY.matches);
  useEffect(() => {
    const listener = () => setDark(DARK_QUERY.matches);
    DARK_QUERY.addEventListener('change', listener);
    return () => DARK_QUERY.removeEventListener('change', listener);
  }, []);
  return dark;
}

/** A uPlot line chart that fills its container's width and follows the theme. */
export function Chart({
  data: { startMs, stepMs, series },
  format,
  height = 160,
  spark = false,
  label,
}: ChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const dark = useDarkScheme();

  useEffect(() => {
    const element = host.current;
    if (element === null) return;
    const times = (series[0]?.values ?? []).map((_, i) => (startMs + i * stepMs) / 1000);
    const data: uPlot.AlignedData = [times, ...series.map((s) => s.values)];
    const axisColor = cssVar('--muted');
    const gridColor = cssVar('--grid');
    const options: uPlot.Options = {
      width: Math.max(100, element.clientWidth),
      height,
      legend: { show: !spark && series.length > 1 },
      cursor: { show: !spark, points: { show: !spark } },
      scales: {
        x: { time: true },
        y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] },
      },
      axes: spark
        ? [{ show: false }, { show: false }]
        : [
            { stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { show: false } },
            {
              stroke: axisColor,
              grid: { stroke: gridColor, width: 1 },
              ticks: { show: false },
              size: 70,
              values: (_u, splits) => splits.map(format),
            },
          ],
      series: [
        {},
        ...series.map((s, i) => {
          const color = cssVar(PALETTE[i % PALETTE.length] ?? '--chart-1');
          return {
            label: s.key ?? label,
            stroke: color,
            width: 1.5,
            fill: spark || series.length === 1 ? `${color}22` : undefined,
            points: { show: false },
            value: (_u: uPlot, v: number | null) => (v === null ? '–' : format(v)),
          };
        }),
      ],
    };
    plot.current?.destroy();
    plot.current = new uPlot(options, data, element);
    const resize = new ResizeObserver(() => {
      plot.current?.setSize({ width: Math.max(100, element.clientWidth), height });
    });
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [startMs, stepMs, series, height, spark, format, label, dark]);

  return <div class={spark ? 'chart chart-spark' : 'chart'} ref={host} role="img" aria-label={label} />;
}
