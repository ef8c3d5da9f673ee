import { defineConfig } from 'vite';

/**
 * The web UI's build: Preact through Vite's own JSX transform (Oxc), so no Babel preset is
 * needed. `@agentlens/source` resolves `@agentlens/hub/client` to its TypeScript sources, so the UI
 * builds before the hub does.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  resolve: { conditions: ['@agentlens/source', 'browser', 'module', 'import', 'default'] },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  // `npx vite` in packages/ui: the UI with hot reload, its API calls passed to a hub on the
  // default address (`npx agentlens serve`).
  server: { proxy: { '/api': 'http://127.0.0.1:4318' } },
  build: {
    outDir: 'dist/web',
    emptyOutDir: true,
    target: 'es2022',
    assetsDir: 'assets',
    // The hub serves these files itself; a single chunk keeps the first paint to two requests.
    chunkSizeWarningLimit: 400,
  },
});
