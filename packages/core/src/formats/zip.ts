/**
 * Just enough of the zip container to read torch.save files without loading them whole: the central directory
 * (zip64 included, torch writes it for files over 4 GB) and entry contents as a chunk stream. Stored entries are read
 * straight from the file; deflated ones go through fflate's streaming Inflate.
 *
 *   ZipArchive.open(pathOrBytes, label) → archive;  archive.entries;  archive.find(suffix);
 *   archive.chunks(entry) → ChunkSource;  archive.read(entry) → Uint8Array;  archive.close()
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { Inflate } from "fflate";
import { concatBytes, type ChunkSource, type DecompressLimit } from "./byte-reader.js";
import { FormatError } from "./errors.js";

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

interface RandomAccess {
  size: number;
  read(offset: number, length: number): Uint8Array;
  close(): void;
}

function bufferAccess(bytes: Uint8Array): RandomAccess {
  return {
    size: bytes.length,
    read: (offset, length) => bytes.subarray(offset, Math.min(bytes.length, offset + length)),
    close: () => undefined,
  };
}

function fileAccess(path: string): RandomAccess {
  let fd: number | null = openSync(path, "r");
  const size = fstatSync(fd).size;
  return {
    size,
    read(offset, length) {
      if (fd === null) throw new Error(`${path} is closed`);
      const n = Math.max(0, Math.min(length, size - offset));
      const buf = new Uint8Array(n);
      let got = 0;
      while (got < n) {
        const r = readSync(fd, buf, got, n - got, offset + got);
        if (r === 0) break;
        got += r;
      }
      return buf.subarray(0, got);
    },
    close() {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}

const EOCD = 0x06054b50;
const EOCD64 = 0x06064b50;
const EOCD64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export class ZipArchive {
  private constructor(
    private readonly access: RandomAccess,
    readonly entries: readonly ZipEntry[],
    readonly label: string,
  ) {}

  static open(source: string | Uint8Array, label = typeof source === "string" ? source : "zip data"): ZipArchive {
    const access = typeof source === "string" ? fileAccess(source) : bufferAccess(source);
    try {
      return new ZipArchive(access, readDirectory(access, label), label);
    } catch (e) {
      access.close();
      throw e;
    }
  }

  find(suffix: string): ZipEntry | undefined {
    return this.entries.find((e) => e.name === suffix || e.name.endsWith("/" + suffix));
  }

  private dataOffset(e: ZipEntry): number {
    const h = this.access.read(e.localHeaderOffset, 30);
    const v = new DataView(h.buffer, h.byteOffset, h.byteLength);
    if (h.length < 30 || v.getUint32(0, true) !== LOCAL) throw new FormatError(`${this.label}: zip entry '${e.name}' has no local header`);
    const start = e.localHeaderOffset + 30 + v.getUint16(26, true) + v.getUint16(28, true);
    if (start + e.compressedSize > this.access.size) throw new FormatError(`${this.label}: zip entry '${e.name}' is truncated`);
    return start;
  }

  /**
   * Entry contents as a stream of chunks (bounded memory for any entry size). The contents must be exactly the size
   * the directory declares, and that size at most `limit`: a deflate bomb or an entry that holds more than it declares
   * is a FormatError as soon as the excess is produced.
   */
  chunks(e: ZipEntry, limit: DecompressLimit | null = null, chunkSize = 1 << 20): ChunkSource {
    if (limit !== null && e.size > limit.bytes) {
      throw new FormatError(`${this.label}: zip entry '${e.name}' declares ${e.size} bytes, more than the ${limit.bytes} that ${limit.what} can hold`);
    }
    const start = this.dataOffset(e);
    let pos = 0;
    const raw: ChunkSource = {
      next: () => {
        if (pos >= e.compressedSize) return null;
        const n = Math.min(chunkSize, e.compressedSize - pos);
        const c = this.access.read(start + pos, n);
        if (c.length !== n) throw new FormatError(`${this.label}: zip entry '${e.name}' is truncated`);
        pos += n;
        return c;
      },
    };
    if (e.method === 0) return sized(raw, e, this.label);
    if (e.method === 8) return sized(inflating(raw, `${this.label}:${e.name}`), e, this.label);
    throw new FormatError(`${this.label}: zip entry '${e.name}' uses compression method ${e.method}; only stored and deflate are supported`);
  }

  read(e: ZipEntry, limit: DecompressLimit | null = null): Uint8Array {
    const src = this.chunks(e, limit);
    const parts: Uint8Array[] = [];
    let total = 0;
    for (let c = src.next(); c !== null; c = src.next()) {
      parts.push(c);
      total += c.length;
    }
    if (total !== e.size) throw new FormatError(`${this.label}: zip entry '${e.name}' holds ${total} bytes, the directory says ${e.size}`);
    return concatBytes(parts, total);
  }

  close(): void {
    this.access.close();
  }
}

/** Holds a stream to the entry's declared size: more is refused when it appears, less when the stream ends. */
function sized(src: ChunkSource, e: ZipEntry, label: string): ChunkSource {
  let total = 0;
  return {
    next() {
      const c = src.next();
      if (c === null) {
        if (total !== e.size) throw new FormatError(`${label}: zip entry '${e.name}' holds ${total} bytes, the directory says ${e.size}`);
        return null;
      }
      total += c.length;
      if (total > e.size) throw new FormatError(`${label}: zip entry '${e.name}' holds more than the ${e.size} bytes the directory says; the file is corrupt`);
      return c;
    },
  };
}

/**
 * Deflate expands at most ~1032×, so compressed input goes in 16 KiB pieces: one piece then yields ≤ 16.5 MiB, and a
 * bomb is stopped by `sized` before the next piece, instead of a 1 MiB read inflating to a gigabyte at once.
 */
const INFLATE_PIECE = 1 << 14;

function inflating(raw: ChunkSource, label: string): ChunkSource {
  const queue: Uint8Array[] = [];
  let ended = false;
  let pending: Uint8Array | null = null;
  let at = 0;
  const inflater = new Inflate((data) => {
    if (data.length > 0) queue.push(data);
  });
  return {
    next() {
      while (queue.length === 0 && !ended) {
        if (pending === null || at >= pending.length) {
          pending = raw.next();
          at = 0;
        }
        const c = pending === null ? null : pending.subarray(at, at + INFLATE_PIECE);
        at += INFLATE_PIECE;
        try {
          if (c === null) {
            inflater.push(new Uint8Array(0), true);
            ended = true;
          } else inflater.push(c);
        } catch (e) {
          throw new FormatError(`${label}: corrupt deflate data (${e instanceof Error ? e.message : String(e)})`);
        }
      }
      return queue.shift() ?? null;
    },
  };
}

function readDirectory(access: RandomAccess, label: string): ZipEntry[] {
  const tailLen = Math.min(access.size, 65557);
  const tail = access.read(access.size - tailLen, tailLen);
  const tv = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tv.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new FormatError(`${label}: not a zip file, or truncated (no end-of-directory record)`);
  let count = tv.getUint16(eocd + 10, true);
  let dirSize = tv.getUint32(eocd + 12, true);
  let dirOffset = tv.getUint32(eocd + 16, true);
  if (count === 0xffff || dirOffset === 0xffffffff || dirSize === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || tv.getUint32(loc, true) !== EOCD64_LOCATOR) throw new FormatError(`${label}: zip64 directory locator missing`);
    const rec64 = u64(tv, loc + 8, label);
    const r = access.read(rec64, 56);
    const rv = new DataView(r.buffer, r.byteOffset, r.byteLength);
    if (r.length < 56 || rv.getUint32(0, true) !== EOCD64) throw new FormatError(`${label}: zip64 end-of-directory record missing`);
    count = u64(rv, 32, label);
    dirSize = u64(rv, 40, label);
    dirOffset = u64(rv, 48, label);
  }
  if (dirOffset + dirSize > access.size || count > dirSize / 46) throw new FormatError(`${label}: zip directory is truncated or corrupt`);
  const dir = access.read(dirOffset, dirSize);
  const dv = new DataView(dir.buffer, dir.byteOffset, dir.byteLength);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > dir.length || dv.getUint32(p, true) !== CENTRAL) throw new FormatError(`${label}: zip directory entry ${i} is corrupt`);
    const method = dv.getUint16(p + 10, true);
    let compressedSize = dv.getUint32(p + 20, true);
    let size = dv.getUint32(p + 24, true);
    const nameLen = dv.getUint16(p + 28, true);
    const extraLen = dv.getUint16(p + 30, true);
    const commentLen = dv.getUint16(p + 32, true);
    let localHeaderOffset = dv.getUint32(p + 42, true);
    if (p + 46 + nameLen + extraLen > dir.length) throw new FormatError(`${label}: zip directory entry ${i} is corrupt`);
    const name = new TextDecoder().decode(dir.subarray(p + 46, p + 46 + nameLen));
    // zip64 extra field: the 0xffffffff fields follow in order size, compressed size, offset.
    let q = p + 46 + nameLen;
    const extraEnd = q + extraLen;
    while (q + 4 <= extraEnd) {
      const id = dv.getUint16(q, true);
      const len = dv.getUint16(q + 2, true);
      if (id === 0x0001) {
        let f = q + 4;
        if (size === 0xffffffff) {
          size = u64(dv, f, label);
          f += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = u64(dv, f, label);
          f += 8;
        }
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = u64(dv, f, label);
      }
      q += 4 + len;
    }
    entries.push({ name, method, compressedSize, size, localHeaderOffset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

function u64(v: DataView, at: number, label: string): number {
  if (at + 8 > v.byteLength) throw new FormatError(`${label}: zip record is truncated`);
  const lo = v.getUint32(at, true);
  const hi = v.getUint32(at + 4, true);
  if (hi >= 0x200000) throw new FormatError(`${label}: zip offset out of range`);
  return hi * 0x100000000 + lo;
}
