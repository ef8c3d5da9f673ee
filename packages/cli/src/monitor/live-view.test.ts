import { describe, expect, it } from 'vitest';
import { formatPercent, formatSeconds } from './format.js';
import { allocateRows, buildScreen, type Line, type LiveState } from './live-view.js';
import { fixtureSample } from './report-fixture.test-helpers.js';

function textOf(line: Line): string {
  return line.map((s) => s.text).join('');
}

function state(overrides: Partial<LiveState> = {}): LiveState {
  return {
    hubUrl: 'http://127.0.0.1:4318',
    window: '5m',
    intervalMs: 2000,
    sample: fixtureSample(),
    failure: null,
    ...overrides,
  };
}

describe('buildScreen', () => {
  it.each([
    [80, 24],
    [100, 30],
    [160, 50],
    [60, 20],
  ])('fits %dx%d: no line wider than the terminal, fewer lines than its height', (width, height) => {
    const lines = buildScreen(state(), width, height);
    expect(lines.length).toBeLessThanOrEqual(height - 1);
    for (const line of lines) expect(textOf(line).length).toBeLessThanOrEqual(width);
    const screen = lines.map(textOf).join('\n');
    expect(screen).toContain('DEGRADED');
    expect(screen).toContain('q quit');
  });

  it('shows every agent of the fixture at 80x24 with its success rate, p95 and in-flight count', () => {
    const screen = buildScreen(state(), 80, 24).map(textOf);
    const sample = fixtureSample();
    for (const agent of sample.report.agents) {
      const row = screen.find((l) => l.startsWith(agent.name));
      expect(row, agent.name).toBeDefined();
      expect(row).toContain(formatPercent(agent.successRate));
      expect(row).toContain(formatSeconds(agent.p95ResponseTime));
    }
    // ResearchAgent's oldest run is 185 s old against a p95 of 9.9 s: stuck. CodeAgent's is 4 s: not.
    expect(screen.find((l) => l.startsWith('ResearchAgent'))).toContain('2 STUCK');
    expect(screen.find((l) => l.startsWith('CodeAgent'))).not.toContain('STUCK');
  });

  it('uses more room when there is more: extra columns and the last tool failure', () => {
    const narrow = buildScreen(state(), 80, 24).map(textOf).join('\n');
    const wide = buildScreen(state(), 160, 50).map(textOf).join('\n');
    expect(narrow).not.toContain('P99');
    expect(wide).toContain('P99');
    expect(wide).toContain('LAST FAILURE');
    expect(wide).toContain('web_search timed out after 10 s');
  });

  it('says "… N more" when a section has more rows than fit', () => {
    const screen = buildScreen(state(), 80, 16).map(textOf).join('\n');
    expect(screen).toMatch(/… \d+ more/);
  });

  it('keeps the last figures, dimmed, and says so while the hub is unreachable', () => {
    const lines = buildScreen(
      state({
        failure: {
          message: 'hub at http://127.0.0.1:4318: cannot connect',
          sinceMs: Date.parse('2026-12-01T09:31:00Z'),
        },
      }),
      80,
      24,
    );
    const screen = lines.map(textOf).join('\n');
    expect(screen).toContain('hub unreachable since 09:31:00 UTC');
    expect(screen).toContain('ChatAgent');
    expect(
      lines
        .slice(4)
        .flat()
        .every((s) => s.dim === true),
    ).toBe(true);
  });

  it('before the first answer, says it is connecting, then that the hub is unreachable', () => {
    expect(
      buildScreen(state({ sample: null }), 80, 24)
        .map(textOf)
        .join('\n'),
    ).toContain('Connecting');
    const screen = buildScreen(
      state({ sample: null, failure: { message: 'cannot connect', sinceMs: 0 } }),
      80,
      24,
    )
      .map(textOf)
      .join('\n');
    expect(screen).toContain('hub unreachable: cannot connect');
    expect(screen).toContain('npx agentlens serve');
  });
});

describe('allocateRows', () => {
  it('gives each section a row before any gets two, and never more than it wants', () => {
    expect(allocateRows(3, [5, 5, 5])).toEqual([1, 1, 1]);
    expect(allocateRows(10, [2, 9, 1])).toEqual([2, 7, 1]);
    expect(allocateRows(0, [3])).toEqual([0]);
    expect(allocateRows(100, [2, 3])).toEqual([2, 3]);
  });
});
