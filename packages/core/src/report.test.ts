import { describe, expect, it } from 'vitest';
import { REPORT_SCHEMA_ID, ReportSchema } from './report.js';

const health = {
  status: 'healthy',
  reasons: [],
  uptimeSeconds: 1,
  activeAgents: 0,
  totalRequests: 0,
  successRate: 1,
  windowSeconds: 300,
  requestsInWindow: 0,
  failuresInWindow: 0,
  errorsInWindow: 0,
  memory: { rssBytes: 1, heapUsedBytes: 1, heapTotalBytes: 1 },
  cpu: { utilization: 0, userSeconds: 0, systemSeconds: 0 },
  budget: null,
  instrumentation: { exporter: null, invalidRecords: 0, priceDataset: null, priceDatasetDate: null },
};
const overview = {
  requests: 0,
  successes: 0,
  failures: 0,
  successRate: 1,
  avgResponseTime: 0,
  p50ResponseTime: 0,
  p95ResponseTime: 0,
  p99ResponseTime: 0,
  tokens: 0,
  cost: 0,
  modelCalls: 0,
  toolCalls: 0,
  unpricedCalls: 0,
  errors: 0,
};

describe('report schema', () => {
  const report = {
    schema: REPORT_SCHEMA_ID,
    generatedAt: new Date().toISOString(),
    source: 'sdk',
    service: 'x',
    window: 'process',
    overview,
    health,
    agents: [],
    tools: [],
    models: [],
    errors: [],
  };

  it('accepts a well-formed empty report', () => {
    expect(ReportSchema.parse(report)).toEqual(report);
  });

  it('rejects a success rate given in percent and a negative cost', () => {
    expect(ReportSchema.safeParse({ ...report, overview: { ...overview, successRate: 98 } }).success).toBe(
      false,
    );
    expect(ReportSchema.safeParse({ ...report, overview: { ...overview, cost: -1 } }).success).toBe(false);
    expect(ReportSchema.safeParse({ ...report, schema: 'agentlens.report/v0' }).success).toBe(false);
  });
});
