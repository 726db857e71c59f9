/**
 * torch.save files, both layouts, without torch: the zip container (torch ≥ 1.6: `<name>/data.pkl` + `<name>/data/<key>`
 * storages) and the legacy stream (magic, protocol 1001, sys_info, the object, the storage key list, then raw storages).
 * The object pickle goes through the safe reader; storages arrive through persistent ids.
 *
 *   readTorch(pathOrBytes, opts?) → PyValue
 *     opts.loadTensorData  fill TorchStorage.data (default false: benchmark importers only need the metrics)
 *     opts.stream          forwarded to the unpickler (stream `arch2infos` entries of a multi-GB file)
 *     opts.onProgress      (bytesRead, totalBytes) as the object pickle is consumed
 */
import { ByteReader, type ChunkSource, type DecompressLimit } from "./byte-reader.js";
import { FormatError } from "./errors.js";
import { FileChunks } from "./file-chunks.js";
import { arrayFromBytes } from "./numpy.js";
import { type StreamSpec, TORCH_STORAGE_DTYPES, Unpickler } from "./pickle.js";
import { NumpyDtype, type NumericArray, PyGlobal, PyTuple, type PyValue, TorchStorage } from "./pyvalue.js";
import { ZipArchive } from "./zip.js";

export interface TorchReadOptions {
  label?: string;
  loadTensorData?: boolean;
  stream?: StreamSpec;
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** most bytes the object pickle (zip layout: any entry read) may decompress to */
  limit?: DecompressLimit;
  /** largest single string or bytes object the object pickle may hold (see ByteReaderOptions) */
  maxItemBytes?: number;
}

const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
const LEGACY_PROTOCOL = 1001;

const ELEMENT: Readonly<Record<string, { size: number; numpy: string | null }>> = {
  float64: { size: 8, numpy: "f8" },
  float32: { size: 4, numpy: "f4" },
  float16: { size: 2, numpy: "f2" },
  bfloat16: { size: 2, numpy: null },
  int64: { size: 8, numpy: "i8" },
  int32: { size: 4, numpy: "i4" },
  int16: { size: 2, numpy: "i2" },
  int8: { size: 1, numpy: "i1" },
  uint8: { size: 1, numpy: "u1" },
  bool: { size: 1, numpy: "u1" },
};

function storageData(dtype: string, raw: Uint8Array, label: string): NumericArray {
  const el = ELEMENT[dtype];
  if (el === undefined || raw.length % el.size !== 0) throw new FormatError(`${label}: storage of ${dtype} has ${raw.length} bytes`);
  const n = raw.length / el.size;
  if (el.numpy === null) {
    // bfloat16: the upper half of a float32
    const out = new Float32Array(n);
    const u = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i++) u[i] = (raw[2 * i]! | (raw[2 * i + 1]! << 8)) << 16;
    return out;
  }
  const d = new NumpyDtype(el.numpy, "<");
  return arrayFromBytes(d, [n], raw, false).data;
}

/** Persistent-id resolver shared by both layouts: ('storage', StorageClass, key, location, numel[, view_metadata]). */
function storageResolver(label: string): { resolve: (pid: PyValue) => PyValue; storages: Map<string, TorchStorage> } {
  const storages = new Map<string, TorchStorage>();
  const resolve = (pid: PyValue): PyValue => {
    if (!(pid instanceof PyTuple) || pid.at(0) !== "storage" || pid.length < 5) {
      throw new FormatError(`${label}: unsupported torch persistent id (expected a ('storage', …) tuple)`);
    }
    const [, cls, key, location, numel] = pid.items;
    if (!(cls instanceof PyGlobal) || typeof key !== "string" || typeof location !== "string" || typeof numel !== "number") {
      throw new FormatError(`${label}: malformed torch storage reference`);
    }
    const dtype = TORCH_STORAGE_DTYPES[cls.name.replace(/^torch\./, "")];
    if (dtype === undefined) throw new FormatError(`${label}: unknown torch storage type ${cls.name}`);
    let s = storages.get(key);
    if (s === undefined) {
      s = new TorchStorage(key, dtype, numel, location);
      storages.set(key, s);
    }
    return s;
  };
  return { resolve, storages };
}

function withProgress(src: ChunkSource, total: number, cb: TorchReadOptions["onProgress"]): ChunkSource {
  if (cb === undefined) return src;
  let read = 0;
  return {
    next() {
      const c = src.next();
      if (c !== null) read += c.length;
      cb(read, total);
      return c;
    },
  };
}

function headBytes(source: string | Uint8Array): Uint8Array {
  if (typeof source !== "string") return source.subarray(0, 4);
  const head = new FileChunks(source, { length: 4 });
  const c = head.next() ?? new Uint8Array(0);
  head.close();
  return c;
}

export function readTorch(source: string | Uint8Array, opts: TorchReadOptions = {}): PyValue {
  const label = opts.label ?? (typeof source === "string" ? source : "torch data");
  const head = headBytes(source);
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
    return readZipLayout(source, label, opts);
  }
  if (head.length >= 2 && head[0] === 0x80 && head[1]! <= 5) return readLegacyLayout(source, label, opts);
  throw new FormatError(`${label}: not a torch.save file (neither a zip container nor a legacy pickle stream)`);
}

function readZipLayout(source: string | Uint8Array, label: string, opts: TorchReadOptions): PyValue {
  const zip = ZipArchive.open(source, label);
  try {
    const pkl = zip.entries.find((e) => e.name.endsWith("/data.pkl") || e.name === "data.pkl");
    if (pkl === undefined) throw new FormatError(`${label}: zip file without a data.pkl entry; not a torch.save file`);
    const prefix = pkl.name.slice(0, pkl.name.length - "data.pkl".length);
    const { resolve, storages } = storageResolver(label);
    const reader = new ByteReader(withProgress(zip.chunks(pkl, opts.limit ?? null), pkl.compressedSize, opts.onProgress), { label: `${label}:${pkl.name}`, maxItemBytes: opts.maxItemBytes });
    const value = new Unpickler(reader, { label, persistentLoad: resolve, stream: opts.stream }).load();
    if (opts.loadTensorData === true) {
      for (const s of storages.values()) {
        const e = zip.find(`${prefix}data/${s.key}`) ?? zip.entries.find((x) => x.name === `${prefix}data/${s.key}`);
        if (e === undefined) throw new FormatError(`${label}: storage '${s.key}' is missing from the zip container`);
        s.data = storageData(s.dtype, zip.read(e, opts.limit ?? null), label);
      }
    }
    return value;
  } finally {
    zip.close();
  }
}

function readLegacyLayout(source: string | Uint8Array, label: string, opts: TorchReadOptions): PyValue {
  const file = typeof source === "string" ? new FileChunks(source) : null;
  const total = file?.total ?? (source as Uint8Array).length;
  const reader = new ByteReader(file !== null ? withProgress(file, total, opts.onProgress) : (source as Uint8Array), { label, maxItemBytes: opts.maxItemBytes });
  try {
    const magic = new Unpickler(reader, { label }).load();
    if (magic !== LEGACY_MAGIC) throw new FormatError(`${label}: not a torch.save file (legacy magic number missing)`);
    const protocol = new Unpickler(reader, { label }).load();
    if (protocol !== LEGACY_PROTOCOL) throw new FormatError(`${label}: unsupported legacy torch.save protocol ${String(protocol)}`);
    new Unpickler(reader, { label }).load(); // sys_info: endianness and type sizes, little-endian assumed
    const { resolve, storages } = storageResolver(label);
    const value = new Unpickler(reader, { label, persistentLoad: resolve, stream: opts.stream }).load();
    if (opts.loadTensorData === true) {
      const keys = new Unpickler(reader, { label }).load();
      if (!Array.isArray(keys) || !keys.every((k) => typeof k === "string")) throw new FormatError(`${label}: bad storage key list`);
      for (const key of keys as string[]) {
        const s = storages.get(key);
        const numel = reader.u64();
        if (s === undefined) throw new FormatError(`${label}: storage '${key}' is not referenced by the object`);
        const size = ELEMENT[s.dtype]?.size ?? 1;
        s.data = storageData(s.dtype, reader.bytes(numel * size), label);
      }
    }
    return value;
  } finally {
    file?.close();
  }
}

/**
 * `torch.storage._load_from_bytes(bytes)`, for the Unpickler's `storageFromBytes` option: a storage that plain `pickle`
 * wrote as the bytes of its own torch.save stream. The metadata (dtype, element count) is read; the element data only
 * with `loadTensorData`. Anything but one storage in those bytes is a FormatError.
 */
export function storageFromBytes(bytes: Uint8Array, label: string, opts: Pick<TorchReadOptions, "loadTensorData"> = {}): TorchStorage {
  const value = readTorch(bytes, { label: `${label} (embedded tensor storage)`, loadTensorData: opts.loadTensorData });
  if (!(value instanceof TorchStorage)) throw new FormatError(`${label}: torch.storage._load_from_bytes holds a ${value === null ? "None" : typeof value}, not a storage`);
  return value;
}
