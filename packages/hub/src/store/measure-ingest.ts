/**
 * A quick ingest measurement for SqliteStore (the full benchmark belongs in `bench/hub-ingest`):
 * writes realistic agent spans in batches and prints spans per second and bytes of disk per span,
 * for each durability setting.
 *
 *   npx tsx --conditions=@agentlens/source packages/hub/src/store/measure-ingest.ts [spans] [batch]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateAgentSpans } from './conformance/fixture-spans.js';
import { type SqliteDurability, SqliteStore } from './sqlite-store.js';

const total = Number(process.argv[2] ?? 100_000);
const batch = Number(process.argv[3] ?? 512);
const spansPerTrace = 10;
const spans = generateAgentSpans({
  traces: Math.ceil(total / spansPerTrace),
  spansPerTrace,
  startMs: Date.UTC(2026, 0, 1),
  traceGapMs: 250,
}).slice(0, total);
const dir = mkdtempSync(join(tmpdir(), 'agentlens-measure-'));
const out = (line: string) => process.stdout.write(`${line}\n`);
out(`${total} spans, ${spansPerTrace} per trace, batches of ${batch}, node ${process.version}`);
out('durability | spans/s | bytes/span (db after checkpoint) | rss MB');
try {
  for (const durability of ['full', 'normal'] as SqliteDurability[]) {
    const store = new SqliteStore({ path: join(dir, `${durability}.db`), durability });
    const started = process.hrtime.bigint();
    for (let i = 0; i < spans.length; i += batch) await store.writeSpans(spans.slice(i, i + batch));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await store.applyRetention({ maxBytes: Number.MAX_SAFE_INTEGER });
    const bytes = await store.sizeBytes();
    await store.close();
    const rss = process.memoryUsage().rss / 2 ** 20;
    out(
      `${durability.padEnd(10)} | ${Math.round(total / seconds)
        .toString()
        .padStart(7)} | ${(bytes / total).toFixed(0).padStart(33)} | ${rss.toFixed(0)}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
