// The safetensors format (https://github.com/huggingface/safetensors): 8-byte little-endian header length,
// a JSON header {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}},
// padded with spaces to a multiple of 8, then the raw little-endian tensor bytes. Python reads it with
// `safetensors.torch.load_file`.
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { writeFileAtomic } from "@aa-nas/core/atomic-file.js";
import { endianness } from "node:os";
import { showBytes, showInput, UserError } from "@aa-nas/core/errors.js";
import { tensor } from "../creation.js";
import type { DType } from "../dtype.js";
import type { TypedData } from "../native.js";
import type { Tensor } from "../tensor.js";

const FILE_DTYPES: Partial<Record<DType, string>> = {
  float32: "F32",
  float64: "F64",
  int32: "I32",
  int64: "I64",
  uint8: "U8",
  bool: "BOOL",
};
const FROM_FILE: Record<string, { dtype: DType; bytes: number; make: (b: ArrayBuffer) => TypedData }> = {
  F32: { dtype: "float32", bytes: 4, make: (b) => new Float32Array(b) },
  F64: { dtype: "float64", bytes: 8, make: (b) => new Float64Array(b) },
  I32: { dtype: "int32", bytes: 4, make: (b) => new Int32Array(b) },
  I64: { dtype: "int64", bytes: 8, make: (b) => new BigInt64Array(b) },
  U8: { dtype: "uint8", bytes: 1, make: (b) => new Uint8Array(b) },
  BOOL: { dtype: "bool", bytes: 1, make: (b) => new Uint8Array(b) },
};

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

if (endianness() !== "LE") throw new Error("safetensors I/O assumes a little-endian machine");

/**
 * Metadata key holding the SHA-256 of the tensor bytes (everything after the header), for files written with
 * `checksum: true`. The format itself has no checksum, so without it a flipped bit in a weight loads silently.
 */
export const TENSORS_SHA256_KEY = "aa_nas.tensors_sha256";

export interface EncodeOptions {
  /** store TENSORS_SHA256_KEY in the metadata (verified on every load) */
  checksum?: boolean;
}

/** Serialises tensors (float16/bfloat16 are stored as F32). Values are copied to the CPU. */
export function encodeSafetensors(tensors: ReadonlyMap<string, Tensor>, metadata: Record<string, string> = {}, options: EncodeOptions = {}): Buffer {
  const header: Record<string, HeaderEntry | Record<string, string>> = {};
  const chunks: Uint8Array[] = [];
  const entries: [string, HeaderEntry][] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    const fileDtype = FILE_DTYPES[t.dtype];
    const data = fileDtype ? t.toArray() : t.toFloat32Array();
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    entries.push([name, { dtype: fileDtype ?? "F32", shape: [...t.shape], data_offsets: [offset, offset + bytes.byteLength] }]);
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
  const meta = { ...metadata };
  if (options.checksum) {
    const hash = createHash("sha256");
    for (const c of chunks) hash.update(c);
    meta[TENSORS_SHA256_KEY] = hash.digest("hex");
  }
  if (Object.keys(meta).length > 0) header.__metadata__ = meta;
  for (const [name, e] of entries) header[name] = e;
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const headerBytes = Buffer.from(json, "utf8");
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(headerBytes.byteLength));
  return Buffer.concat([prefix, headerBytes, ...chunks]);
}

export interface SafetensorsContent {
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
  /** `verified`: the tensor bytes match the file's TENSORS_SHA256_KEY; `absent`: the file carries none (older files) */
  checksum: "verified" | "absent";
}

/** A file that is not valid safetensors: one line naming the file and what is wrong. */
export class SafetensorsError extends UserError {}

/** The safetensors reference implementation refuses headers above 100 MB; ours are a few KB. */
const MAX_HEADER_BYTES = 100_000_000;
/** Largest dimension accepted: far above any tensor a file this program reads can hold, well inside exact doubles. */
const MAX_DIM = 2 ** 32;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isIndex = (v: unknown, max: number): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0 && v <= max;

/**
 * Parses a safetensors buffer into CPU tensors (created in the current scope). Every header field is checked before
 * anything is allocated: each allocation is bounded by the file's own size.
 */
export function decodeSafetensors(buf: Uint8Array, source = "safetensors data"): SafetensorsContent {
  const where = showInput(source, 200);
  const bad = (why: string): never => {
    throw new SafetensorsError(`${where} is not a valid safetensors file: ${why}`);
  };
  if (buf.byteLength < 8) bad(`${buf.byteLength} bytes, shorter than its 8-byte header length`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const headerLen = view.getBigUint64(0, true);
  if (headerLen > BigInt(Math.min(MAX_HEADER_BYTES, buf.byteLength - 8))) {
    bad(`header length ${headerLen} exceeds the file size (${buf.byteLength} bytes) or the ${MAX_HEADER_BYTES}-byte limit`);
  }
  const dataStart = 8 + Number(headerLen);
  const dataLen = buf.byteLength - dataStart;
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(buf.buffer, buf.byteOffset + 8, Number(headerLen)).toString("utf8"));
  } catch {
    return bad(`its ${headerLen}-byte header is not JSON (starts ${showBytes(buf.subarray(8, 8 + Number(headerLen)))})`);
  }
  if (!isRecord(header)) return bad("its header is not a JSON object");
  const rawMeta = header.__metadata__ ?? {};
  if (!isRecord(rawMeta) || !Object.values(rawMeta).every((v) => typeof v === "string")) bad("__metadata__ is not an object of strings");
  const metadata = rawMeta as Record<string, string>;
  const layout: { name: string; kind: (typeof FROM_FILE)[string]; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const what = `tensor '${showInput(name)}'`;
    if (!isRecord(raw)) return bad(`${what} is ${raw === null ? "null" : typeof raw}, expected {dtype, shape, data_offsets}`);
    const kind = typeof raw.dtype === "string" ? FROM_FILE[raw.dtype] : undefined;
    if (kind === undefined) return bad(`${what} has unsupported dtype ${showInput(JSON.stringify(raw.dtype) ?? "(none)", 40)} (supported: ${Object.keys(FROM_FILE).join(", ")})`);
    const shape = raw.shape;
    if (!Array.isArray(shape) || shape.length > 8 || !shape.every((d) => isIndex(d, MAX_DIM))) {
      return bad(`${what} has shape ${showInput(JSON.stringify(shape) ?? "(none)", 60)}, expected a list of at most 8 integers 0..${MAX_DIM}`);
    }
    const offsets = raw.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => isIndex(o, dataLen)) || (offsets[0] as number) > (offsets[1] as number)) {
      return bad(`${what} has data_offsets ${showInput(JSON.stringify(offsets) ?? "(none)", 60)}, expected [begin, end] with 0 <= begin <= end <= ${dataLen} (the data size)`);
    }
    const [begin, end] = offsets as [number, number];
    // the product of dims is exact while it stays below the data size; stop as soon as it passes it
    let count = 1;
    for (const d of shape as number[]) count = Math.min(count * d, Number.MAX_SAFE_INTEGER);
    if (count * kind.bytes !== end - begin) {
      return bad(`${what} of shape [${(shape as number[]).join(", ")}] needs ${count * kind.bytes} bytes, its data_offsets span ${end - begin}`);
    }
    layout.push({ name, kind, shape: shape as number[], begin, end });
  }
  const expected = metadata[TENSORS_SHA256_KEY];
  if (expected !== undefined) {
    const actual = createHash("sha256").update(buf.subarray(dataStart)).digest("hex");
    if (actual !== expected) {
      bad(`its tensor bytes do not match the SHA-256 in its metadata (stored ${showInput(expected, 64)}, computed ${actual}): the file is corrupt, train or copy it again`);
    }
  }
  const tensors = new Map<string, Tensor>();
  for (const { name, kind, shape, begin, end } of layout) {
    // Copy into a fresh (aligned) buffer: offsets after a u8 tensor need not be aligned for the typed array.
    const bytes = new Uint8Array(buf.buffer, buf.byteOffset + dataStart + begin, end - begin).slice();
    tensors.set(name, tensor(kind.make(bytes.buffer), shape, { dtype: kind.dtype }));
  }
  return { tensors, metadata, checksum: expected === undefined ? "absent" : "verified" };
}

/** Writes atomically (temp file + rename), so an interrupted save never leaves a truncated checkpoint. */
export function saveSafetensors(path: string, tensors: ReadonlyMap<string, Tensor>, metadata: Record<string, string> = {}, options: EncodeOptions = {}): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata, options));
}

/** 2 GiB: twice the largest network NETWORK_LIMITS allows (2^27 values as F64) and below Node's buffer limit. */
const MAX_FILE_BYTES = 2 ** 31;

export function loadSafetensors(path: string): SafetensorsContent {
  let buf: Buffer;
  try {
    // a file past the bound is refused before it is read: Node cannot hold it in one buffer, and none of ours is close
    const size = statSync(path).size;
    if (size > MAX_FILE_BYTES) throw new Error(`${size} bytes, above the ${MAX_FILE_BYTES}-byte limit for a checkpoint`);
    buf = readFileSync(path);
  } catch (err) {
    throw new UserError(`cannot read checkpoint ${showInput(path, 200)}: ${(err as Error).message}`);
  }
  return decodeSafetensors(buf, path);
}
