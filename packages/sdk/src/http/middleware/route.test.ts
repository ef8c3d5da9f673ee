import { createRouteMatcher, DEFAULT_IGNORED_PATHS, normalizePath, UNMATCHED_ROUTE } from '@agentlens/sdk';
import { describe, expect, it } from 'vitest';
import { pathOf } from './route.js';

describe('normalizePath', () => {
  it.each([
    ['/orders/12345/items/550e8400-e29b-41d4-a716-446655440000', '/orders/:id/items/:id'],
    ['/users/42', '/users/:id'],
    ['/blobs/9f1c2ab34e5d6f70', '/blobs/:id'],
    ['/sessions/eyJhbGciOiJIUzI1NiJ9abc_-', '/sessions/:id'],
    ['/users/me', '/users/me'],
    ['/v1/chat/completions', '/v1/chat/completions'],
    ['/', '/'],
    ['/users/42/', '/users/:id/'],
  ])('%s -> %s', (path, template) => {
    expect(normalizePath(path)).toBe(template);
  });
});

describe('createRouteMatcher', () => {
  const match = createRouteMatcher(['/users/me', '/users/:id', '/files/*', '/a.b']);

  it('returns the first template that matches, in the order given', () => {
    expect(match('/users/me')).toBe('/users/me');
    expect(match('/users/7')).toBe('/users/:id');
    expect(match('/users/7/')).toBe('/users/:id');
  });

  it('matches a parameter within one segment and a wildcard across several', () => {
    expect(match('/users/7/orders')).toBeUndefined();
    expect(match('/files/a/b/c.txt')).toBe('/files/*');
  });

  it('treats other characters literally', () => {
    expect(match('/a.b')).toBe('/a.b');
    expect(match('/aXb')).toBeUndefined();
  });

  it('returns undefined when nothing matches', () => {
    expect(match('/nope')).toBeUndefined();
    expect(createRouteMatcher([])('/users/7')).toBeUndefined();
  });
});

describe('pathOf', () => {
  it('drops the query and the fragment', () => {
    expect(pathOf('/metrics?format=openmetrics')).toBe('/metrics');
    expect(pathOf('/docs#intro')).toBe('/docs');
    expect(pathOf('/users/7')).toBe('/users/7');
  });

  it('reads a missing or empty URL as /', () => {
    expect(pathOf(undefined)).toBe('/');
    expect(pathOf('')).toBe('/');
  });
});

describe('defaults', () => {
  it('leaves out scrapes and probes, and names the unmatched route', () => {
    expect(DEFAULT_IGNORED_PATHS).toEqual(expect.arrayContaining(['/metrics', '/health', '/ready']));
    expect(UNMATCHED_ROUTE).toBe('__unmatched__');
  });
});
