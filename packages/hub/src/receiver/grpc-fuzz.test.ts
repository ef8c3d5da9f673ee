/**
 * The OTLP/gRPC side of the fuzz test: mutated protobuf export requests sent over gRPC to a full
 * hub must be answered OK or with a client-error status (INVALID_ARGUMENT, RESOURCE_EXHAUSTED),
 * never INTERNAL or UNKNOWN, and the hub keeps serving.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '@agentlens/core';
import { Client, credentials, status as grpcStatus, Metadata, type ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHub, type Hub } from '../hub.js';
import { captureExporterRequests, spanBatch } from '../otlp/exporter-capture.test-helpers.js';
import type { OtlpSignal } from '../otlp/index.js';
import { FuzzBodies, type FuzzSeed } from '../test-support/fuzz-bodies.test-helpers.js';
import { OTLP_GRPC_SERVICES } from './grpc-receiver.js';

const MESSAGES = Number(process.env.AGENTLENS_GRPC_FUZZ_MESSAGES ?? 20_000);
const SEED = Number(process.env.AGENTLENS_FUZZ_SEED ?? 4177);
const BODY_LIMIT = 256 * 1024;
const CONCURRENCY = 8;
const SIGNAL_OF_PATH: Readonly<Record<string, OtlpSignal>> = {
  '/v1/traces': 'traces',
  '/v1/logs': 'logs',
  '/v1/metrics': 'metrics',
};

let dir: string;
let hub: Hub;
let client: Client;
const seeds: FuzzSeed[] = [];

function send(signal: OtlpSignal, body: Buffer): Promise<{ code: number; details?: string }> {
  const bytes = (b: Buffer) => b;
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      `/${OTLP_GRPC_SERVICES[signal]}/Export`,
      bytes,
      bytes,
      body,
      new Metadata(),
      { deadline: Date.now() + 20_000 },
      (error: ServiceError | null) =>
        resolve(error ? { code: error.code, details: error.details } : { code: 0 }),
    );
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'agentlens-grpc-fuzz-'));
  hub = await createHub({ port: 0, grpcPort: 0, dbPath: join(dir, 'hub.db'), bodyLimitBytes: BODY_LIMIT });
  client = new Client(new URL(hub.grpcUrl as string).host, credentials.createInsecure(), {
    'grpc.max_send_message_length': 2 * BODY_LIMIT,
  });
  for (const c of await captureExporterRequests()) seeds.push(c);
  const batch = spanBatch(6, 2);
  seeds.push({ signal: 'traces', encoding: 'protobuf', body: Buffer.from(batch.protobuf) });
  seeds.push({ signal: 'traces', encoding: 'json', body: Buffer.from(batch.json) });
}, 60_000);

afterAll(async () => {
  client?.close();
  await hub?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('the hub under fuzzed OTLP/gRPC messages', () => {
  it(`answers ${MESSAGES} mutated messages with OK or a client error, never INTERNAL`, {
    timeout: 120_000,
  }, async () => {
    const bodies = new FuzzBodies({ seeds, bodyLimitBytes: BODY_LIMIT, random: seededRandom(SEED) });
    const byCode = new Map<number, number>();
    const failures: string[] = [];
    let sent = 0;
    const next = () => {
      // gRPC carries protobuf only, uncompressed at this layer: take the generator's protobuf bodies.
      for (;;) {
        const r = bodies.next();
        if (r.method !== 'POST' || r.headers['content-type'] !== 'application/x-protobuf') continue;
        if (r.headers['content-encoding'] !== undefined) continue;
        const signal = SIGNAL_OF_PATH[r.path];
        if (signal !== undefined) return { r, signal };
      }
    };
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (sent < MESSAGES) {
          sent++;
          const { r, signal } = next();
          const answer = await send(signal, r.body);
          byCode.set(answer.code, (byCode.get(answer.code) ?? 0) + 1);
          const allowed = [grpcStatus.OK, grpcStatus.INVALID_ARGUMENT, grpcStatus.RESOURCE_EXHAUSTED];
          if (!allowed.includes(answer.code) && failures.length < 5) {
            failures.push(
              `seed ${SEED} #${r.index} ${r.kind} -> ${signal}: code ${answer.code} ${answer.details ?? ''}; body ${r.body.toString('base64').slice(0, 400)}`,
            );
          }
        }
      }),
    );
    const summary = [...byCode].map(([code, n]) => `${grpcStatus[code]} ${n}`).join(', ');
    process.stdout.write(`gRPC fuzz, seed ${SEED}: ${sent} messages: ${summary}\n`);
    expect(failures).toEqual([]);
    expect(byCode.get(grpcStatus.INVALID_ARGUMENT) ?? 0).toBeGreaterThan(MESSAGES / 10);
    expect(byCode.get(grpcStatus.OK) ?? 0).toBeGreaterThan(0);

    // Still serving: a valid export is taken and stored.
    const valid = spanBatch(3);
    expect((await send('traces', Buffer.from(valid.protobuf))).code).toBe(grpcStatus.OK);
    expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);
  });
});
