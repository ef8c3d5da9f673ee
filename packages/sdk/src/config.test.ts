import { describe, expect, it } from 'vitest';
import { resolveConfig } from './config.js';

describe('resolveConfig', () => {
  it('takes the option first, then the environment, then the default', () => {
    const env = {
      AGENTLENS_METRIC_PREFIX: 'env_',
      OTEL_SERVICE_NAME: 'from-otel',
      AGENTLENS_SERIES_CAP: '50',
    };
    expect(resolveConfig({ metricPrefix: 'opt_' }, env).config).toMatchObject({
      metricPrefix: 'opt_',
      serviceName: 'from-otel',
      seriesCap: 50,
    });
    expect(resolveConfig({}, {}).config).toMatchObject({
      metricPrefix: '',
      serviceName: 'unknown_service:node',
      seriesCap: 2000,
      processMetrics: true,
      logLevel: 'silent',
      readiness: 'auto',
    });
    expect(
      resolveConfig({}, { AGENTLENS_SERVICE_NAME: 'a', OTEL_SERVICE_NAME: 'b' }).config.serviceName,
    ).toBe('a');
  });

  it('reports a bad environment value and falls back to the default', () => {
    const { config, envProblems } = resolveConfig(
      {},
      { AGENTLENS_SERIES_CAP: 'lots', AGENTLENS_LOG_LEVEL: 'loud' },
    );
    expect(config.seriesCap).toBe(2000);
    expect(config.logLevel).toBe('silent');
    expect(envProblems).toHaveLength(2);
    expect(envProblems[0]).toContain('AGENTLENS_SERIES_CAP="lots" is not valid');
  });

  it('rejects inconsistent health thresholds', () => {
    expect(() => resolveConfig({ healthThresholds: { unhealthySuccessRate: 0.95 } }, {})).toThrow(
      /unhealthySuccessRate must not exceed degradedSuccessRate/,
    );
    expect(() => resolveConfig({ healthThresholds: { degradedSuccessRate: 90 } }, {})).toThrow(
      /healthThresholds.degradedSuccessRate/,
    );
  });
});
