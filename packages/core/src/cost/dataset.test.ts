import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENAI_PRICES_DATASET, GENAI_PRICES_DATE, GENAI_PRICES_VERSION } from './dataset.js';

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

describe('dataset label', () => {
  it('names the installed genai-prices version, so a bump cannot leave a stale label', () => {
    const entry = createRequire(import.meta.url).resolve('@pydantic/genai-prices');
    const installed = readJson(join(dirname(entry), '..', 'package.json'));
    expect(installed.version).toBe(GENAI_PRICES_VERSION);
    expect(GENAI_PRICES_DATASET).toBe(`genai-prices ${GENAI_PRICES_VERSION}`);
  });

  it('pins the dependency exactly, since the label names one version of the data', () => {
    const core = readJson(join(import.meta.dirname, '..', '..', 'package.json'));
    const dependencies = core.dependencies as Record<string, string>;
    expect(dependencies['@pydantic/genai-prices']).toBe(GENAI_PRICES_VERSION);
  });

  it('dates the snapshot as an ISO day', () => {
    expect(GENAI_PRICES_DATE).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
