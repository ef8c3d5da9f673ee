import { describe, expect, it } from 'vitest';
import { agentlens } from './test-support/cli.test-helpers.js';
import { VERSION } from './version.js';

describe('the agentlens command', { timeout: 60_000 }, () => {
  it('--help lists every command with examples', async () => {
    const run = await agentlens(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['demo', 'monitor', 'serve'])
      expect(run.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect(run.stdout).toContain('Examples:');
  });

  it.each(['demo', 'monitor', 'serve'])('%s --help lists its options and an example', async (command) => {
    const run = await agentlens([command, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Options:');
    expect(run.stdout).toMatch(new RegExp(`Examples:\\n  agentlens ${command}`));
  });

  it('--version prints the version', async () => {
    const run = await agentlens(['--version']);
    expect(run).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
  });

  it('an unknown command is one line and exit status 2', async () => {
    const run = await agentlens(['bogus']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')[0]).toBe("error: unknown command 'bogus'");
  });
});
