/**
 * A mistake in how the command was called that commander cannot see by itself (two options that
 * exclude each other): printed on one line, exit status 2 like commander's own usage errors.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
