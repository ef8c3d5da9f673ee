import { inspect } from 'node:util';
import { LatencyHistogram, type LatencyHistogramData, type SpanRecord } from '@agentlens/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithTool } from '../../../../test-support/require-tool.js';
import { findPostgres, startPostgres, type TestServer } from '../../../../test-support/test-servers.js';
import { createHub } from '../hub.js';
import {
  generateAgentSpans,
  logFromFixture,
  msToNanoString,
  spanFromFixture,
} from './conformance/fixture-spans.js';
import { runStoreConformance } from './conformance/store-conformance.js';
import { PostgresStore, type PostgresStoreOptions } from './postgres-store.js';
import type { Store, TraceSummary } from './store.js';

const BASE = Date.UTC(2026, 0, 1);
const WINDOW = { fromMs: BASE - 60_000, toMs: BASE + 3_600_000 };
/** Whole hours only: answered from the hour tier alone. */
const HOURS = { fromMs: BASE - 3_600_000, toMs: BASE + 3 * 3_600_000 };
const postgres = findPostgres();

async function allTraces(store: Store): Promise<TraceSummary[]> {
  const traces: TraceSummary[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.listTraces({}, cursor, 1000);
    traces.push(...page.traces);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return traces;
}

/**
 * Fractional figures (costs, mean latencies) rounded to 12 significant digits: sums of the same
 * floats added in another order may differ in the last bit; counts and quantiles must not.
 */
function rounded<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, (_key, v: unknown) =>
      typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(12)) : v,
    ),
  ) as T;
}

function byTraceId(traces: TraceSummary[]): Omit<TraceSummary, 'listedAtMs'>[] {
  return traces
    .map(({ listedAtMs: _listed, ...rest }) => rest)
    .sort((x, y) => (x.traceId < y.traceId ? -1 : 1));
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Durations that differ span to span, so that a lost histogram merge shows in the latency figures. */
function withVariedDurations(spans: SpanRecord[]): SpanRecord[] {
  return spans.map((span, i) => {
    const durationMs = 1 + ((i * 7919) % 3000);
    const end = BigInt(span.startTimeUnixNano) + BigInt(durationMs) * 1_000_000n;
    return { ...span, durationMs, endTimeUnixNano: end.toString() };
  });
}

/** Writes `batches` through `store` with `inFlight` batches outstanding at any moment. */
async function writeConcurrently(store: Store, batches: SpanRecord[][], inFlight: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < batches.length) await store.writeSpans(batches[next++] as SpanRecord[]);
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

describeWithTool(
  { name: 'PostgreSQL (initdb, postgres)', found: postgres !== undefined, debianPackage: 'postgresql' },
  'PostgresStore against a real PostgreSQL server',
  () => {
    let server: TestServer;
    let admin: pg.Pool;
    let n = 0;
    /** Each store gets a schema of its own on the one server: a fresh, empty store. */
    const freshSchema = () => `store_${++n}`;
    const open = (schema = freshSchema(), options: Partial<PostgresStoreOptions> = {}) =>
      PostgresStore.open({ connectionString: server.url, schema, poolSize: 4, ...options });
    const usageBytes = async (schema: string) =>
      Number((await admin.query(`SELECT coalesce(sum(bytes), 0) AS b FROM ${schema}.usage`)).rows[0].b);
    /** Rollup rows of one tier of `schema` summed by hour and dimensions, histograms merged. */
    const rollupsByHour = async (schema: string, table: 'rollups' | 'rollups_hourly') => {
      const { rows } = await admin.query(
        `SELECT minute - minute % 60 AS hour, service, category, agent, operation, provider, model, tool,
           count::float8 AS count, errors::float8 AS errors, input_tokens, output_tokens, cost_usd,
           unpriced::float8 AS unpriced, latency
         FROM ${schema}.${table}`,
      );
      const sums = new Map<
        string,
        {
          count: number;
          errors: number;
          tokens: number;
          costUsd: number;
          unpriced: number;
          latency: LatencyHistogram;
        }
      >();
      for (const row of rows) {
        const key = [
          row.hour,
          row.service,
          row.category,
          row.agent,
          row.operation,
          row.provider,
          row.model,
          row.tool,
        ].join('|');
        let sum = sums.get(key);
        if (sum === undefined) {
          sum = { count: 0, errors: 0, tokens: 0, costUsd: 0, unpriced: 0, latency: new LatencyHistogram() };
          sums.set(key, sum);
        }
        sum.count += row.count;
        sum.errors += row.errors;
        sum.tokens += row.input_tokens + row.output_tokens;
        sum.costUsd += row.cost_usd;
        sum.unpriced += row.unpriced;
        sum.latency.merge(JSON.parse(row.latency) as LatencyHistogramData);
      }
      // Sums of floats added in another order: 9 significant digits, so that a last-bit
      // difference never lands on a rounding boundary.
      const round = (x: number) => Number(x.toPrecision(9));
      return Object.fromEntries(
        [...sums].map(([key, sum]) => {
          const latency = sum.latency.toJSON();
          return [
            key,
            { ...sum, costUsd: round(sum.costUsd), latency: { ...latency, sum: round(latency.sum) } },
          ];
        }),
      );
    };
    /** The hour tier of `schema` as stored, and as its minute rows say it must be. */
    const hourTier = (schema: string) => rollupsByHour(schema, 'rollups_hourly');
    const minutesByHour = (schema: string) => rollupsByHour(schema, 'rollups');

    beforeAll(async () => {
      server = await startPostgres();
      admin = new pg.Pool({ connectionString: server.url, max: 2 });
      admin.on('error', () => {});
    }, 30_000);

    afterAll(async () => {
      await admin?.end().catch(() => {});
      await server?.stop();
    });

    runStoreConformance('PostgresStore', () => open());

    describe('PostgresStore', () => {
      it('keeps every count exact while two hubs write overlapping batches at once', {
        timeout: 120_000,
      }, async () => {
        const schema = freshSchema();
        // Opened together, so that both also race to create the schema.
        const [a, b] = await Promise.all([open(schema), open(schema)]);
        const reference = await open();
        try {
          // Starting 15 s before the hour, so that two hour rows and the minute edge of WINDOW
          // are written at once too.
          const spans = withVariedDurations(
            generateAgentSpans({
              traces: 200,
              spansPerTrace: 10,
              startMs: BASE - 15_000,
              traceGapMs: 150,
              seed: 5,
            }),
          );
          // Batches that cut traces apart; both hubs write every batch, one in order and one in
          // reverse, three at a time each: the same traces, rollup minutes and keys at once.
          const batches = chunks(spans, 97);
          await Promise.all([
            writeConcurrently(a, batches, 3),
            writeConcurrently(b, [...batches].reverse(), 3),
          ]);
          for (const batch of batches) await reference.writeSpans(batch);

          const traces = await allTraces(a);
          expect(traces).toHaveLength(200);
          expect(traces.every((t) => t.spanCount === 10)).toBe(true);
          expect(rounded(await allTraces(b))).toEqual(rounded(traces));
          // Which batch brought a trace first differs from the sequential reference, and with it
          // the listed time (and so the order); everything else must be the same.
          expect(rounded(byTraceId(traces))).toEqual(rounded(byTraceId(await allTraces(reference))));
          for (const kind of ['overview', 'agents', 'tools', 'models'] as const) {
            const stats = await b.stats(kind, WINDOW);
            expect(rounded(stats), kind).toEqual(rounded(await reference.stats(kind, WINDOW)));
            // Over whole hours, from the hour rows the two hubs upserted at once.
            const hours = await a.stats(kind, HOURS);
            expect(rounded(hours), `${kind} over whole hours`).toEqual(
              rounded(await reference.stats(kind, HOURS)),
            );
          }
          expect(rounded(await b.timeseries('p95', 3_600_000, 'agent', HOURS))).toEqual(
            rounded(await reference.timeseries('p95', 3_600_000, 'agent', HOURS)),
          );
          expect(await hourTier(schema)).toEqual(await minutesByHour(schema));
          const [overview] = await a.stats('overview', WINDOW);
          expect(overview.requests).toBe(200);
          expect(overview.modelCalls + overview.toolCalls).toBe(1800);
          for (const groupBy of [null, 'agent', 'model', 'tool'] as const) {
            for (const measure of ['requests', 'p95', 'tokens'] as const) {
              expect(rounded(await a.timeseries(measure, 60_000, groupBy, WINDOW))).toEqual(
                rounded(await reference.timeseries(measure, 60_000, groupBy, WINDOW)),
              );
            }
          }
          expect(await a.services()).toEqual(await reference.services());
          const first = spans[0] as SpanRecord;
          expect((await b.getTrace(first.traceId))?.spans).toHaveLength(10);
          // The size accounting saw each span once too.
          expect(await usageBytes(schema)).toBe(await usageBytes(reference.schema));
        } finally {
          await Promise.all([a.close(), b.close(), reference.close()]);
        }
      });

      it('keeps every hour row the sum of its minute rows while retention cuts hours under two writers', {
        timeout: 120_000,
      }, async () => {
        const schema = freshSchema();
        const [a, b] = await Promise.all([open(schema), open(schema)]);
        try {
          // Two and a half hours of traces, in batches written out of order while retention passes
          // run: many land on minutes that a pass has cut already, or is cutting.
          const spans = withVariedDurations(
            generateAgentSpans({
              traces: 300,
              spansPerTrace: 5,
              startMs: BASE,
              traceGapMs: 30_000,
              seed: 11,
            }),
          );
          const batches = chunks(spans, 25);
          const shuffled = batches
            .map((batch, i) => ({ batch, rank: (i * 37) % 61 }))
            .sort((x, y) => x.rank - y.rank)
            .map((x) => x.batch);
          const half = Math.ceil(shuffled.length / 2);
          let writing = true;
          const writers = Promise.all([
            writeConcurrently(a, shuffled.slice(0, half), 2),
            writeConcurrently(b, shuffled.slice(half), 2),
          ]).finally(() => {
            writing = false;
          });
          // Cutoffs 21, 51, 81, 111 and 141 minutes past BASE, round and round: never on an hour.
          let rollupRowsDeleted = 0;
          for (let pass = 0; writing || pass < 5; pass++) {
            const minute = 20 + ((pass * 30) % 150);
            const result = await (pass % 2 === 0 ? a : b).applyRetention({
              maxAgeMs: 0,
              nowMs: BASE + minute * 60_000 + 1,
            });
            rollupRowsDeleted += result.rollupRowsDeleted;
          }
          await writers;
          expect(rollupRowsDeleted).toBeGreaterThan(0);
          const hours = await hourTier(schema);
          expect(Object.keys(hours).length).toBeGreaterThan(0);
          expect(hours).toEqual(await minutesByHour(schema));
          // So long windows, read from hours, agree with the same window read minute by minute.
          const perMinute = await a.timeseries('requests', 60_000, 'agent', HOURS);
          const agents = await b.stats('agents', HOURS);
          for (const series of perMinute.series) {
            expect(agents.find((g) => g.name === series.key)?.requests).toBe(
              series.values.reduce((n, v) => n + v, 0),
            );
          }
        } finally {
          await Promise.all([a.close(), b.close()]);
        }
      });

      it('reruns a batch that PostgreSQL aborts as a deadlock victim, counting it once', async () => {
        const store = await open();
        const other = await admin.connect();
        try {
          const span = (service: string, i: number) =>
            spanFromFixture(
              {
                traceId: `${i}`.repeat(32),
                spanId: `${i}`.repeat(16),
                startOffsetMs: 1000 + i,
                durationMs: 10,
                service,
              },
              BASE,
            );
          await store.writeSpans([span('a', 1), span('z', 2)]);
          const rollup = `${store.schema}.rollups`;
          // Another session holds the rollup row the batch locks last (service z), then, once the
          // batch holds row a and waits for z, asks for a: a deadlock, which the batch's backend
          // detects first (the other session's deadlock_timeout is longer) and loses. Should this
          // machine stall past the batch's one deadlock check, the other session is the victim
          // instead; either way the batch must end up stored exactly once.
          await other.query("BEGIN; SET LOCAL deadlock_timeout = '3s'");
          await other.query(`SELECT 1 FROM ${rollup} WHERE service = 'z' FOR UPDATE`);
          const writing = store.writeSpans([span('a', 3), span('z', 4)]);
          for (let waiting = 0; waiting === 0; ) {
            await new Promise((resolve) => setTimeout(resolve, 20));
            waiting = Number(
              (await admin.query('SELECT count(*) AS n FROM pg_locks WHERE NOT granted')).rows[0].n,
            );
          }
          await other.query(`SELECT 1 FROM ${rollup} WHERE service = 'a' FOR UPDATE`).catch(() => {});
          await other.query('ROLLBACK');
          await writing;
          const counts = await admin.query(`SELECT service, count FROM ${rollup} ORDER BY service`);
          expect(counts.rows).toEqual([
            { service: 'a', count: '2' },
            { service: 'z', count: '2' },
          ]);
          expect((await allTraces(store)).map((t) => t.spanCount)).toEqual([1, 1, 1, 1]);
        } finally {
          await other.query('ROLLBACK').catch(() => {});
          other.release();
          await store.close();
        }
      });

      it('keeps the first of two copies of a new span in one batch, counted once', async () => {
        const store = await open();
        try {
          const first = spanFromFixture(
            {
              traceId: '9'.repeat(32),
              spanId: '9'.repeat(16),
              startOffsetMs: 0,
              durationMs: 10,
              name: 'first',
            },
            BASE,
          );
          await store.writeSpans([first, { ...first, name: 'second', durationMs: 99 }]);
          expect((await store.getTrace(first.traceId))?.spans).toEqual([first]);
          expect((await allTraces(store)).map((t) => [t.rootSpanName, t.spanCount])).toEqual([['first', 1]]);
        } finally {
          await store.close();
        }
      });

      it('stores U+0000, which PostgreSQL text cannot hold, as U+FFFD instead of failing the batch', async () => {
        const store = await open();
        try {
          const span = spanFromFixture(
            {
              traceId: '8'.repeat(32),
              spanId: '8'.repeat(16),
              startOffsetMs: 0,
              durationMs: 10,
              name: 'nul\u0000name',
              service: 'svc\u0000',
              attributes: { 'k\u0000': 'v\u0000' },
            },
            BASE,
          );
          await store.writeSpans([span, { ...span, spanId: '7'.repeat(16), name: 'ok' }]);
          const stored = (await store.getTrace(span.traceId))?.spans ?? [];
          expect(stored.map((s) => [s.name, s.service])).toEqual([
            ['ok', 'svc\uFFFD'],
            ['nul\uFFFDname', 'svc\uFFFD'],
          ]);
          // JSON keeps the character as an escape, so attributes come back exactly.
          expect(stored[1]?.attributes).toEqual({ 'k\u0000': 'v\u0000' });
          expect(
            (await store.listTraces({ service: 'svc\u0000', text: 'nul\u0000' }, null, 10)).traces,
          ).toHaveLength(1);
          expect((await store.services()).map((s) => s.name)).toEqual(['svc\uFFFD']);
        } finally {
          await store.close();
        }
      });

      it('splits a batch larger than one statement should carry, still in one transaction', async () => {
        const store = await open();
        try {
          // 40 M characters of attributes: two insert statements of at most 32 M each.
          const prompt = 'x'.repeat(100_000);
          const spans = generateAgentSpans({ traces: 40, spansPerTrace: 10, startMs: BASE }).map((s) => ({
            ...s,
            attributes: { ...s.attributes, 'gen_ai.prompt': prompt },
          }));
          await store.writeSpans(spans);
          const traces = await allTraces(store);
          expect(traces).toHaveLength(40);
          expect(traces.every((t) => t.spanCount === 10)).toBe(true);
          const last = spans[spans.length - 1] as SpanRecord;
          expect(
            (await store.getTrace(last.traceId))?.spans.map((s) => s.attributes['gen_ai.prompt']),
          ).toEqual(new Array(10).fill(prompt));
        } finally {
          await store.close();
        }
      });

      it('creates the schema once when several hubs start together, and keeps data on reopen', async () => {
        const schema = freshSchema();
        const stores = await Promise.all([open(schema), open(schema), open(schema)]);
        const spans = generateAgentSpans({ traces: 20, spansPerTrace: 5, startMs: BASE });
        await (stores[0] as PostgresStore).writeSpans(spans);
        await Promise.all(stores.map((s) => s.close()));
        const again = await open(schema);
        expect((await again.listTraces({}, null, 100)).traces).toHaveLength(20);
        expect((await again.getTrace((spans[0] as SpanRecord).traceId))?.spans).toHaveLength(5);
        await again.close();
      });

      it('migrates a version 1 schema: builds the span indexes behind the report and keeps the data', async () => {
        const schema = freshSchema();
        const startMs = Date.now() - 60_000;
        const spans = generateAgentSpans({ traces: 30, spansPerTrace: 4, startMs, traceGapMs: 10 });
        const first = await open(schema);
        await first.writeSpans(spans);
        await first.close();
        const indexes = ['spans_errors', 'spans_agent_runs'];
        // What a version 1 schema looks like: the spans' primary key only, no runs in flight.
        for (const index of indexes) await admin.query(`DROP INDEX ${schema}.${index}`);
        await admin.query(`DROP TABLE ${schema}.open_runs`);
        await admin.query(`UPDATE ${schema}.meta SET value = '1' WHERE key = 'schema_version'`);
        const migrated = await open(schema);
        try {
          const window = { fromMs: startMs - 60_000, toMs: Date.now() + 60_000 };
          const errors = await migrated.listErrorSpans({ ...window, limit: 10 });
          expect(errors.map((s) => s.spanId)).toEqual(
            spans.filter((s) => s.statusCode === 2).map((s) => s.spanId),
          );
          expect(await migrated.openAgentRuns({ sinceMs: window.fromMs, nowMs: window.toMs })).toEqual([]);
          expect((await migrated.listTraces({}, null, 100)).traces).toHaveLength(30);
          const [call] = generateAgentSpans({ traces: 1, spansPerTrace: 2, startMs, seed: 9 }).slice(1);
          await migrated.writeSpans([call as SpanRecord]);
          expect(await migrated.openAgentRuns({ sinceMs: window.fromMs, nowMs: window.toMs })).toEqual([
            { agentName: 'planner', runs: 1, oldestStartMs: startMs + 5 },
          ]);
        } finally {
          await migrated.close();
        }
        const version = await admin.query(`SELECT value FROM ${schema}.meta WHERE key = 'schema_version'`);
        expect(version.rows[0].value).toBe('2');
        const found = await admin.query(
          `SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 'spans' ORDER BY 1`,
          [schema],
        );
        expect(found.rows.map((r) => r.indexname)).toEqual([...indexes, 'spans_pkey'].sort());
      });

      it('reads the span indexes: errors and agent spans come from index scans', async () => {
        const schema = freshSchema();
        const store = await open(schema);
        try {
          await store.writeSpans(generateAgentSpans({ traces: 200, spansPerTrace: 6, startMs: BASE }));
          await admin.query(`ANALYZE ${schema}.spans`);
          const plan = async (sql: string) =>
            (await admin.query(`EXPLAIN ${sql}`)).rows.map((r) => r['QUERY PLAN'] as string).join('\n');
          const errors = await plan(
            `SELECT span_id FROM ${schema}.spans WHERE status_code = 2 AND end_ns >= 1 AND end_ns < 2
             ORDER BY end_ns DESC, trace_id DESC, span_id DESC LIMIT 50`,
          );
          expect(errors).toContain('spans_errors');
          const probe = await plan(
            `SELECT 1 FROM ${schema}.spans a WHERE category = 'agent' AND a.trace_id = '\\x00'::bytea
               AND a.agent_name = 'planner' AND a.end_ns >= 5`,
          );
          expect(probe).toMatch(/Index (Only )?Scan/);
        } finally {
          await store.close();
        }
      });

      it('refuses a schema of another version', async () => {
        const schema = freshSchema();
        await (await open(schema)).close();
        await admin.query(`UPDATE ${schema}.meta SET value = '99' WHERE key = 'schema_version'`);
        await expect(open(schema)).rejects.toThrow(`PostgreSQL schema "${schema}" has version 99`);
      });

      it('connects on first use, closes idempotently and rejects calls after close', async () => {
        const store = new PostgresStore({ connectionString: server.url, schema: freshSchema() });
        expect(await store.listTraces({}, null, 10)).toEqual({ traces: [], nextCursor: null });
        await store.close();
        await store.close();
        await expect(store.listTraces({}, null, 10)).rejects.toThrow('PostgresStore is closed');
        await expect(store.writeSpans([])).rejects.toThrow('PostgresStore is closed');
        await expect(store.sizeBytes()).rejects.toThrow('PostgresStore is closed');
      });

      it('refuses invalid options in the constructor without echoing the connection string', () => {
        const secret = 'hunter2-secret';
        for (const connectionString of [`postgres://u:${secret}@[bad`, `mysql://u:${secret}@db/x`, '']) {
          let error: unknown;
          try {
            new PostgresStore({ connectionString });
          } catch (caught) {
            error = caught;
          }
          expect(error, connectionString).toBeInstanceOf(Error);
          expect(inspect(error)).not.toContain(secret);
        }
        const url = server.url;
        expect(() => new PostgresStore({ connectionString: url, schema: 'Bad-Name' })).toThrow(RangeError);
        expect(() => new PostgresStore({ connectionString: url, poolSize: 0 })).toThrow(RangeError);
      });

      it('keeps the password out of a connection failure', async () => {
        const secret = 'hunter2-secret';
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        const store = new PostgresStore({
          connectionString: `postgres://agentlens:${secret}@127.0.0.1:1/db`,
        });
        const error: unknown = await store.listTraces({}, null, 1).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(Error);
        expect(`${inspect(error)} ${JSON.stringify(error)}`).not.toContain(secret);
        await store.close();
        await expect(
          PostgresStore.open({ connectionString: `postgres://a:${secret}@127.0.0.1:1/db` }),
        ).rejects.toThrow(/ECONNREFUSED/);
      });

      it('accounts size exactly: removing everything leaves only the small tables', async () => {
        const store = await open();
        try {
          // Enough rows that the pages and index roots every table has, full or not, weigh little.
          const spans = generateAgentSpans({ traces: 500, spansPerTrace: 10, startMs: BASE });
          for (const batch of chunks(spans, 512)) await store.writeSpans(batch);
          await store.writeLogs(
            Array.from({ length: 1000 }, (_, i) =>
              logFromFixture(
                {
                  offsetMs: i * 1000,
                  service: 'planner-service',
                  severityNumber: 9,
                  severityText: 'INFO',
                  body: `step ${i} done`,
                  traceId: null,
                  spanId: null,
                },
                BASE,
              ),
            ),
          );
          const accounted = await usageBytes(store.schema);
          // The accounting estimates what PostgreSQL stores for these rows: compare with the files.
          const { rows } = await admin.query(
            `SELECT sum(pg_total_relation_size(format('%I.%I', $1::text, t)::regclass))::float8 AS b
             FROM unnest(ARRAY['spans', 'traces', 'logs']) t`,
            [store.schema],
          );
          const onDisk = rows[0].b as number;
          expect(accounted / onDisk).toBeGreaterThan(0.8);
          expect(accounted / onDisk).toBeLessThan(1.25);
          const result = await store.applyRetention({ maxBytes: 0 });
          expect(result).toMatchObject({ tracesDeleted: 500, spansDeleted: 5000, logsDeleted: 1000 });
          expect(await usageBytes(store.schema)).toBe(0);
          expect(await store.sizeBytes()).toBeGreaterThan(0);
        } finally {
          await store.close();
        }
      });

      it('matches text as SQLite does and orders names by bytes, whatever the database locale', async () => {
        // An ICU database: there, a plain ILIKE would fold É to é and ORDER BY would sort a < B.
        const database = `icu_${n + 1}`;
        await admin.query(
          `CREATE DATABASE ${database} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C' LOCALE_PROVIDER icu ICU_LOCALE 'en'`,
        );
        const store = await PostgresStore.open({
          connectionString: server.url.replace(/\/postgres$/, `/${database}`),
          schema: freshSchema(),
        });
        try {
          const spans = ['b-svc', 'B-svc', 'é-svc', 'a-svc'].map((service, i) =>
            spanFromFixture(
              {
                traceId: `${i + 1}`.repeat(32),
                spanId: `${i + 1}`.repeat(16),
                startOffsetMs: i * 1000,
                durationMs: 5,
                service,
                name: i === 0 ? 'Éclair au café' : 'plain',
                attributes: i === 1 ? { note: 'ÉTÉ' } : {},
              },
              BASE,
            ),
          );
          await store.writeSpans(spans);
          const ids = async (text: string) =>
            (await store.listTraces({ text }, null, 10)).traces.map((t) => t.traceId);
          expect(await ids('ÉCLAIR AU CAF')).toEqual(['1'.repeat(32)]);
          expect(await ids('éclair')).toEqual([]);
          expect(await ids('été')).toEqual([]);
          expect(await ids('ÉTÉ')).toEqual(['2'.repeat(32)]);
          expect((await store.services()).map((s) => s.name)).toEqual(['B-svc', 'a-svc', 'b-svc', 'é-svc']);
          await store.writeLogs([
            logFromFixture(
              {
                offsetMs: 0,
                service: 'a-svc',
                severityNumber: 9,
                severityText: 'INFO',
                body: 'Écrit',
                traceId: null,
                spanId: null,
              },
              BASE,
            ),
          ]);
          expect(await store.listLogs({ text: 'écrit' })).toEqual([]);
          expect(await store.listLogs({ text: 'ÉCRIT' })).toHaveLength(1);
        } finally {
          await store.close();
        }
      });

      it('serves a hub: createHub({ store }) ingests OTLP into PostgreSQL', async () => {
        const store = await open();
        const hub = await createHub({ port: 0, store });
        try {
          const traceId = 'ab'.repeat(16);
          const start = msToNanoString(BASE);
          const response = await fetch(`${hub.url}/v1/traces`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              resourceSpans: [
                {
                  resource: { attributes: [{ key: 'service.name', value: { stringValue: 'pg-hub' } }] },
                  scopeSpans: [
                    {
                      scope: { name: 'test' },
                      spans: [
                        {
                          traceId,
                          spanId: 'cd'.repeat(8),
                          name: 'invoke_agent planner',
                          kind: 1,
                          startTimeUnixNano: start,
                          endTimeUnixNano: msToNanoString(BASE + 250),
                          attributes: [
                            { key: 'gen_ai.operation.name', value: { stringValue: 'invoke_agent' } },
                            { key: 'gen_ai.agent.name', value: { stringValue: 'planner' } },
                          ],
                        },
                      ],
                    },
                  ],
                },
              ],
            }),
          });
          expect(response.status).toBe(200);
          const page = await store.listTraces({}, null, 10);
          expect(page.traces).toMatchObject([
            { traceId, rootSpanName: 'invoke_agent planner', spanCount: 1 },
          ]);
          const metrics = await (await fetch(`${hub.url}/metrics`)).text();
          expect(metrics).toMatch(/store="postgres"/);
        } finally {
          await hub.close();
          await store.close();
        }
      });
    });
  },
);
