/**
 * A strict, synchronous tar reader (ustar, GNU and pax, as `tar cf` and node-tar write them). Strict where lenient
 * readers skip: a header whose checksum does not match, an entry cut short, or an archive that ends without its
 * end-of-archive block is a FormatError naming the archive and the offset, so no entry is ever dropped silently
 * (GNU tar exits 2 on the same files). Entry data is read only for entries the caller selects, and only up to the size
 * the caller allows, so memory stays bounded by one accepted entry.
 *
 *   readTar(path, { select(name, size) → limit | null, onEntry(name, bytes) })
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { DecompressLimit } from "./byte-reader.js";
import { FormatError } from "./errors.js";

const BLOCK = 512;

export interface TarReadOptions {
  /** whether to read a regular-file entry: the most bytes it may hold (larger is a FormatError), or null to skip it */
  select(name: string, size: number): DecompressLimit | null;
  onEntry(name: string, bytes: Uint8Array): void;
}

function cstring(b: Uint8Array, at: number, len: number): string {
  let end = at;
  while (end < at + len && b[end] !== 0) end++;
  return new TextDecoder().decode(b.subarray(at, end));
}

/** An octal numeric field, or GNU's base-256 form (high bit set) for sizes ≥ 8 GiB; null when malformed. */
function numeric(b: Uint8Array, at: number, len: number): number | null {
  if ((b[at]! & 0x80) !== 0) {
    let v = b[at]! & 0x7f;
    for (let i = 1; i < len; i++) v = v * 256 + b[at + i]!;
    return Number.isSafeInteger(v) ? v : null;
  }
  const s = cstring(b, at, len).trim();
  if (s === "") return 0;
  return /^[0-7]+$/.test(s) ? parseInt(s, 8) : null;
}

function checksumOk(h: Uint8Array): boolean {
  const stored = numeric(h, 148, 8);
  if (stored === null) return false;
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const c = i >= 148 && i < 156 ? 0x20 : h[i]!;
    unsigned += c;
    signed += c >= 128 ? c - 256 : c;
  }
  return stored === unsigned || stored === signed;
}

/** `path=` of a pax extended header, if any. */
function paxPath(data: Uint8Array): string | null {
  const text = new TextDecoder().decode(data);
  let at = 0;
  let path: string | null = null;
  while (at < text.length) {
    const sp = text.indexOf(" ", at);
    const len = Number(text.slice(at, sp));
    if (sp < 0 || !Number.isInteger(len) || len <= 0) break;
    const rec = text.slice(sp + 1, at + len - 1);
    if (rec.startsWith("path=")) path = rec.slice(5);
    at += len;
  }
  return path;
}

/** Metadata entries (long names, pax headers) are small; a larger one is corruption, not a name. */
const MAX_META_ENTRY = 1 << 20;

export function readTar(path: string, opts: TarReadOptions): void {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const read = (at: number, n: number, what: string): Uint8Array => {
      const buf = new Uint8Array(n);
      let got = 0;
      while (got < n) {
        const r = readSync(fd, buf, got, n - got, at + got);
        if (r === 0) break;
        got += r;
      }
      if (got !== n) throw new FormatError(`${path}: tar archive is truncated inside ${what} (at byte ${at + got} of ${size})`);
      return buf;
    };
    let at = 0;
    let longName: string | null = null;
    for (;;) {
      if (at + BLOCK > size) {
        throw new FormatError(
          at === size
            ? `${path}: tar archive ends without its end-of-archive block (truncated after byte ${at})`
            : `${path}: tar archive is truncated inside a header (at byte ${at} of ${size})`,
        );
      }
      const h = read(at, BLOCK, "a header");
      if (h.every((b) => b === 0)) return;
      if (!checksumOk(h)) throw new FormatError(`${path}: tar header at byte ${at} is corrupt (checksum mismatch); the archive is damaged`);
      const entrySize = numeric(h, 124, 12);
      if (entrySize === null) throw new FormatError(`${path}: tar header at byte ${at} has a malformed size field`);
      const type = String.fromCharCode(h[156]!);
      const dataAt = at + BLOCK;
      const next = dataAt + Math.ceil(entrySize / BLOCK) * BLOCK;
      if (dataAt + entrySize > size) throw new FormatError(`${path}: tar entry at byte ${at} is truncated (it declares ${entrySize} bytes, the file ends first)`);
      const ustar = cstring(h, 257, 6) === "ustar";
      const prefix = ustar ? cstring(h, 345, 155) : "";
      const name = longName ?? (prefix !== "" ? `${prefix}/${cstring(h, 0, 100)}` : cstring(h, 0, 100));
      if (type === "L" || type === "x") {
        if (entrySize > MAX_META_ENTRY) throw new FormatError(`${path}: tar metadata entry at byte ${at} declares ${entrySize} bytes; the archive is damaged`);
        const data = read(dataAt, entrySize, "a metadata entry");
        longName = type === "L" ? cstring(data, 0, data.length) : (paxPath(data) ?? longName);
      } else {
        longName = null;
        if (type === "0" || type === "\0" || type === "7") {
          const limit = opts.select(name, entrySize);
          if (limit !== null) {
            if (entrySize > limit.bytes) {
              throw new FormatError(`${path}: tar entry '${name}' holds ${entrySize} bytes, more than the ${limit.bytes} that ${limit.what} can hold`);
            }
            opts.onEntry(name, read(dataAt, entrySize, `entry '${name}'`));
          }
        }
      }
      at = next;
    }
  } finally {
    closeSync(fd);
  }
}
