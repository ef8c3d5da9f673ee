import { Registry } from 'prom-client';
import { ByteWriter } from './byte-writer.js';
import { MetricFamily } from './metric-family.js';

export const PROMETHEUS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;
export const OPENMETRICS_CONTENT_TYPE = Registry.OPENMETRICS_CONTENT_TYPE;

/**
 * Whether a scraper's `Accept` header prefers OpenMetrics over the Prometheus text format, by the
 * header's q-values (Prometheus sends `application/openmetrics-text;version=1.0.0,...,text/plain;
 * version=0.0.4;q=0.5,...`). No header, or no mention of OpenMetrics, means the text format.
 */
export function prefersOpenMetrics(accept: string | undefined): boolean {
  if (!accept) return false;
  let openMetrics = 0;
  let text = 0;
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.trim().split(';');
    const qParam = params.find((p) => p.trim().startsWith('q='));
    const q = qParam ? Number(qParam.trim().slice(2)) : 1;
    const mediaType = type.trim().toLowerCase();
    if (mediaType === 'application/openmetrics-text') openMetrics = Math.max(openMetrics, q);
    else if (mediaType === 'text/plain' || mediaType === '*/*') text = Math.max(text, q);
  }
  return openMetrics > 0 && openMetrics >= text;
}

/** The parts of prom-client's `Registry` and metrics that its typings leave out. */
interface PromClientMetric {
  readonly name: string;
  readonly type: string;
  get(): Promise<{ name: string }>;
}
interface RegistryInternals {
  getMetricsAsArray(): PromClientMetric[];
  getMetricsAsString(metric: PromClientMetric): Promise<string>;
}

function defaultLabelsOf(registry: Registry): Record<string, string> {
  // prom-client keeps default labels private; reading them lets agentlens' families carry the same
  // default labels as the registry's other metrics, as `registry.metrics()` would.
  return (registry as unknown as { _defaultLabels?: Record<string, string> })._defaultLabels ?? {};
}

/** A view of the registry that prom-client's formatter treats as OpenMetrics. */
function openMetricsView(registry: Registry): RegistryInternals {
  return Object.create(registry, { contentType: { value: OPENMETRICS_CONTENT_TYPE } }) as RegistryInternals;
}

/**
 * Renders every metric of `registry` into bytes: agentlens' own families through their fast path,
 * everything else (process metrics, the user's own prom-client metrics) through prom-client's
 * formatter. Does not mutate the registry (prom-client's own OpenMetrics path renames counters in
 * place).
 */
export async function renderRegistryBytes(registry: Registry, openMetrics: boolean): Promise<Buffer> {
  const defaults = defaultLabelsOf(registry);
  const internals = registry as unknown as RegistryInternals;
  const formatter = openMetrics ? openMetricsView(registry) : internals;
  const writer = new ByteWriter();
  let first = true;
  for (const metric of internals.getMetricsAsArray()) {
    // The Prometheus text format separates families with a blank line; OpenMetrics allows none.
    if (!first && !openMetrics) writer.byte(0x0a);
    first = false;
    if (metric instanceof MetricFamily) {
      metric.renderTo(writer, openMetrics, defaults);
      continue;
    }
    let target: PromClientMetric = metric;
    if (openMetrics && metric.type === 'counter' && metric.name.endsWith('_total')) {
      // OpenMetrics names the counter family without `_total`; prom-client adds it back per sample.
      const get = async () => {
        const data = await metric.get();
        return { ...data, name: data.name.replace(/_total$/, '') };
      };
      target = { name: metric.name, type: metric.type, get };
    }
    writer.string(`${await formatter.getMetricsAsString(target)}\n`);
  }
  if (openMetrics) writer.string('# EOF\n');
  return writer.result();
}

/** {@link renderRegistryBytes} as a string. */
export async function renderRegistry(registry: Registry, openMetrics: boolean): Promise<string> {
  return (await renderRegistryBytes(registry, openMetrics)).toString('utf8');
}
