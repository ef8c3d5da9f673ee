import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

describe('@agentlens/hub/client', () => {
  it('bundles for the browser: fetch only, no Node built-ins', async () => {
    const result = await build({
      entryPoints: [new URL('./index.ts', import.meta.url).pathname],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
      conditions: ['@agentlens/source'],
    });
    const code = result.outputFiles[0]?.text ?? '';
    expect(code).toMatch(/HubClient = class|class HubClient/);
    expect(code).not.toMatch(/from\s*["']node:/);
    // A small module: the client carries no store, decoder or schema code.
    expect(code.length).toBeLessThan(20_000);
  });
});
