/**
 * A growable byte buffer the exposition is written into. Writing bytes instead of concatenating
 * strings matters at scrape time: 10 000 histogram series are 140 000 lines, and building them as
 * one string then encoding it cost about 3x more (V8 flattens the rope, then UTF-8 encodes it again
 * for the socket). Static parts of each line are encoded once and copied; integers are written
 * digit by digit.
 */
export class ByteWriter {
  #buffer: Buffer;
  #position = 0;

  constructor(initialSize = 64 * 1024) {
    this.#buffer = Buffer.allocUnsafe(initialSize);
  }

  #reserve(bytes: number): void {
    const needed = this.#position + bytes;
    if (needed <= this.#buffer.length) return;
    let size = this.#buffer.length * 2;
    while (size < needed) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.#buffer.copy(next, 0, 0, this.#position);
    this.#buffer = next;
  }

  /** Appends a string as UTF-8. */
  string(text: string): void {
    this.#reserve(text.length * 3);
    this.#position += this.#buffer.write(text, this.#position, 'utf8');
  }

  /** Appends `bytes`. */
  bytes(bytes: Uint8Array): void {
    const length = bytes.length;
    this.#reserve(length);
    const buffer = this.#buffer;
    let at = this.#position;
    // A loop only for a few bytes: TypedArray#set wins from about 8 bytes up (10 000 histogram
    // series rendered in 28 ms with a 96-byte cut-over, 18 ms with 8).
    if (length < 8) {
      for (let i = 0; i < length; i++) buffer[at++] = bytes[i] as number;
    } else {
      buffer.set(bytes, at);
      at += length;
    }
    this.#position = at;
  }

  /** Appends one byte (an ASCII character code). */
  byte(code: number): void {
    this.#reserve(1);
    this.#buffer[this.#position++] = code;
  }

  /**
   * Appends a sample value as the Prometheus text format writes it: integers up to 2^53 digit by
   * digit without allocating, anything else (fractions, NaN, +Inf) through its string form.
   */
  number(value: number, format: (value: number) => string): void {
    if (!(Number.isSafeInteger(value) && value >= 0)) {
      this.string(format(value));
      return;
    }
    this.#reserve(16);
    const buffer = this.#buffer;
    if (value < 10) {
      buffer[this.#position++] = 48 + value;
      return;
    }
    let digits = 0;
    for (let v = value; v > 0; v = Math.floor(v / 10)) digits++;
    let at = this.#position + digits;
    this.#position = at;
    for (let v = value; v > 0; v = Math.floor(v / 10)) buffer[--at] = 48 + (v % 10);
  }

  get length(): number {
    return this.#position;
  }

  /** The bytes written so far (a view, not a copy). */
  result(): Buffer {
    return this.#buffer.subarray(0, this.#position);
  }
}
