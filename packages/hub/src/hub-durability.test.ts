import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { seededRandom } from '@agentlens/core';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from './store/index.js';
import { type HubProcess, startHubProcess } from './test-support/hub-child.test-helpers.js';
import { type TraceBatch, TraceBatches } from './test-support/trace-batches.test-helpers.js';

// A hub that answered 2xx has committed the batch: SIGKILL, however timed, must not lose it.
// Several senders post trace batches while the hub process is killed and started again on the same
// SQLite file; afterwards every span of every acknowledged batch must be in that file.

const SEED = Number(process.env.AGENTLENS_DURABILITY_SEED ?? 0x0d0c);
const SENDERS = 4;
const KILLS_DURING_LOAD = 4;
/** Acknowledged batches after each (re)start before the next kill may come, so that load is on. */
const ACKS_BEFORE_KILL = 15;
const REQUEST_TIMEOUT_MS = 15_000;
/** How long a sender keeps retrying one batch through restarts before it abandons it. */
const RETRY_BUDGET_MS = 20_000;

interface Answer {
  readonly status: number;
  readonly retryAfter: string | undefined;
}

/** Waits until `condition` holds; throws after `ms` so that a hub that stopped answering fails fast. */
async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(5);
  }
}

function post(agent: Agent, port: number, body: Uint8Array): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        path: '/v1/traces',
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf', 'content-length': body.byteLength },
        timeout: REQUEST_TIMEOUT_MS,
      },
      (res) => {
        res.resume();
        res.once('end', () => {
          const retryAfter = res.headers['retry-after'];
          resolve({ status: res.statusCode ?? 0, retryAfter });
        });
        res.once('error', reject);
      },
    );
    req.once('timeout', () => req.destroy(new Error('request timed out')));
    req.once('error', reject);
    req.end(body);
  });
}

let dir: string;
const children = new Set<HubProcess>();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'agentlens-hub-durability-'));
});

afterAll(async () => {
  await Promise.all([...children].map((child) => child.kill('SIGKILL')));
  rmSync(dir, { recursive: true, force: true });
});

describe('the hub under SIGKILL', () => {
  it('keeps every batch it acknowledged with a 2xx', { timeout: 120_000 }, async () => {
    const dbPath = join(dir, 'hub.db');
    const random = seededRandom(SEED);
    const start = async (port: number): Promise<HubProcess> => {
      let hub: HubProcess;
      try {
        hub = await startHubProcess({ dbPath, port });
      } catch (error) {
        // Someone took the port while the hub was down: the senders follow to a fresh one.
        if (port === 0) throw error;
        hub = await startHubProcess({ dbPath, port: 0 });
      }
      children.add(hub);
      return hub;
    };

    let hub = await start(0);
    let port = hub.port;
    let ackedSinceStart = 0;
    let inFlight = 0;
    let stopping = false;
    const acknowledged: TraceBatch[] = [];
    const unexpected: string[] = [];
    let connectionErrors = 0;
    let retriedAfterStatus = 0;
    let abandoned = 0;

    const sender = async (n: number): Promise<void> => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const batches = new TraceBatches(seededRandom(SEED + n + 1), n.toString(16).padStart(2, '0'));
      try {
        while (!stopping) {
          const batch = batches.next(1 + Math.floor(random() * 24));
          const deadline = Date.now() + RETRY_BUDGET_MS;
          for (;;) {
            if (stopping || Date.now() > deadline) {
              abandoned++;
              break;
            }
            let answer: Answer;
            inFlight++;
            try {
              answer = await post(agent, port, batch.body);
            } catch {
              // Refused or reset: the hub is down or restarting. Not acknowledged; try again.
              connectionErrors++;
              await sleep(10 + Math.floor(random() * 40));
              continue;
            } finally {
              inFlight--;
            }
            if (answer.status >= 200 && answer.status < 300) {
              acknowledged.push(batch);
              ackedSinceStart++;
              break;
            }
            if (answer.status === 429 || answer.status === 503) {
              retriedAfterStatus++;
              await sleep(Math.min(200, Number(answer.retryAfter ?? 1) * 1000));
              continue;
            }
            unexpected.push(`status ${answer.status} for trace ${batch.traceId}`);
            break;
          }
        }
      } finally {
        agent.destroy();
      }
    };

    const kills: { inFlight: number; acknowledgedSoFar: number }[] = [];
    const kill = async (): Promise<void> => {
      kills.push({ inFlight, acknowledgedSoFar: acknowledged.length });
      await hub.kill('SIGKILL');
      const { signal } = await hub.exited;
      expect(signal).toBe('SIGKILL');
      children.delete(hub);
    };

    const senders = Array.from({ length: SENDERS }, (_, n) => sender(n));
    try {
      for (let k = 0; k < KILLS_DURING_LOAD; k++) {
        await until(() => ackedSinceStart >= ACKS_BEFORE_KILL, 30_000, 'acknowledgements after a start');
        await sleep(50 + Math.floor(random() * 700));
        await kill();
        hub = await start(port);
        port = hub.port;
        ackedSinceStart = 0;
      }
      await until(() => ackedSinceStart >= ACKS_BEFORE_KILL, 30_000, 'acknowledgements after a start');
      await sleep(50 + Math.floor(random() * 700));
      // The last kill lands mid-load too; the senders then stop and abandon what is left.
      stopping = true;
      await kill();
    } finally {
      stopping = true;
      await Promise.all(senders);
    }

    const store = new SqliteStore({ path: dbPath });
    let spans = 0;
    let stored = 0;
    const missing: string[] = [];
    try {
      for (const batch of acknowledged) {
        spans += batch.spanIds.length;
        const detail = await store.getTrace(batch.traceId);
        const have = new Set(detail?.spans.map((s) => s.spanId));
        for (const spanId of batch.spanIds) {
          if (have.has(spanId)) stored++;
          else missing.push(`${batch.traceId}/${spanId}`);
        }
      }
    } finally {
      await store.close();
    }
    // Rollups and trace rows are merged in after their spans commit, so a kill leaves spans
    // without them; the store rebuilds those when it opens. Each summary must then count every
    // stored span exactly once.
    const raw = new Database(dbPath, { readonly: true });
    const tally = raw
      .prepare(
        `SELECT (SELECT count(*) FROM spans) AS spans, (SELECT sum(count) FROM rollups) AS minutes,
           (SELECT sum(count) FROM rollups_hourly) AS hours, (SELECT sum(span_count) FROM traces) AS traces`,
      )
      .get() as { spans: number; minutes: number; hours: number; traces: number };
    raw.close();
    const lost = spans - stored;
    const midLoad = kills.filter((k) => k.inFlight > 0).length;
    // biome-ignore lint/suspicious/noConsole: the figures this test exists to report
    console.log(
      `acknowledged ${acknowledged.length} batches (${spans} spans), stored ${stored}, lost ${lost}; ` +
        `${kills.length} SIGKILLs (${midLoad} with requests in flight), ${connectionErrors} connection errors, ` +
        `${retriedAfterStatus} retries after 429/503, ${abandoned} batches abandoned (seed ${SEED})`,
    );

    expect(unexpected, 'only 2xx, 429 and 503 are right answers to valid batches').toEqual([]);
    expect(missing.slice(0, 20), `${missing.length} acknowledged spans lost (seed ${SEED})`).toEqual([]);
    expect(lost).toBe(0);
    expect(tally, 'spans counted by the rollups of each tier and by the trace rows').toEqual({
      spans: tally.spans,
      minutes: tally.spans,
      hours: tally.spans,
      traces: tally.spans,
    });
    expect(acknowledged.length).toBeGreaterThanOrEqual(50);
    expect(kills.length).toBe(KILLS_DURING_LOAD + 1);
    expect(midLoad).toBeGreaterThanOrEqual(3);
    // Killing mid-load must actually have cut requests off, or the test proved nothing.
    expect(connectionErrors).toBeGreaterThan(0);
  });
});
