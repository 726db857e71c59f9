/**
 * IDX files (MNIST / Fashion-MNIST, optionally gzip-compressed): magic `0 0 type ndim`, ndim big-endian uint32 sizes,
 * then the data. Only unsigned bytes (type 0x08) occur in these datasets.
 */
import { Gunzip } from "fflate";
import { concatBytes } from "@aa-nas/core/formats/byte-reader.js";
import { DataFileError } from "./errors.js";

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const UBYTE = 0x08;
/** The largest IDX file of these datasets is MNIST's training images, 60000 × 28 × 28 = 47 MB; 4× that is refused. */
export const MAX_IDX_BYTES = 4 * 47_040_016;
/** gzip expands at most ~1032×: 16 KiB pieces keep one step's output near 16 MiB, checked before the next. */
const GUNZIP_PIECE = 1 << 14;

/** The size an IDX header declares (header included), or null while fewer than its bytes are known. */
function idxSize(head: Uint8Array): number | null {
  if (head.length < 4) return null;
  const header = 4 + 4 * head[3]!;
  if (head.length < header) return null;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let size = 1;
  for (let d = 0; d < head[3]!; d++) size *= view.getUint32(4 + 4 * d, false);
  return header + size;
}

/** Decompresses an IDX .gz no further than its header's size (and MAX_IDX_BYTES): a gzip bomb stops early. */
function gunzipIdx(raw: Uint8Array, file: string): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  let expected: number | null = null;
  let head = new Uint8Array(0);
  let ended = false;
  const g = new Gunzip((data, final) => {
    parts.push(data);
    total += data.length;
    if (final) ended = true;
    if (expected === null && head.length < 1024) {
      const h = new Uint8Array(Math.min(total, 1024));
      let o = 0;
      for (const p of parts) {
        if (o >= h.length) break;
        h.set(p.subarray(0, h.length - o), o);
        o += Math.min(p.length, h.length - o);
      }
      head = h;
      expected = idxSize(head);
    }
  });
  const limit = (): number => Math.min(expected ?? MAX_IDX_BYTES, MAX_IDX_BYTES);
  try {
    for (let at = 0; at < raw.length && !ended; at += GUNZIP_PIECE) {
      g.push(raw.subarray(at, at + GUNZIP_PIECE), at + GUNZIP_PIECE >= raw.length);
      if (expected !== null && expected > MAX_IDX_BYTES) {
        throw new DataFileError(`${file}: its IDX header declares ${expected} bytes, more than any dataset of this kind holds (${MAX_IDX_BYTES}); the file is corrupt`);
      }
      if (total > limit()) {
        throw new DataFileError(`${file} decompresses to more than the ${limit()} bytes its IDX header declares; the file is corrupt, download it again`);
      }
    }
  } catch (err) {
    if (err instanceof DataFileError) throw err;
    throw new DataFileError(`${file} is not a valid gzip file (${(err as Error).message}); it is truncated or corrupt, download it again`);
  }
  if (!ended) throw new DataFileError(`${file} is not a valid gzip file (unexpected end of data); it is truncated or corrupt, download it again`);
  return concatBytes(parts, total);
}

export function readIdx(raw: Uint8Array, file: string): IdxArray {
  const bytes = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipIdx(raw, file) : raw;
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) throw new DataFileError(`${file} is not an IDX file (bad magic number)`);
  if (bytes[2] !== UBYTE) throw new DataFileError(`${file} holds IDX type 0x${bytes[2]!.toString(16)}, only unsigned bytes (0x08) are supported`);
  const ndim = bytes[3]!;
  const header = 4 + 4 * ndim;
  if (bytes.length < header) throw new DataFileError(`${file} is truncated inside its IDX header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let d = 0; d < ndim; d++) dims.push(view.getUint32(4 + 4 * d, false));
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== header + size) {
    throw new DataFileError(`${file} should hold ${size} values for shape [${dims.join(", ")}] but has ${bytes.length - header} (truncated or corrupt)`);
  }
  return { dims, data: bytes.subarray(header) };
}

/** Encodes an IDX file (test fixtures). */
export function writeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  out[2] = UBYTE;
  out[3] = dims.length;
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
