import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export const DEFAULT_MAX_SIZE_BYTES = 10 * 1024 * 1024;
export const DEFAULT_MAX_FILES = 5;

/** Options of {@link RotatingFileStream}. */
export interface RotatingFileOptions {
  path: string;
  /** A file never grows past this (unless one line alone is larger). Default 10 MB. */
  maxSizeBytes?: number;
  /** Files kept, the active one included: `app.log`, `app.log.1` (newest backup) ... Default 5. */
  maxFiles?: number;
  /** Called once per failure kind (open, write, rotate); the stream then carries on or goes quiet. */
  onError?: (error: Error) => void;
}

/**
 * A size-rotated log file that pino writes to. Lines are written whole and synchronously (pino's own
 * default for its destinations), so a line is never split across two files, nothing is lost on a
 * crash, and rotation happens between two lines: before a line that would push the file past
 * `maxSizeBytes`, `app.log.N-1` is deleted, each backup shifts up by one and `app.log` becomes
 * `app.log.1`.
 *
 * pino-roll was the first choice but rotates after the write that crosses the size (files grow
 * past the limit), numbers files upwards forever and prunes old ones asynchronously, so "10 MB x 5,
 * keep the 5 newest" could not be held exactly.
 */
export class RotatingFileStream {
  readonly path: string;
  readonly #maxSizeBytes: number;
  readonly #maxFiles: number;
  readonly #onError: (error: Error) => void;
  readonly #reported = new Set<string>();
  #fd = -1;
  #size = 0;

  /** Throws if the file cannot be opened: the caller decides whether to carry on without it. */
  constructor(options: RotatingFileOptions) {
    const maxSizeBytes = options.maxSizeBytes ?? DEFAULT_MAX_SIZE_BYTES;
    const maxFiles = options.maxFiles ?? DEFAULT_MAX_FILES;
    if (!Number.isInteger(maxSizeBytes) || maxSizeBytes <= 0) {
      throw new RangeError(`maxSizeBytes must be a positive integer, got ${String(maxSizeBytes)}`);
    }
    if (!Number.isInteger(maxFiles) || maxFiles < 1) {
      throw new RangeError(`maxFiles must be an integer >= 1, got ${String(maxFiles)}`);
    }
    this.path = options.path;
    this.#maxSizeBytes = maxSizeBytes;
    this.#maxFiles = maxFiles;
    this.#onError = options.onError ?? (() => {});
    mkdirSync(dirname(this.path), { recursive: true });
    this.#open();
  }

  /** Appends one or more whole lines. Never throws. */
  write(chunk: string): boolean {
    if (this.#fd < 0) return true;
    const bytes = Buffer.byteLength(chunk);
    if (this.#size > 0 && this.#size + bytes > this.#maxSizeBytes) this.#rotate();
    try {
      writeSync(this.#fd, chunk);
      this.#size += bytes;
    } catch (error) {
      this.#report('write', error);
    }
    return true;
  }

  /** Writes are synchronous; present so pino's `flush` finds it. */
  flushSync(): void {}

  /** Closes the file; later writes are dropped. Idempotent. */
  end(): void {
    if (this.#fd < 0) return;
    try {
      closeSync(this.#fd);
    } catch {
      // Closing a descriptor the OS already lost has nothing left to save.
    }
    this.#fd = -1;
  }

  #open(): void {
    this.#fd = openSync(this.path, 'a');
    this.#size = fstatSync(this.#fd).size;
  }

  #rotate(): void {
    this.end();
    try {
      if (this.#maxFiles === 1) {
        rmSync(this.path, { force: true });
      } else {
        rmSync(`${this.path}.${this.#maxFiles - 1}`, { force: true });
        for (let i = this.#maxFiles - 2; i >= 1; i--) {
          try {
            renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
          }
        }
        renameSync(this.path, `${this.path}.1`);
      }
    } catch (error) {
      this.#report('rotate', error);
    }
    try {
      this.#open();
    } catch (error) {
      this.#report('open', error);
    }
  }

  #report(kind: string, error: unknown): void {
    if (this.#reported.has(kind)) return;
    this.#reported.add(kind);
    try {
      this.#onError(error instanceof Error ? error : new Error(String(error)));
    } catch {
      // A throwing error handler must not turn a logging problem into an application crash.
    }
  }
}
