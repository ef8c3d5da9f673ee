import { execFileSync } from 'node:child_process';
import { arch, cpus, platform, totalmem } from 'node:os';

/**
 * The machine and code a run measured, as one Markdown line: CPU model, core count, memory, Node
 * version, platform and the git commit (marked when the working tree had uncommitted changes).
 */
export function describeMachine(repoRoot: string): string {
  const cores = cpus();
  const model = cores[0]?.model.trim() || 'unknown CPU';
  const memory = `${(totalmem() / 1024 ** 3).toFixed(1)} GiB`;
  const parts = [
    model,
    `${cores.length} cores`,
    memory,
    `Node ${process.version}`,
    `${platform()}/${arch()}`,
  ];
  const revision = gitRevision(repoRoot);
  if (revision) parts.push(revision);
  return parts.join(' · ');
}

function gitRevision(repoRoot: string): string | undefined {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: repoRoot,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    const commit = git('rev-parse', '--short', 'HEAD');
    return git('status', '--porcelain') ? `commit ${commit} + uncommitted changes` : `commit ${commit}`;
  } catch {
    // Not a git checkout, or git is missing: the figures stand without a commit.
    return undefined;
  }
}
