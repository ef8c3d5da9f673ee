import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@agentlens/source'] },
  ssr: { resolve: { conditions: ['@agentlens/source'] } },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/src/**/*.test.tsx',
      'examples/**/*.test.ts',
      'test-support/**/*.test.ts',
    ],
    testTimeout: 20_000,
    // Two cores here and in CI: more workers only add contention.
    maxWorkers: 2,
  },
});
