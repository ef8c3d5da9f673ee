/**
 * The URL is the state: the page is the path, the time range and every filter are query
 * parameters, so back / forward and a copied link show the same view. A tiny router on the
 * History API; no dependency.
 */
import { useEffect, useState } from 'preact/hooks';

export interface Place {
  /** `/traces`, `/traces/<id>`, `/agents/<name>`, ... */
  readonly path: string;
  readonly query: URLSearchParams;
}

const listeners = new Set<() => void>();

function current(): Place {
  return { path: window.location.pathname, query: new URLSearchParams(window.location.search) };
}

function notify(): void {
  for (const listener of listeners) listener();
}

window.addEventListener('popstate', notify);

/** Goes to `href` (a path with its query), adding a history entry unless `replace`. */
export function navigate(href: string, replace = false): void {
  const next = new URL(href, window.location.href);
  if (next.pathname + next.search === window.location.pathname + window.location.search) return;
  if (replace) window.history.replaceState(null, '', next.pathname + next.search);
  else window.history.pushState(null, '', next.pathname + next.search);
  window.scrollTo(0, 0);
  notify();
}

/** Builds `path?query` from parameters; empty and undefined values are left out. */
export function hrefOf(path: string, params: Record<string, string | undefined> | URLSearchParams): string {
  const search = new URLSearchParams();
  const entries = params instanceof URLSearchParams ? [...params.entries()] : Object.entries(params);
  for (const [name, value] of entries) if (value !== undefined && value !== '') search.set(name, value);
  const text = search.toString();
  return text === '' ? path : `${path}?${text}`;
}

/** The current path with some query parameters changed (undefined or `''` removes one). */
export function withQuery(updates: Record<string, string | undefined>, path?: string): string {
  const place = current();
  const query = new URLSearchParams(place.query);
  for (const [name, value] of Object.entries(updates)) {
    if (value === undefined || value === '') query.delete(name);
    else query.set(name, value);
  }
  return hrefOf(path ?? place.path, query);
}

/** Changes query parameters of the current page, as a new history entry unless `replace`. */
export function setQuery(updates: Record<string, string | undefined>, replace = false): void {
  navigate(withQuery(updates), replace);
}

/** The current place; re-renders on every navigation. */
export function usePlace(): Place {
  const [place, setPlace] = useState(current);
  useEffect(() => {
    const listener = () => setPlace(current());
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
  return place;
}

/** Whether a click should stay a normal browser link (new tab, download, ...). */
export function isModifiedClick(event: MouseEvent): boolean {
  return event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey;
}
