/**
 * numpy objects as pickles describe them: dtype strings, scalars from raw bytes, and ndarrays rebuilt from their
 * `__setstate__` tuple. Only numeric and bool dtypes are decoded; anything else is refused with a FormatError.
 */
import { NdArray, type NumericArray, NumpyDtype } from "./pyvalue.js";

interface DtypeInfo {
  /** canonical numpy name, e.g. 'float64' */
  name: string;
  size: number;
  read(view: DataView, offset: number, little: boolean): number | bigint | boolean;
  make(n: number): NumericArray;
}

const INFO: Record<string, DtypeInfo> = {
  f8: { name: "float64", size: 8, read: (v, o, l) => v.getFloat64(o, l), make: (n) => new Float64Array(n) },
  f4: { name: "float32", size: 4, read: (v, o, l) => v.getFloat32(o, l), make: (n) => new Float32Array(n) },
  f2: { name: "float16", size: 2, read: (v, o, l) => halfToFloat(v.getUint16(o, l)), make: (n) => new Float32Array(n) },
  i1: { name: "int8", size: 1, read: (v, o) => v.getInt8(o), make: (n) => new Int8Array(n) },
  i2: { name: "int16", size: 2, read: (v, o, l) => v.getInt16(o, l), make: (n) => new Int16Array(n) },
  i4: { name: "int32", size: 4, read: (v, o, l) => v.getInt32(o, l), make: (n) => new Int32Array(n) },
  i8: { name: "int64", size: 8, read: (v, o, l) => v.getBigInt64(o, l), make: (n) => new BigInt64Array(n) },
  u1: { name: "uint8", size: 1, read: (v, o) => v.getUint8(o), make: (n) => new Uint8Array(n) },
  u2: { name: "uint16", size: 2, read: (v, o, l) => v.getUint16(o, l), make: (n) => new Uint16Array(n) },
  u4: { name: "uint32", size: 4, read: (v, o, l) => v.getUint32(o, l), make: (n) => new Uint32Array(n) },
  u8: { name: "uint64", size: 8, read: (v, o, l) => v.getBigUint64(o, l), make: (n) => new BigUint64Array(n) },
  b1: { name: "bool", size: 1, read: (v, o) => v.getUint8(o) !== 0, make: (n) => new Uint8Array(n) },
};

/** Thrown for a dtype or array layout this reader does not decode; the unpickler turns it into a FormatError. */
export class NumpyFormatError extends Error {}

function dtypeInfo(d: NumpyDtype): DtypeInfo {
  const info = INFO[d.name];
  if (info === undefined) {
    throw new NumpyFormatError(`numpy dtype '${d.name}' is not supported (supported: ${Object.keys(INFO).join(", ")})`);
  }
  return info;
}

function isLittle(d: NumpyDtype): boolean {
  return d.byteorder !== ">";
}

/** `numpy.dtype(obj, align, copy)`: pickles pass the type string, e.g. 'f8'. */
export function makeDtype(name: unknown): NumpyDtype {
  if (typeof name !== "string" || name.length > 16) throw new NumpyFormatError("numpy.dtype expects a short type string");
  return new NumpyDtype(name);
}

/** `dtype.__setstate__((version, byteorder, subdescr, names, fields, elsize, alignment, flags[, metadata]))` */
export function setDtypeState(d: NumpyDtype, state: readonly unknown[]): void {
  const byteorder = state[1];
  if (typeof byteorder !== "string" || !["<", ">", "|", "="].includes(byteorder)) {
    throw new NumpyFormatError("numpy dtype state has no valid byte order");
  }
  if ((state[3] ?? null) !== null || (state[4] ?? null) !== null) {
    throw new NumpyFormatError("structured numpy dtypes (with named fields) are not supported");
  }
  d.byteorder = byteorder;
}

/** `numpy.core.multiarray.scalar(dtype, raw)`: one element decoded from its raw bytes. */
export function numpyScalar(d: NumpyDtype, raw: Uint8Array): number | bigint | boolean {
  const info = dtypeInfo(d);
  if (raw.length !== info.size) {
    throw new NumpyFormatError(`numpy ${info.name} scalar needs ${info.size} bytes, got ${raw.length}`);
  }
  const v = info.read(new DataView(raw.buffer, raw.byteOffset, raw.byteLength), 0, isLittle(d));
  if (typeof v === "bigint" && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
  return v;
}

const MAX_ELEMENTS = 1 << 30;

function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) {
    if (!Number.isSafeInteger(s) || s < 0) throw new NumpyFormatError(`invalid array dimension ${s}`);
    n *= s;
    if (n > MAX_ELEMENTS) throw new NumpyFormatError("array has more elements than this reader accepts");
  }
  return n;
}

/** Decodes `raw` (C or Fortran order) into a C-order NdArray. */
export function arrayFromBytes(d: NumpyDtype, shape: number[], raw: Uint8Array, fortranOrder: boolean): NdArray {
  const info = dtypeInfo(d);
  const n = elementCount(shape);
  if (raw.length !== n * info.size) {
    throw new NumpyFormatError(`numpy array of shape (${shape.join(", ")}) ${info.name} needs ${n * info.size} bytes, got ${raw.length}`);
  }
  const out = info.make(n);
  const little = isLittle(d);
  if (info.name !== "float16" && info.name !== "bool" && little) {
    // Fast path: byte copy into a fresh, aligned buffer.
    new Uint8Array(out.buffer).set(raw);
  } else {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < n; i++) {
      const v = info.read(view, i * info.size, little);
      (out as unknown as { [i: number]: number | bigint })[i] = typeof v === "boolean" ? (v ? 1 : 0) : v;
    }
  }
  const data = fortranOrder && shape.length > 1 ? fortranToC(out, shape) : out;
  return new NdArray(info.name, shape, data, false);
}

function fortranToC(src: NumericArray, shape: readonly number[]): NumericArray {
  const n = src.length;
  const dst = new (src.constructor as new (n: number) => NumericArray)(n);
  const dims = shape.length;
  const idx = new Array<number>(dims).fill(0);
  const fStride = new Array<number>(dims);
  let s = 1;
  for (let d = 0; d < dims; d++) {
    fStride[d] = s;
    s *= shape[d]!;
  }
  const out = dst as unknown as { [i: number]: number | bigint };
  const inp = src as unknown as { [i: number]: number | bigint };
  for (let c = 0; c < n; c++) {
    let f = 0;
    for (let d = 0; d < dims; d++) f += idx[d]! * fStride[d]!;
    out[c] = inp[f]!;
    for (let d = dims - 1; d >= 0; d--) {
      idx[d]!++;
      if (idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return dst;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}
