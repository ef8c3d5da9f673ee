import type { HealthStatus } from '@agentlens/core';
import type { HubApiError } from '@agentlens/hub/client';

/** Shown while the first answer is on its way. */
export function Loading() {
  return (
    <p class="muted" aria-busy="true">
      Loading…
    </p>
  );
}

/** A failed request, in words; a 401 says nothing here (the token prompt is up). */
export function ErrorNote({ error }: { readonly error: HubApiError | undefined }) {
  if (error === undefined || error.status === 401) return null;
  return (
    <p class="error-note" role="alert">
      {error.status === 0 ? 'The hub does not answer: ' : `The hub answered ${error.status}: `}
      {error.message}
    </p>
  );
}

/** `ok` / `error` as a coloured word, never colour alone. */
export function StatusBadge({ error }: { readonly error: boolean }) {
  return <span class={error ? 'badge badge-error' : 'badge badge-ok'}>{error ? 'error' : 'ok'}</span>;
}

/** The tone a health status is shown in: healthy ok, degraded warn, unhealthy error. */
export function toneOfHealth(status: HealthStatus): 'ok' | 'warn' | 'error' {
  return status === 'healthy' ? 'ok' : status === 'degraded' ? 'warn' : 'error';
}
