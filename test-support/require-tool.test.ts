import { describe, expect, it } from 'vitest';
import { findExecutable, isCi, requireTool } from './require-tool.js';

const missing = { name: 'promtool', found: false, debianPackage: 'prometheus' };

describe('requireTool', () => {
  it('runs the tests when the tool is found, in CI or not', () => {
    for (const env of [{}, { CI: 'true' }]) {
      expect(requireTool({ ...missing, found: true }, env)).toEqual({ skip: false, fail: false, reason: '' });
    }
  });

  it('skips with the package to install when the tool is missing outside CI', () => {
    const requirement = requireTool(missing, {});
    expect(requirement).toMatchObject({ skip: true, fail: false });
    expect(requirement.reason).toBe(
      'promtool not found; install the Debian package prometheus (apt-get install -y prometheus)',
    );
  });

  it('fails, naming the package, when the tool is missing in CI', () => {
    const requirement = requireTool(missing, { CI: 'true' });
    expect(requirement).toMatchObject({ skip: false, fail: true });
    expect(requirement.reason).toContain('apt-get install -y prometheus');
  });

  it.each([
    [undefined, false],
    ['', false],
    ['0', false],
    ['false', false],
    ['FALSE', false],
    ['true', true],
    ['1', true],
  ])('reads CI=%s as %s', (value, expected) => {
    expect(isCi(value === undefined ? {} : { CI: value })).toBe(expected);
  });
});

describe('findExecutable', () => {
  it('finds an executable on PATH and nothing for an unknown name', () => {
    expect(findExecutable('sh', { PATH: '/nonexistent:/bin:/usr/bin' })).toMatch(/\/sh$/);
    expect(findExecutable('agentlens-no-such-tool')).toBeUndefined();
  });
});
