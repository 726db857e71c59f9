/**
 * IDX files (MNIST / Fashion-MNIST, optionally gzip-compressed): magic `0 0 type ndim`, ndim big-endian uint32 sizes,
 * then the data. Only unsigned bytes (type 0x08) occur in these datasets.
 */
import { gunzipSync } from "node:zlib";
import { DataFileError } from "./errors.js";

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const UBYTE = 0x08;

export function readIdx(raw: Uint8Array, file: string): IdxArray {
  let bytes = raw;
  if (raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      bytes = new Uint8Array(gunzipSync(raw));
    } catch (err) {
      throw new DataFileError(`${file} is not a valid gzip file (${(err as Error).message}); it is truncated or corrupt, download it again`);
    }
  }
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
