// The safetensors format (https://github.com/huggingface/safetensors): 8-byte little-endian header length,
// a JSON header {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}},
// padded with spaces to a multiple of 8, then the raw little-endian tensor bytes. Python reads it with
// `safetensors.torch.load_file`.
import { readFileSync } from "node:fs";
import { writeFileAtomic } from "../../atomic-file.js";
import { endianness } from "node:os";
import { UserError } from "../../errors.js";
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

/** Serialises tensors (float16/bfloat16 are stored as F32). Values are copied to the CPU. */
export function encodeSafetensors(tensors: ReadonlyMap<string, Tensor>, metadata: Record<string, string> = {}): Buffer {
  const header: Record<string, HeaderEntry | Record<string, string>> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    const fileDtype = FILE_DTYPES[t.dtype];
    const data = fileDtype ? t.toArray() : t.toFloat32Array();
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    header[name] = { dtype: fileDtype ?? "F32", shape: [...t.shape], data_offsets: [offset, offset + bytes.byteLength] };
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
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
}

/** Parses a safetensors buffer into CPU tensors (created in the current scope). */
export function decodeSafetensors(buf: Uint8Array, source = "safetensors data"): SafetensorsContent {
  const bad = (why: string): never => {
    throw new UserError(`${source} is not a valid safetensors file: ${why}`);
  };
  if (buf.byteLength < 8) bad("shorter than its 8-byte header length");
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (8 + headerLen > buf.byteLength) bad(`header length ${headerLen} exceeds the file size`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(buf.buffer, buf.byteOffset + 8, headerLen).toString("utf8")) as Record<string, unknown>;
  } catch {
    return bad("header is not JSON");
  }
  const dataStart = 8 + headerLen;
  const tensors = new Map<string, Tensor>();
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  for (const [name, raw] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const e = raw as HeaderEntry;
    const kind = FROM_FILE[e.dtype];
    if (!kind) bad(`tensor '${name}' has unsupported dtype ${e.dtype} (supported: ${Object.keys(FROM_FILE).join(", ")})`);
    const k = kind as (typeof FROM_FILE)[string];
    const [begin, end] = e.data_offsets;
    const count = e.shape.reduce((a, b) => a * b, 1);
    if (end - begin !== count * k.bytes || dataStart + end > buf.byteLength) bad(`tensor '${name}' has inconsistent offsets`);
    // Copy into a fresh (aligned) buffer: offsets after a u8 tensor need not be aligned for the typed array.
    const bytes = new Uint8Array(buf.buffer, buf.byteOffset + dataStart + begin, end - begin).slice();
    tensors.set(name, tensor(k.make(bytes.buffer), e.shape, { dtype: k.dtype }));
  }
  return { tensors, metadata };
}

/** Writes atomically (temp file + rename), so an interrupted save never leaves a truncated checkpoint. */
export function saveSafetensors(path: string, tensors: ReadonlyMap<string, Tensor>, metadata: Record<string, string> = {}): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

export function loadSafetensors(path: string): SafetensorsContent {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    throw new UserError(`cannot read checkpoint ${path}: ${(err as Error).message}`);
  }
  return decodeSafetensors(buf, path);
}
