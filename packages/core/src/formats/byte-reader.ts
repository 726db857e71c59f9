import { FormatError } from "./errors.js";

/** A synchronous producer of byte chunks (a decompressor, a file read in pieces); `null` once exhausted. */
export interface ChunkSource {
  next(): Uint8Array | null;
}

/**
 * The most decompressed bytes a caller accepts from one input, and what that input is (for the error message). Callers
 * derive it from what the file can legitimately hold; decoders stop with a FormatError as soon as output exceeds it.
 */
export interface DecompressLimit {
  bytes: number;
  what: string;
}

export interface ByteReaderOptions {
  /** label used in error messages, e.g. the file name */
  label?: string;
  /**
   * Largest single item (one string or bytes object) the reader will assemble from a stream, in bytes. A length field
   * claiming more is treated as corruption instead of an allocation attempt. In-memory input is bounded by its size.
   */
  maxItemBytes?: number;
}

const DEFAULT_MAX_ITEM = 1 << 30;

/** The pieces one after another in one new array (`total` = their summed length). */
export function concatBytes(pieces: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of pieces) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A Buffer's slice() is a view, not a copy: read through a plain Uint8Array so stored values never alias the input. */
function plain(b: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(b) === Uint8Array.prototype ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
const MAX_LINE = 1 << 16;

/**
 * Sequential little-endian reader over an in-memory buffer or a chunk stream. Every read either returns the bytes
 * or throws a FormatError saying the input ended early: corrupt length fields can neither hang nor over-allocate.
 */
export class ByteReader {
  private buf: Uint8Array;
  private view: DataView;
  private at = 0;
  /** absolute offset of buf[0] in the whole stream */
  private base = 0;
  private readonly source: ChunkSource | null;
  private readonly knownLength: number | null;
  readonly label: string;
  private readonly maxItem: number;

  constructor(input: Uint8Array | ChunkSource, opts: ByteReaderOptions = {}) {
    this.label = opts.label ?? "input";
    this.maxItem = opts.maxItemBytes ?? DEFAULT_MAX_ITEM;
    if (input instanceof Uint8Array) {
      input = plain(input);
      this.buf = input;
      this.view = new DataView(input.buffer, input.byteOffset, input.byteLength);
      this.source = null;
      this.knownLength = input.length;
    } else {
      this.buf = new Uint8Array(0);
      this.view = new DataView(this.buf.buffer);
      this.source = input;
      this.knownLength = null;
    }
  }

  /** absolute offset of the next byte */
  get offset(): number {
    return this.base + this.at;
  }

  /** true when no byte is left (pulls the next chunk if needed) */
  atEnd(): boolean {
    return this.at >= this.buf.length && !this.refill();
  }

  fail(message: string): never {
    throw new FormatError(`${this.label}: ${message} (at byte ${this.offset})`);
  }

  private truncated(): never {
    this.fail("input is truncated (it ends in the middle of an item)");
  }

  /** Replaces an exhausted buffer with the next non-empty chunk; false at the end of the stream. */
  private refill(): boolean {
    if (this.source === null) return false;
    for (;;) {
      const chunk = this.source.next();
      if (chunk === null) return false;
      if (chunk.length === 0) continue;
      this.base += this.buf.length;
      this.buf = plain(chunk);
      this.view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      this.at = 0;
      return true;
    }
  }

  u8(): number {
    if (this.at >= this.buf.length && !this.refill()) this.truncated();
    return this.buf[this.at++]!;
  }

  /** Copies the next n bytes (never a view: stored values must not pin whole decompressed chunks). */
  bytes(n: number): Uint8Array {
    if (!Number.isSafeInteger(n) || n < 0) this.fail(`invalid length ${n}`);
    if (this.knownLength !== null) {
      if (this.at + n > this.knownLength) this.truncated();
      const out = this.buf.slice(this.at, this.at + n);
      this.at += n;
      return out;
    }
    if (n > this.maxItem) this.fail(`an item claims ${n} bytes, more than the ${this.maxItem}-byte limit; the input is corrupt`);
    if (this.at + n <= this.buf.length) {
      const out = this.buf.slice(this.at, this.at + n);
      this.at += n;
      return out;
    }
    // Spans chunks: collect pieces as they arrive so a lying length field cannot allocate more than the input holds.
    const pieces: Uint8Array[] = [];
    let need = n;
    while (need > 0) {
      if (this.at >= this.buf.length && !this.refill()) this.truncated();
      const take = Math.min(need, this.buf.length - this.at);
      pieces.push(this.buf.slice(this.at, this.at + take));
      this.at += take;
      need -= take;
    }
    return concatBytes(pieces, n);
  }

  /** Decodes the next n bytes as text without an intermediate copy when they lie in the current chunk. */
  utf8(n: number, decode: (b: Uint8Array) => string): string {
    if (Number.isSafeInteger(n) && n >= 0 && this.at + n <= this.buf.length) {
      const s = decode(this.buf.subarray(this.at, this.at + n));
      this.at += n;
      return s;
    }
    return decode(this.bytes(n));
  }

  skip(n: number): void {
    if (this.knownLength !== null) {
      if (this.at + n > this.knownLength) this.truncated();
      this.at += n;
      return;
    }
    let need = n;
    while (need > 0) {
      if (this.at >= this.buf.length && !this.refill()) this.truncated();
      const take = Math.min(need, this.buf.length - this.at);
      this.at += take;
      need -= take;
    }
  }

  u16(): number {
    const a = this.u8();
    return a | (this.u8() << 8);
  }

  u32(): number {
    if (this.at + 4 <= this.buf.length) {
      const b = this.buf;
      const i = this.at;
      this.at += 4;
      return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16)) + b[i + 3]! * 0x1000000;
    }
    const a = this.u16();
    return a + this.u16() * 0x10000;
  }

  i32(): number {
    return this.u32() | 0;
  }

  /** unsigned 64-bit length; values beyond 2^53 are corrupt for any real input */
  u64(): number {
    const lo = this.u32();
    const hi = this.u32();
    if (hi >= 0x200000) this.fail("a 64-bit length is larger than any real input");
    return hi * 0x100000000 + lo;
  }

  f64be(): number {
    if (this.at + 8 <= this.buf.length) {
      const v = this.view.getFloat64(this.at, false);
      this.at += 8;
      return v;
    }
    const b = this.bytes(8);
    return new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, false);
  }

  /** Text up to (not including) the next '\n', as latin1. */
  line(): string {
    let s = "";
    for (let n = 0; n < MAX_LINE; n++) {
      const c = this.u8();
      if (c === 0x0a) return s;
      s += String.fromCharCode(c);
    }
    this.fail("a text line is longer than 64 KiB; the input is corrupt");
  }
}
