import { describe, expect, it } from 'vitest';
import { BearerCheck, isLoopbackHost } from './auth.js';
import { encodeRpcStatus } from './rpc-status.js';

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });
  it.each(['0.0.0.0', '::', '10.0.0.5', 'example.com', '128.0.0.1'])('%s is not', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('BearerCheck', () => {
  const check = new BearerCheck('tok-123');
  it('accepts the token and nothing else', () => {
    expect(check.matches('Bearer tok-123')).toBe(true);
    expect(check.matches('bearer tok-123')).toBe(true);
    expect(check.matches(undefined)).toBe(false);
    expect(check.matches('Bearer tok-1234')).toBe(false);
    expect(check.matches('Basic tok-123')).toBe(false);
    expect(check.matches('tok-123')).toBe(false);
  });
});

describe('encodeRpcStatus', () => {
  it('writes google.rpc.Status { code, message } in protobuf', () => {
    expect([...encodeRpcStatus('protobuf', 3, 'bad')]).toEqual([0x08, 3, 0x12, 3, 0x62, 0x61, 0x64]);
    const long = encodeRpcStatus('protobuf', 14, 'x'.repeat(200));
    expect([...long.subarray(0, 5)]).toEqual([0x08, 14, 0x12, 0xc8, 0x01]);
  });
  it('writes it in JSON', () => {
    expect(JSON.parse(encodeRpcStatus('json', 3, 'bad').toString())).toEqual({ code: 3, message: 'bad' });
  });
});
