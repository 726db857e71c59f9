import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { ChunkSource } from "./byte-reader.js";

/**
 * Reads a file (or a byte range of it) in fixed-size chunks with synchronous reads, so multi-GB inputs stream with
 * bounded memory. Each returned chunk is a fresh buffer (consumers may keep it). Closes the file at the end or on close().
 */
export class FileChunks implements ChunkSource {
  private fd: number | null;
  private pos: number;
  private readonly end: number;

  constructor(
    readonly path: string,
    opts: { start?: number; length?: number; chunkSize?: number } = {},
  ) {
    this.fd = openSync(path, "r");
    const size = fstatSync(this.fd).size;
    this.pos = opts.start ?? 0;
    this.end = opts.length === undefined ? size : Math.min(size, this.pos + opts.length);
    this.chunkSize = opts.chunkSize ?? 1 << 20;
  }

  private readonly chunkSize: number;

  /** bytes handed out so far, relative to the start (for progress bars) */
  get position(): number {
    return this.pos;
  }

  get total(): number {
    return this.end;
  }

  next(): Uint8Array | null {
    if (this.fd === null) return null;
    if (this.pos >= this.end) {
      this.close();
      return null;
    }
    const n = Math.min(this.chunkSize, this.end - this.pos);
    const buf = new Uint8Array(n);
    let got = 0;
    while (got < n) {
      const r = readSync(this.fd, buf, got, n - got, this.pos + got);
      if (r === 0) break;
      got += r;
    }
    this.pos += got;
    if (got === 0) {
      this.close();
      return null;
    }
    return got === n ? buf : buf.subarray(0, got);
  }

  close(): void {
    if (this.fd !== null) {
      closeSync(this.fd);
      this.fd = null;
    }
  }
}
