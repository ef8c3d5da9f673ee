/**
 * The UI's one way to the hub: the typed {@link HubClient} against the origin that served the
 * page, a token kept in sessionStorage once the hub asks for one (401), and {@link useQuery},
 * which loads, polls while the tab is visible and reloads on every change of its inputs.
 */
import { HubApiError, HubClient } from '@agentlens/hub/client';
import { useEffect, useRef, useState } from 'preact/hooks';

const TOKEN_KEY = 'agentlens.token';
/** Live updates: how often every visible query reloads. */
export const POLL_MS = 5000;

type Listener = () => void;

/** State shared by every page: the token prompt, live updates, a counter that reloads everything. */
interface Shared {
  /** `asking`: a request answered 401; `refused`: the token given was refused too. */
  auth: 'ok' | 'asking' | 'refused';
  live: boolean;
  epoch: number;
}

const shared: Shared = { auth: 'ok', live: true, epoch: 0 };
const listeners = new Set<Listener>();

function update(change: Partial<Shared>): void {
  Object.assign(shared, change);
  for (const listener of listeners) listener();
}

/** The shared state; re-renders when it changes. */
export function useShared(): Readonly<Shared> {
  const [, setTick] = useState(0);
  useEffect(() => {
    const listener = () => setTick((n) => n + 1);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
  return shared;
}

function storedToken(): string | undefined {
  try {
    return window.sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

let client = new HubClient({ baseUrl: window.location.origin, token: storedToken() });

/** Keeps `token` for this tab and reloads every query with it. */
export function setToken(token: string): void {
  try {
    window.sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // Storage refused (private mode): the token still lasts until the page reloads.
  }
  client = new HubClient({ baseUrl: window.location.origin, token });
  update({ auth: 'ok', epoch: shared.epoch + 1 });
}

/** Turns live updates on or off. */
export function setLive(live: boolean): void {
  update({ live, epoch: live ? shared.epoch + 1 : shared.epoch });
}

/** Reloads every query now. */
export function refreshAll(): void {
  update({ epoch: shared.epoch + 1 });
}

document.addEventListener('visibilitychange', () => {
  // Polling stops while the tab is hidden; coming back shows fresh figures at once.
  if (!document.hidden && shared.live) refreshAll();
});

export interface QueryState<T> {
  /** The last answer; kept while a reload is in flight, so a poll never blanks the page. */
  readonly data: T | undefined;
  readonly error: HubApiError | undefined;
  readonly loading: boolean;
}

/**
 * Loads `load(client)` now and whenever `key` (the inputs, as text) changes; while live updates
 * are on and the tab is visible, again every {@link POLL_MS}. A 401 opens the token prompt.
 * `poll: false` loads once per key (a trace does not change once shown).
 */
export function useQuery<T>(
  key: string,
  load: (hub: HubClient) => Promise<T>,
  options: { poll?: boolean } = {},
): QueryState<T> {
  const { live, epoch } = useShared();
  const [state, setState] = useState<QueryState<T>>({ data: undefined, error: undefined, loading: true });
  const keyRef = useRef(key);
  const loadRef = useRef(load);
  loadRef.current = load;
  const poll = options.poll ?? true;

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (keyRef.current !== key) {
      keyRef.current = key;
      setState({ data: undefined, error: undefined, loading: true });
    }
    const run = async () => {
      try {
        const data = await loadRef.current(client);
        if (!cancelled) setState({ data, error: undefined, loading: false });
      } catch (caught) {
        if (cancelled) return;
        const error = caught instanceof HubApiError ? caught : new HubApiError(0, 'ui_error', String(caught));
        if (error.status === 401) update({ auth: storedToken() === undefined ? 'asking' : 'refused' });
        setState((previous) => ({ data: previous.data, error, loading: false }));
      }
      if (!cancelled && poll && live) {
        timer = setTimeout(function tick() {
          if (document.hidden) return; // visibilitychange restarts it
          void run();
        }, POLL_MS);
      }
    };
    void run();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [key, live, epoch, poll]);

  return state;
}
