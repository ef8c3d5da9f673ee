import { NO_GENAI_COLUMNS, type SpanRecord } from '@agentlens/core';
import { describe, expect, it } from 'vitest';
import { decodeAttributes, encodeAttributes } from './promoted-attributes.js';

function span(attributes: SpanRecord['attributes'], columns: Partial<SpanRecord> = {}): SpanRecord {
  return {
    traceId: 'a'.repeat(32),
    spanId: 'b'.repeat(16),
    parentSpanId: null,
    service: 's',
    name: 'chat gpt-4o',
    kind: 3,
    startTimeUnixNano: '1',
    endTimeUnixNano: '2',
    durationMs: 0,
    statusCode: 0,
    statusMessage: null,
    ...NO_GENAI_COLUMNS,
    ...columns,
    attributes,
    resource: {},
    scope: { name: '', version: '' },
    events: [],
    links: [],
  };
}

const roundTrip = (s: SpanRecord) => {
  const encoded = encodeAttributes(s);
  return { encoded, attributes: decodeAttributes(encoded.json, encoded.elided, s) };
};

describe('promoted attributes', () => {
  it('keeps an attribute only in its column when the two are identical, and puts it back', () => {
    const attributes = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.usage.input_tokens': 120,
      'gen_ai.request.temperature': 0.2,
    };
    const s = span(attributes, { operation: 'chat', requestModel: 'gpt-4o', inputTokens: 120 });
    const { encoded, attributes: back } = roundTrip(s);
    expect(JSON.parse(encoded.json)).toEqual({ 'gen_ai.request.temperature': 0.2 });
    expect(encoded.json.length).toBeLessThan(JSON.stringify(attributes).length / 2);
    expect(back).toEqual(attributes);
  });

  it('keeps in the JSON what differs from its column: a changed value, another type, an alias', () => {
    const attributes = {
      'gen_ai.provider.name': 'azure.ai.openai',
      'gen_ai.usage.input_tokens': '120',
      'gen_ai.usage.prompt_tokens': 99,
      __proto__: 'not a prototype',
    } as unknown as SpanRecord['attributes'];
    const s = span(attributes, { provider: 'azure', inputTokens: 120 });
    const { encoded, attributes: back } = roundTrip(s);
    expect(encoded.elided).toBe(0);
    expect(encoded.json).toBe(JSON.stringify(attributes));
    expect(back).toEqual(attributes);
  });

  it('leaves a __proto__ key an ordinary key when something else is elided', () => {
    const attributes = JSON.parse(
      '{"__proto__":"x","gen_ai.agent.name":"planner"}',
    ) as SpanRecord['attributes'];
    const { encoded, attributes: back } = roundTrip(span(attributes, { agentName: 'planner' }));
    expect(encoded.json).toBe('{"__proto__":"x"}');
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(back).toEqual(attributes);
  });
});
