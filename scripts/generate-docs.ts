/**
 * Writes the generated reference pages: docs/metrics.md from the metric catalog, and
 * docs/report.schema.json (the JSON Schema of `agentlens monitor --export json` and `snapshot()`)
 * from the report's zod schema.
 * `--check` fails instead of writing when a page is out of date, so lint catches a catalog change
 * whose docs were not regenerated.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { REPORT_SCHEMA_ID, ReportSchema, renderMetricsReference } from '@agentlens/core';
import { z } from 'zod';

function renderReportSchema(): string {
  const schema = {
    title: REPORT_SCHEMA_ID,
    description:
      'An agentlens report: the SDK snapshot() and `agentlens monitor --export json`. Durations in seconds, rates 0..1, cost in US dollars.',
    ...z.toJSONSchema(ReportSchema, { target: 'draft-2020-12' }),
  };
  return JSON.stringify(schema, null, 2);
}

const pages = [
  { path: fileURLToPath(new URL('../docs/metrics.md', import.meta.url)), render: renderMetricsReference },
  { path: fileURLToPath(new URL('../docs/report.schema.json', import.meta.url)), render: renderReportSchema },
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
