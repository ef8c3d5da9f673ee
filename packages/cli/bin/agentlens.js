#!/usr/bin/env node
// The `agentlens` command. A committed file (not the build output) so that npm links it at install
// time; the code lives in dist/, built by `npm run build` (which `npm ci` runs in a clone).
import('../dist/main.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/main.js')) {
    process.stderr.write('agentlens: not built yet; run `npm run build` in the repository first\n');
    process.exit(1);
  }
  throw error;
});
