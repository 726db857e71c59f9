/**
 * bzip2 decoding through seek-bzip, one compressed block (≤ 900 kB of input) at a time, so a multi-GB `.pbz2`
 * streams with bounded memory. Multi-stream files (pbzip2, concatenated streams) are read like Python's bz2 module
 * does. Block and stream CRCs are checked; truncated or corrupt input is one FormatError naming the file.
 *
 *   bunzip2(bytes, label?, limit?) → Uint8Array            whole-buffer decode
 *   new Bunzip2Chunks(bytesOrChunks, label?, limit?)       ChunkSource of decompressed blocks (feed to unpickle)
 *     .compressedOffset                                    compressed bytes consumed (progress)
 *
 * A few KB of bzip2 can expand to gigabytes (each block to ~45 MB through its run-length stage), so every caller
 * names the most its input can legitimately hold (`limit`); more is a FormatError as soon as it is produced, never an
 * allocation of the whole output.
 */
import Bunzip from "seek-bzip";
import { concatBytes, type ChunkSource, type DecompressLimit } from "./byte-reader.js";

export type { DecompressLimit } from "./byte-reader.js";
import { FormatError } from "./errors.js";

class Truncated extends Error {}

/** seek-bzip's byte-input interface over a buffer or a chunk stream; throws instead of reading past the end. */
class InputBytes {
  private buf: Uint8Array = new Uint8Array(0);
  private at = 0;
  private base = 0;
  private done = false;

  constructor(private readonly source: Uint8Array | ChunkSource) {
    if (source instanceof Uint8Array) {
      this.buf = source;
      this.done = true;
    }
  }

  get offset(): number {
    return this.base + this.at;
  }

  private refill(): boolean {
    if (this.done) return false;
    for (;;) {
      const chunk = (this.source as ChunkSource).next();
      if (chunk === null) {
        this.done = true;
        return false;
      }
      if (chunk.length === 0) continue;
      this.base += this.buf.length;
      this.buf = chunk;
      this.at = 0;
      return true;
    }
  }

  readByte(): number {
    if (this.at >= this.buf.length && !this.refill()) throw new Truncated();
    return this.buf[this.at++]!;
  }

  read(buffer: Uint8Array, offset: number, length: number): number {
    for (let i = 0; i < length; i++) buffer[offset + i] = this.readByte();
    return length;
  }

  eof(): boolean {
    return this.at >= this.buf.length && !this.refill();
  }
}


class LimitExceeded extends Error {}

/** Growable output collector for one block; refuses to hold more than `max` bytes. */
class OutputBytes {
  buf = new Uint8Array(1 << 16);
  pos = 0;
  max = Infinity;
  writeByte(b: number): void {
    if (this.pos >= this.buf.length) {
      if (this.pos >= this.max) throw new LimitExceeded();
      const bigger = new Uint8Array(Math.min(this.buf.length * 2, Math.max(this.max, this.pos + 1)));
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.pos++] = b;
  }
  take(): Uint8Array {
    const out = this.buf.slice(0, this.pos);
    this.pos = 0;
    return out;
  }
}

export class Bunzip2Chunks implements ChunkSource {
  private readonly input: InputBytes;
  private readonly output = new OutputBytes();
  private bz: Bunzip | null = null;
  private finished = false;
  private produced = 0;

  constructor(
    source: Uint8Array | ChunkSource,
    readonly label = "bzip2 input",
    private readonly limit: DecompressLimit | null = null,
  ) {
    this.input = new InputBytes(source);
    if (limit !== null) this.output.max = limit.bytes;
  }

  /** decompressed bytes handed out so far */
  get decompressedOffset(): number {
    return this.produced;
  }

  get compressedOffset(): number {
    return this.input.offset;
  }

  next(): Uint8Array | null {
    if (this.finished) return null;
    try {
      return this.step();
    } catch (e) {
      this.finished = true;
      throw this.wrap(e);
    }
  }

  private step(): Uint8Array | null {
    for (;;) {
      if (this.bz === null) this.bz = new Bunzip(this.input, this.output);
      if (this.bz._init_block()) {
        this.bz._read_bunzip();
        const out = this.output.take();
        this.produced += out.length;
        if (this.limit !== null) {
          if (this.produced > this.limit.bytes) throw new LimitExceeded();
          this.output.max = this.limit.bytes - this.produced;
        }
        return out;
      }
      const stored = this.bz.reader.read(32) >>> 0;
      if (stored !== this.bz.streamCRC >>> 0) throw new FormatError(`${this.label}: bzip2 stream checksum mismatch; the file is corrupt`);
      if (this.input.eof()) {
        this.finished = true;
        return null;
      }
      // Another stream follows (multi-stream file); it must start with a new header.
      this.bz = null;
    }
  }

  private wrap(e: unknown): Error {
    if (e instanceof FormatError) return e;
    if (e instanceof LimitExceeded) {
      const l = this.limit!;
      return new FormatError(
        `${this.label}: bzip2 data decompresses to more than ${l.bytes} bytes, the most ${l.what} can hold; the file is corrupt or not what its name says`,
      );
    }
    if (e instanceof Truncated) {
      return new FormatError(`${this.label}: bzip2 data is truncated (ended after ${this.input.offset} compressed bytes)`);
    }
    if (e instanceof Error && (e instanceof TypeError || e instanceof RangeError)) {
      return new FormatError(`${this.label}: not valid bzip2 data (${e.message}) near compressed byte ${this.input.offset}`);
    }
    return e instanceof Error ? e : new Error(String(e));
  }
}

/** Decompresses a whole bzip2 buffer. */
export function bunzip2(data: Uint8Array, label?: string, limit: DecompressLimit | null = null): Uint8Array {
  const chunks = new Bunzip2Chunks(data, label, limit);
  const parts: Uint8Array[] = [];
  let total = 0;
  for (let c = chunks.next(); c !== null; c = chunks.next()) {
    parts.push(c);
    total += c.length;
  }
  if (parts.length === 1) return parts[0]!;
  return concatBytes(parts, total);
}
