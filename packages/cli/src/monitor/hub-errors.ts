import { HubApiError } from '@agentlens/hub/client';

/** One line saying why the hub gave no figures, with what to do when that is known. */
export function describeHubError(error: unknown): string {
  if (error instanceof HubApiError) {
    if (error.status === 0) return error.message;
    if (error.status === 401)
      return 'the hub requires a token: set AGENTLENS_TOKEN to the token the hub was started with';
    return `the hub answered ${error.status} (${error.code}): ${error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}
