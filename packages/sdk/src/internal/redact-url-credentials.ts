// Greedy up to the last `@` before the path, so a password holding an unencoded `@`
// (`postgres://u:p@ss@host`) is hidden whole rather than leaking its tail.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#]*@/gi;

/**
 * Replaces the userinfo of every URL in `text` with `***`:
 * `postgres://user:pass@host/db` becomes `postgres://***@host/db`. Text without URLs is returned
 * unchanged. Health reports go to load balancers and dashboards, so nothing that reaches them may
 * carry a password.
 */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_USERINFO, '$1***@');
}
