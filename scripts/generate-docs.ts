/**
 * Writes the generated reference pages (today: docs/metrics.md from the metric catalog).
 * `--check` fails instead of writing when a page is out of date, so lint catches a catalog change
 * whose docs were not regenerated.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderMetricsReference } from '@agentlens/core';

const pages = [
  { path: fileURLToPath(new URL('../docs/metrics.md', import.meta.url)), render: renderMetricsReference },
];

const check = process.argv.includes('--check');
let stale = 0;
for (const page of pages) {
  const wanted = `${page.render()}\n`;
  let current = '';
  try {
    current = readFileSync(page.path, 'utf8');
  } catch {
    // A missing page is stale.
  }
  if (current === wanted) continue;
  if (check) {
    console.error(`${page.path} is out of date: run \`npm run docs\``);
    stale++;
  } else {
    writeFileSync(page.path, wanted);
    console.log(`wrote ${page.path}`);
  }
}
process.exit(stale > 0 ? 1 : 0);
