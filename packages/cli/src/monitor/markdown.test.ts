import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown.js';
import { fixtureSample } from './report-fixture.test-helpers.js';

const GOLDEN = fileURLToPath(new URL('./testdata/report.golden.md', import.meta.url));

describe('renderMarkdown', () => {
  it('matches the golden file (UPDATE_GOLDEN=1 rewrites it after a deliberate change)', () => {
    const markdown = renderMarkdown(fixtureSample(), { hubUrl: 'http://127.0.0.1:4318' });
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, markdown);
    expect(markdown).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('escapes pipes and folds newlines so a message cannot break a table', () => {
    const markdown = renderMarkdown(fixtureSample(), { hubUrl: 'http://127.0.0.1:4318' });
    expect(markdown).toContain('exit status 1 \\| SyntaxError');
    expect(markdown).toContain('429 Too Many Requests retry after 2 s');
    for (const line of markdown.split('\n').filter((l) => l.startsWith('|'))) {
      expect(line.endsWith('|')).toBe(true);
    }
  });
});
