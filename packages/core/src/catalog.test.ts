import { describe, expect, it } from 'vitest';
import {
  GEN_AI_DURATION_BUCKETS,
  GEN_AI_TOKEN_BUCKETS,
  isValidMetricPrefix,
  METRIC_CATALOG,
  METRIC_DEFINITIONS,
  namingProblems,
} from './catalog.js';
import { HUB_METRIC_CATALOG } from './hub-catalog.js';
import { renderMetricsReference } from './metrics-reference.js';

describe('metric catalog', () => {
  it.each(METRIC_DEFINITIONS.map((d) => [d.name, d] as const))(
    '%s follows the Prometheus naming rules',
    (_, d) => {
      expect(namingProblems(d)).toEqual([]);
    },
  );

  it('has unique names, also once every histogram expands into _bucket/_sum/_count', () => {
    const names = METRIC_DEFINITIONS.flatMap((d) =>
      d.type === 'histogram' ? [d.name, `${d.name}_bucket`, `${d.name}_sum`, `${d.name}_count`] : [d.name],
    );
    expect(new Set(names).size).toBe(names.length);
  });

  it('covers every family of the reference guides', () => {
    const names = new Set(METRIC_DEFINITIONS.map((d) => d.name));
    for (const wanted of [
      'agent_requests_total',
      'agent_request_duration_seconds',
      'agent_errors_total',
      'active_conversations',
      'conversation_length_messages',
      'tool_executions_total',
      'tool_execution_duration_seconds',
      'model_calls_total',
      'model_tokens_total',
      'model_cost_usd_total',
      'gen_ai_client_token_usage',
      'gen_ai_client_operation_duration_seconds',
      'workflow_executions_total',
      'workflow_duration_seconds',
      'workflow_nodes_executed_total',
      'workflow_error_recovery_attempts_total',
      'workflow_error_recovery_success_total',
      'workflow_human_reviews_requested_total',
      'workflow_human_reviews_pending',
      'workflow_human_reviews_completed_total',
      'workflow_human_review_duration_seconds',
      'workflow_routing_confidence_ratio',
      'cache_hits_total',
      'cache_misses_total',
      'cache_operation_duration_seconds',
      'http_requests_total',
      'http_request_duration_seconds',
      'http_requests_in_flight',
      'rate_limit_rejections_total',
      'db_query_duration_seconds',
      'db_connections',
      'db_errors_total',
      'vector_store_operations_total',
      'websocket_connections_active',
      'websocket_messages_total',
      'auth_failed_attempts_total',
      'suspicious_requests_total',
      'active_sessions',
      'active_connections',
    ]) {
      expect(names, wanted).toContain(wanted);
    }
  });

  it('uses the GenAI conventions bucket boundaries and label names', () => {
    expect(GEN_AI_TOKEN_BUCKETS).toEqual([
      1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
    ]);
    expect(GEN_AI_DURATION_BUCKETS).toEqual([
      0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
    ]);
    expect(METRIC_CATALOG.genAiClientTokenUsage.labelNames).toContain('gen_ai_token_type');
    expect(METRIC_CATALOG.genAiClientOperationDuration.labelNames).toContain('gen_ai_provider_name');
  });

  it('accepts the prefixes users keep and rejects invalid ones', () => {
    for (const ok of ['', 'jaf_', 'mega_agent_', 'app:']) expect(isValidMetricPrefix(ok), ok).toBe(true);
    for (const bad of ['1x_', 'my-app_', 'a b', '__x']) expect(isValidMetricPrefix(bad), bad).toBe(false);
  });

  it('reports a broken entry', () => {
    expect(
      namingProblems({ name: 'requestsMs', type: 'counter', help: '', labelNames: ['le'], group: 'http' }),
    ).toEqual(
      expect.arrayContaining([
        'requestsMs: not snake_case',
        'requestsMs: counter without _total',
        'requestsMs: reserved label le',
        'requestsMs: no help text',
      ]),
    );
  });

  it('renders a reference that lists every metric with its labels', () => {
    const doc = renderMetricsReference();
    for (const d of METRIC_DEFINITIONS) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${d.name}\` |`));
      expect(row, d.name).toBeDefined();
      for (const label of d.labelNames) expect(row).toContain(`\`${label}\``);
    }
  });
});

describe('HUB_METRIC_CATALOG', () => {
  it.each(Object.entries(HUB_METRIC_CATALOG))(
    '%s follows the Prometheus naming rules',
    (_key, definition) => {
      expect(namingProblems(definition)).toEqual([]);
      expect(definition.name.startsWith('agentlens_hub_')).toBe(true);
    },
  );

  it('shares no name with the SDK catalog', () => {
    const sdkNames = new Set(METRIC_DEFINITIONS.map((d) => d.name));
    for (const definition of Object.values(HUB_METRIC_CATALOG))
      expect(sdkNames.has(definition.name)).toBe(false);
  });
});
