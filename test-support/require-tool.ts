/**
 * Tests that need an outside tool (a database server, promtool, a browser) declare it here, so a
 * missing tool skips them with the reason on a developer's machine and fails them in CI, where a
 * skip would hide a missing install step.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, it } from 'vitest';

/** A tool some tests need. */
export interface RequiredTool {
  /** The tool as a person would name it: `redis-server`, `PostgreSQL (initdb, postgres)`. */
  readonly name: string;
  /** Whether it is installed here (see {@link findExecutable}). */
  readonly found: boolean;
  /** The Debian package that installs it, named in the skip reason and the CI failure. */
  readonly debianPackage: string;
}

/** What to do about a {@link RequiredTool}: run, skip (locally) or fail (in CI). */
export interface ToolRequirement {
  /** Missing, and not in CI: skip the tests and show `reason`. */
  readonly skip: boolean;
  /** Missing, and in CI: fail with `reason`. */
  readonly fail: boolean;
  /** Why the tests skip or fail, naming the package to install. Empty when the tool is found. */
  readonly reason: string;
}

/** Whether the environment is CI: `CI` is set to anything but empty, `0` or `false`. */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

/** Decides whether tests needing `tool` run, skip or fail here. */
export function requireTool(tool: RequiredTool, env: NodeJS.ProcessEnv = process.env): ToolRequirement {
  if (tool.found) return { skip: false, fail: false, reason: '' };
  const install = `apt-get install -y ${tool.debianPackage}`;
  return isCi(env)
    ? {
        skip: false,
        fail: true,
        reason: `${tool.name} not found, and CI is set: the CI script must install the Debian package ${tool.debianPackage} (${install})`,
      }
    : {
        skip: true,
        fail: false,
        reason: `${tool.name} not found; install the Debian package ${tool.debianPackage} (${install})`,
      };
}

/**
 * `describe(title, body)` when `tool` is found; otherwise, outside CI, the suite is skipped with the
 * reason in its title, and in CI it is replaced by one failing test whose error names the package.
 *
 * @example
 * ```ts
 * describeWithTool(
 *   { name: 'promtool', found: findExecutable('promtool') !== undefined, debianPackage: 'prometheus' },
 *   'generated alert rules pass promtool',
 *   () => { it('...', () => {}) },
 * );
 * ```
 */
export function describeWithTool(
  tool: RequiredTool,
  title: string,
  body: () => void,
  env: NodeJS.ProcessEnv = process.env,
): void {
  const requirement = requireTool(tool, env);
  if (requirement.skip) {
    describe.skip(`${title} [skipped: ${requirement.reason}]`, body);
  } else if (requirement.fail) {
    describe(title, () => {
      it(`requires ${tool.name}`, () => {
        throw new Error(requirement.reason);
      });
    });
  } else {
    describe(title, body);
  }
}

/** The absolute path of executable `name` on `PATH`, or undefined. */
export function findExecutable(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}
