/**
 * Option values the commands share, parsed once: each turns the text into a value or throws
 * commander's `InvalidArgumentError`, which commander prints as one line naming the option.
 */
import { parseByteSize, parseDuration } from '@agentlens/hub/options';
import { InvalidArgumentError } from 'commander';

/** A TCP port, `0` meaning any free one. */
export function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('must be an integer from 0 to 65535');
  return n;
}

/** `30s`, `10m`, `7d` to milliseconds. */
export function duration(value: string): number {
  try {
    return parseDuration(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** `2GB`, `500MB` to bytes. */
export function byteSize(value: string): number {
  try {
    return parseByteSize(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** An amount of US dollars above 0, with or without `$`: `25`, `7.50`, `$10`. */
export function usd(value: string): number {
  const text = value.trim().replace(/^\$/, '');
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError('must be an amount of US dollars above 0, e.g. 25 or 7.50');
  return n;
}

/** The base URL of a hub, http or https, without a trailing slash. */
export function hubUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('must be the hub base URL, e.g. http://127.0.0.1:4318');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InvalidArgumentError('must be an http:// or https:// URL');
  return url.href.replace(/\/+$/, '');
}
