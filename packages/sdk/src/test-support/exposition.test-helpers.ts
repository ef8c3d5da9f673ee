/**
 * Reads samples out of a Prometheus text exposition by metric name and exact label set, so a test
 * can never match the wrong series by accident.
 */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
  for (const match of text.matchAll(re)) {
    labels[match[1] as string] = (match[2] as string)
      .replace(/\\n/g, '\n')
      .replace(/\\"/g, '"')
      .replace(/\\\\/g, '\\');
  }
  return labels;
}

/** Every sample line of an exposition (comments and blank lines skipped). */
export function parseSamples(exposition: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of exposition.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const brace = line.indexOf('{');
    const space = line.lastIndexOf(' ');
    const name = brace === -1 ? line.slice(0, line.indexOf(' ')) : line.slice(0, brace);
    const labels = brace === -1 ? {} : parseLabels(line.slice(brace + 1, line.lastIndexOf('}')));
    const raw = line.slice(space + 1);
    samples.push({ name, labels, value: raw === '+Inf' ? Number.POSITIVE_INFINITY : Number(raw) });
  }
  return samples;
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/** The value of the sample with exactly this name and label set, or undefined when absent. */
export function sampleValue(
  exposition: string,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number | undefined {
  return parseSamples(exposition).find((s) => s.name === name && sameLabels(s.labels, labels))?.value;
}

/** All samples of one metric name. */
export function samplesOf(exposition: string, name: string): Sample[] {
  return parseSamples(exposition).filter((s) => s.name === name);
}
