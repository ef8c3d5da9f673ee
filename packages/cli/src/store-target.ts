/** Where `--db` says the data lives. */
export type StoreTarget =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly display: string };

/**
 * Reads `--db`: a `postgres://` or `postgresql://` URL, else a SQLite file path. `display` is the
 * URL with its password replaced, safe to print.
 */
export function storeTarget(value: string): StoreTarget {
  if (/^postgres(ql)?:\/\//i.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new Error('is not a valid postgres:// URL');
    }
    if (url.password !== '') url.password = '***';
    return { kind: 'postgres', url: value, display: url.href };
  }
  if (value.trim() === '') throw new Error('must be a file path or a postgres:// URL');
  return { kind: 'sqlite', path: value };
}
