/**
 * Safe pickle reader (protocols 0–5) for benchmark records, numpy arrays, CIFAR / ImageNet16 batches and torch.save
 * payloads. It never executes code: GLOBAL / STACK_GLOBAL / INST / OBJ may only name the allow-listed callables below,
 * each implemented here in TypeScript; any other name raises ForbiddenGlobalError at the opcode that names it.
 *
 * API
 *   unpickle(input, opts?) → PyValue        input: Uint8Array | ChunkSource | ByteReader (reads one pickle, up to STOP)
 *   new Unpickler(reader, opts).load()       several consecutive pickles from one ByteReader (legacy torch.save)
 *   opts.label          name used in error messages (e.g. the file path)
 *   opts.encoding       how Python 2 `str` opcodes decode: 'ascii-or-bytes' (default: ASCII text becomes a string,
 *                       anything else stays bytes; Python's own default 'ascii' would raise there), 'ascii' (strict),
 *                       'latin1', 'utf8', 'bytes'. CIFAR-10/100 python batches are Python 2 pickles: with the default
 *                       their keys are strings and `data` a uint8 ndarray.
 *   opts.persistentLoad resolves PERSID / BINPERSID ids (torch.save storages); without it they are an error
 *   opts.buffers        out-of-band buffers for protocol-5 NEXT_BUFFER
 *   opts.stream         { key, onEntry }: entries of the dict stored under string key `key` are handed to onEntry
 *                       as soon as each is complete and then dropped (with the memo entries they created), so a
 *                       multi-GB benchmark file is read with bounded memory. Assumes the entry keys are ints and the
 *                       values are dicts keyed by strings (the NATS / NAS-Bench-201 `arch2infos` layout).
 * Values are modelled in ./pyvalue.ts (dicts keep insertion order and tuple keys; ndarrays are typed arrays).
 * Every malformed input (truncated, bad opcode, stack misuse, unsupported dtype) ends in one FormatError.
 */
import { ByteReader, type ChunkSource } from "./byte-reader.js";
import { ForbiddenGlobalError, FormatError } from "./errors.js";
import { arrayFromBytes, makeDtype, NumpyFormatError, numpyScalar, setDtypeState } from "./numpy.js";
import {
  describe,
  NdArray,
  NumpyDtype,
  PyDict,
  PyGlobal,
  PySet,
  PyTuple,
  type PyValue,
  TorchStorage,
  TorchTensor,
  UnhashableKeyError,
} from "./pyvalue.js";

export interface StreamSpec {
  key: string;
  onEntry(key: PyValue, value: PyValue): void;
}

export interface UnpickleOptions {
  label?: string;
  encoding?: "ascii" | "ascii-or-bytes" | "latin1" | "utf8" | "bytes";
  /** alias of `label` */
  file?: string;
  persistentLoad?: (pid: PyValue) => PyValue;
  /**
   * Resolves `torch.storage._load_from_bytes(bytes)`: a tensor pickled by plain `pickle` (not inside a torch.save
   * container) carries its storage as the bytes of a torch.save stream, as the NATS-Bench `-full` records' weights
   * do. The torch reader (formats/torch.ts, `storageFromBytes`) parses them; without it that call is an error.
   */
  storageFromBytes?: (bytes: Uint8Array) => PyValue;
  buffers?: readonly Uint8Array[];
  maxItemBytes?: number;
  /**
   * Bound on the memory the decoded values may take (estimated per opcode, see OP_COST; default
   * DEFAULT_MAX_VALUE_BYTES). In stream mode it applies to each streamed entry.
   */
  maxValueBytes?: number;
  stream?: StreamSpec;
}

/**
 * Decoded values may take at most this much memory (estimated): 256 MiB is ~100× what a real benchmark record, the
 * NATS meta list or a CIFAR batch needs, and keeps a process reading a crafted few-MB pickle well under 512 MB.
 */
export const DEFAULT_MAX_VALUE_BYTES = 256 * 1024 * 1024;

/**
 * Upper estimate of the bytes one opcode makes live, besides 2 bytes per input byte it consumes (strings become
 * UTF-16 at worst): a PyDict (two Maps, two arrays) measured ~600 B empty, an empty array or tuple ~240 B (1M nested lists: 238 MB), a stack or
 * container slot 8–16 B. Frees (POP, replaced memo entries) are not credited, so the bound is conservative; a tiny
 * input cannot build a huge nest or stack (1M empty dicts reached 660 MB RSS before this bound).
 */
const OP_COST = (() => {
  const cost = new Uint16Array(256).fill(32);
  for (const op of [0x7d, 0x64, 0x52, 0x81, 0x92, 0x69, 0x6f]) cost[op] = 640; // EMPTY_DICT DICT REDUCE NEWOBJ(_EX) INST OBJ
  for (const op of [0x5d, 0x6c, 0x29, 0x74, 0x85, 0x86, 0x87, 0x8f, 0x91, 0x28]) cost[op] = 256; // lists, tuples, sets, MARK
  return cost;
})();

/** Thrown by allow-listed callables for arguments they do not accept. */
class BadCall extends Error {}

type Callable = (args: readonly PyValue[]) => PyValue;

const LOAD_FROM_BYTES = "torch.storage._load_from_bytes";

const NUMPY_MODULES = ["numpy.core.multiarray", "numpy._core.multiarray"];

function callables(): Map<string, Callable | null> {
  const m = new Map<string, Callable | null>();
  m.set("collections.OrderedDict", (args) => {
    const d = new PyDict("OrderedDict");
    const init = args[0];
    if (args.length > 1) throw new BadCall("OrderedDict takes at most one argument");
    if (init !== undefined) {
      if (!Array.isArray(init)) throw new BadCall("OrderedDict(...) expects a list of pairs");
      for (const pair of init) {
        if (!(pair instanceof PyTuple) || pair.length !== 2) throw new BadCall("OrderedDict(...) expects (key, value) pairs");
        d.set(pair.items[0]!, pair.items[1]!);
      }
    }
    return d;
  });
  const setLike = (kind: "set" | "frozenset"): Callable => (args) => {
    const init = args[0];
    if (init === undefined) return new PySet(kind);
    if (Array.isArray(init)) return new PySet(kind, [...init]);
    if (init instanceof PyTuple) return new PySet(kind, [...init.items]);
    throw new BadCall(`${kind}(...) expects a list`);
  };
  m.set("builtins.set", setLike("set"));
  m.set("builtins.frozenset", setLike("frozenset"));
  const bytesLike: Callable = (args) => {
    const [init, encoding] = args;
    if (init === undefined) return new Uint8Array(0);
    if (init instanceof Uint8Array) return init.slice();
    if (typeof init === "string") return encodeText(init, encoding);
    if (Array.isArray(init) && init.every((x) => typeof x === "number" && Number.isInteger(x) && x >= 0 && x < 256)) {
      return Uint8Array.from(init as number[]);
    }
    throw new BadCall("bytes(...) / bytearray(...) expects bytes, a str with an encoding, or a list of byte values");
  };
  m.set("builtins.bytes", bytesLike);
  m.set("builtins.bytearray", bytesLike);
  m.set("_codecs.encode", (args) => {
    const [text, encoding] = args;
    if (typeof text !== "string") throw new BadCall("_codecs.encode expects a str");
    return encodeText(text, encoding);
  });
  m.set("numpy.dtype", (args) => makeDtype(args[0]));
  m.set("numpy.ndarray", null);
  for (const mod of NUMPY_MODULES) {
    m.set(`${mod}.scalar`, (args) => {
      const [dtype, raw] = args;
      if (!(dtype instanceof NumpyDtype)) throw new BadCall("numpy scalar expects a dtype");
      if (typeof raw === "string") return numpyScalar(dtype, latin1Bytes(raw));
      if (!(raw instanceof Uint8Array)) throw new BadCall("numpy scalar expects raw bytes");
      return numpyScalar(dtype, raw);
    });
    m.set(`${mod}._reconstruct`, (args) => {
      const cls = args[0];
      if (!(cls instanceof PyGlobal) || cls.name !== "numpy.ndarray") throw new BadCall("_reconstruct only rebuilds numpy.ndarray");
      return new NdArray("float64", [0], new Float64Array(0));
    });
  }
  for (const mod of ["numpy.core.numeric", "numpy._core.numeric"]) {
    m.set(`${mod}._frombuffer`, (args) => {
      const [buf, dtype, shape, order] = args;
      if (!(buf instanceof Uint8Array) || !(dtype instanceof NumpyDtype) || !(shape instanceof PyTuple)) {
        throw new BadCall("_frombuffer expects (buffer, dtype, shape, order)");
      }
      return arrayFromBytes(dtype, intList(shape.items, "shape"), buf, order === "F");
    });
  }
  const rebuildTensor: Callable = (args) => {
    const [storage, offset, size, stride, requiresGrad] = args;
    if (!(storage instanceof TorchStorage)) throw new BadCall("_rebuild_tensor expects a storage from the container");
    if (typeof offset !== "number" || !(size instanceof PyTuple) || !(stride instanceof PyTuple)) {
      throw new BadCall("_rebuild_tensor expects (storage, offset, size, stride, ...)");
    }
    return new TorchTensor(storage, offset, intList(size.items, "size"), intList(stride.items, "stride"), requiresGrad === true);
  };
  m.set("torch._utils._rebuild_tensor_v2", rebuildTensor);
  m.set("torch._utils._rebuild_tensor", rebuildTensor);
  m.set("torch._utils._rebuild_parameter", (args) => {
    const [data, requiresGrad] = args;
    if (!(data instanceof TorchTensor)) throw new BadCall("_rebuild_parameter expects a tensor");
    return new TorchTensor(data.storage, data.storageOffset, data.shape, data.stride, requiresGrad === true);
  });
  m.set("torch.Size", (args) => {
    const init = args[0];
    if (init instanceof PyTuple) return init;
    if (Array.isArray(init)) return new PyTuple(init);
    throw new BadCall("torch.Size expects a tuple");
  });
  for (const name of Object.keys(TORCH_STORAGE_DTYPES)) m.set(`torch.${name}`, null);
  // resolved by the reader's storageFromBytes option (see Unpickler.call)
  m.set(LOAD_FROM_BYTES, null);
  return m;
}

/** torch storage classes (named in persistent ids) → element dtype. */
export const TORCH_STORAGE_DTYPES: Readonly<Record<string, string>> = {
  DoubleStorage: "float64",
  FloatStorage: "float32",
  HalfStorage: "float16",
  BFloat16Storage: "bfloat16",
  LongStorage: "int64",
  IntStorage: "int32",
  ShortStorage: "int16",
  CharStorage: "int8",
  ByteStorage: "uint8",
  BoolStorage: "bool",
  UntypedStorage: "uint8",
};

const CALLABLES = callables();
export const ALLOWED_GLOBALS: readonly string[] = [...CALLABLES.keys()];

/** Python 2 module names, mapped as Python 3's unpickler does with fix_imports. */
const PY2_MODULES: Readonly<Record<string, string>> = { __builtin__: "builtins", copy_reg: "copyreg" };

function intList(items: readonly PyValue[], what: string): number[] {
  return items.map((x) => {
    if (typeof x !== "number" || !Number.isSafeInteger(x)) throw new BadCall(`${what} must hold integers`);
    return x;
  });
}

function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 255) throw new BadCall("latin-1 text holds a character above U+00FF");
    out[i] = c;
  }
  return out;
}

function encodeText(text: string, encoding: PyValue | undefined): Uint8Array {
  if (encoding === undefined || encoding === "utf-8" || encoding === "utf8") return new TextEncoder().encode(text);
  if (typeof encoding === "string" && ["latin1", "latin-1", "iso-8859-1", "iso8859-1"].includes(encoding.toLowerCase())) {
    return latin1Bytes(text);
  }
  throw new BadCall(`text encoding ${typeof encoding === "string" ? `'${encoding}'` : describe(encoding)} is not supported`);
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function decodeUtf8(b: Uint8Array): string {
  let ascii = true;
  for (let i = 0; i < b.length; i++) {
    if (b[i]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return latin1String(b);
  try {
    return utf8.decode(b);
  } catch {
    throw new BadCall("a string is not valid UTF-8");
  }
}

function bigFromLE(b: Uint8Array): number | bigint {
  if (b.length === 0) return 0;
  // Via hex: linear in the length (byte-by-byte shifting would be quadratic on a corrupt multi-MB LONG4).
  let hex = "";
  for (let i = b.length - 1; i >= 0; i--) hex += (b[i]! < 16 ? "0" : "") + b[i]!.toString(16);
  let v = BigInt("0x" + hex);
  if (b[b.length - 1]! & 0x80) v -= 1n << BigInt(8 * b.length);
  return normalizeInt(v);
}

function normalizeInt(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

const STREAMED = new PyGlobal("<streamed entry>");

export class Unpickler {
  private stack: PyValue[] = [];
  private metastack: PyValue[][] = [];
  /**
   * Memo by index. A Map, not an array: a multi-GB file written with one memo (torch.save of NAS-Bench-201) reaches
   * indexes past 10^8, and an array keeps a slot for every index ever used even after streamed entries are pruned
   * (V8 refuses to grow one past ~1.1·10^8 elements). The Map holds only the live entries.
   */
  private memo = new Map<number, PyValue>();
  /** entries stored so far (Python's len(memo), the index MEMOIZE uses); pruning does not lower it */
  private memoLen = 0;
  /** memo indexes stored since the current streamed entry began (stream mode): what pruning drops */
  private entryPuts: number[] = [];
  private proto = 0;
  private bufferIndex = 0;
  /** the region stack (between MARK and SETITEMS) of the dict being streamed, if one is open */
  private watched: PyValue[] | null = null;
  private prunedAny = false;
  /** estimated bytes of live values (OP_COST), reset when a streamed entry is handed over */
  private spent = 0;
  private lastOffset = 0;
  private readonly maxValueBytes: number;
  private readonly encoding: NonNullable<UnpickleOptions["encoding"]>;

  constructor(
    private readonly reader: ByteReader,
    private readonly opts: UnpickleOptions = {},
  ) {
    this.encoding = opts.encoding ?? "ascii-or-bytes";
    this.maxValueBytes = opts.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES;
  }

  private fail(message: string): never {
    this.reader.fail(`corrupt pickle: ${message}`);
  }

  private tooBig(): never {
    const mib = (n: number): string => `${Math.round(n / 2 ** 20)} MiB`;
    this.reader.fail(
      `pickle decodes to more than ${mib(this.maxValueBytes)} of values${this.opts.stream ? " in one record" : ""} ` +
        `(estimated; nested or repeated containers beyond what a benchmark file holds)`,
    );
  }

  private pop(): PyValue {
    if (this.stack.length === 0) this.fail("stack underflow");
    return this.stack.pop()!;
  }

  /** Pushes after evaluating the value: `this.stack.push(f())` would bind the stack before f() swaps it at a MARK. */
  private push(v: PyValue): void {
    this.stack.push(v);
  }

  private top(): PyValue {
    if (this.stack.length === 0) this.fail("stack underflow");
    return this.stack[this.stack.length - 1]!;
  }

  private popMark(): PyValue[] {
    const items = this.stack;
    const outer = this.metastack.pop();
    if (outer === undefined) this.fail("an opcode needs a MARK that was never set");
    this.stack = outer;
    return items;
  }

  /** Reads one pickle (up to its STOP opcode) and returns its value. */
  load(): PyValue {
    this.stack = [];
    this.metastack = [];
    this.memo = new Map();
    this.memoLen = 0;
    this.entryPuts = [];
    this.spent = 0;
    this.lastOffset = this.reader.offset;
    try {
      return this.run();
    } catch (e) {
      if (e instanceof FormatError) throw e;
      if (e instanceof BadCall || e instanceof NumpyFormatError || e instanceof UnhashableKeyError) this.fail(e.message);
      if (e instanceof RangeError) this.fail(`resource limit hit (${e.message})`);
      throw e;
    }
  }

  private run(): PyValue {
    const r = this.reader;
    for (;;) {
      const at = r.offset;
      const op = r.u8();
      this.spent += 2 * (at - this.lastOffset) + OP_COST[op]!;
      this.lastOffset = at;
      if (this.spent > this.maxValueBytes) this.tooBig();
      switch (op) {
        case 0x80: // PROTO
          this.proto = r.u8();
          if (this.proto > 5) this.fail(`unsupported pickle protocol ${this.proto}`);
          break;
        case 0x95: // FRAME: framing is only a read-ahead hint
          r.u64();
          break;
        case 0x2e: // STOP
          if (this.metastack.length !== 0) this.fail("STOP inside an unclosed MARK");
          if (this.stack.length !== 1) this.fail(`STOP with ${this.stack.length} values on the stack`);
          return this.stack[0]!;
        case 0x28: // MARK
          this.mark();
          break;
        case 0x30: // POP
          if (this.stack.length > 0) this.stack.pop();
          else this.popMark();
          break;
        case 0x31: // POP_MARK
          this.popMark();
          break;
        case 0x32: // DUP
          this.stack.push(this.top());
          break;
        case 0x4e: // NONE
          this.stack.push(null);
          break;
        case 0x88: // NEWTRUE
          this.stack.push(true);
          break;
        case 0x89: // NEWFALSE
          this.stack.push(false);
          break;
        case 0x4a: // BININT
          this.pushInt(r.i32());
          break;
        case 0x4b: // BININT1
          this.pushInt(r.u8());
          break;
        case 0x4d: // BININT2
          this.pushInt(r.u16());
          break;
        case 0x8a: // LONG1
          this.pushInt(bigFromLE(r.bytes(r.u8())));
          break;
        case 0x8b: {
          // LONG4
          const n = r.i32();
          if (n < 0) this.fail("LONG4 with a negative length");
          this.pushInt(bigFromLE(r.bytes(n)));
          break;
        }
        case 0x49: // INT
          this.pushInt(this.parseIntLine(r.line(), true));
          break;
        case 0x4c: // LONG
          this.pushInt(this.parseIntLine(r.line().replace(/L$/, ""), false));
          break;
        case 0x47: // BINFLOAT
          this.stack.push(r.f64be());
          break;
        case 0x46: // FLOAT
          this.stack.push(this.parseFloatLine(r.line()));
          break;
        case 0x58: // BINUNICODE
          this.stack.push(r.utf8(r.u32(), decodeUtf8));
          break;
        case 0x8c: // SHORT_BINUNICODE
          this.stack.push(r.utf8(r.u8(), decodeUtf8));
          break;
        case 0x8d: // BINUNICODE8
          this.stack.push(r.utf8(r.u64(), decodeUtf8));
          break;
        case 0x56: // UNICODE (raw-unicode-escape)
          this.stack.push(rawUnicodeEscape(r.line()));
          break;
        case 0x54: {
          // BINSTRING
          const n = r.i32();
          if (n < 0) this.fail("BINSTRING with a negative length");
          this.stack.push(this.py2str(r.bytes(n)));
          break;
        }
        case 0x55: // SHORT_BINSTRING
          this.stack.push(this.py2str(r.bytes(r.u8())));
          break;
        case 0x53: // STRING
          this.stack.push(this.py2str(this.parseQuoted(r.line())));
          break;
        case 0x42: // BINBYTES
          this.stack.push(r.bytes(r.u32()));
          break;
        case 0x43: // SHORT_BINBYTES
          this.stack.push(r.bytes(r.u8()));
          break;
        case 0x8e: // BINBYTES8
        case 0x96: // BYTEARRAY8
          this.stack.push(r.bytes(r.u64()));
          break;
        case 0x97: {
          // NEXT_BUFFER
          const buf = this.opts.buffers?.[this.bufferIndex++];
          if (buf === undefined) this.fail("pickle needs an out-of-band buffer that was not provided");
          this.stack.push(buf);
          break;
        }
        case 0x98: // READONLY_BUFFER
          break;
        case 0x7d: // EMPTY_DICT
          this.stack.push(new PyDict());
          break;
        case 0x5d: // EMPTY_LIST
          this.stack.push([]);
          break;
        case 0x29: // EMPTY_TUPLE
          this.stack.push(new PyTuple([]));
          break;
        case 0x8f: // EMPTY_SET
          this.stack.push(new PySet("set"));
          break;
        case 0x85: // TUPLE1
          this.stack.push(new PyTuple([this.pop()]));
          break;
        case 0x86: {
          // TUPLE2
          const b = this.pop();
          this.stack.push(new PyTuple([this.pop(), b]));
          break;
        }
        case 0x87: {
          // TUPLE3
          const c = this.pop();
          const b = this.pop();
          this.stack.push(new PyTuple([this.pop(), b, c]));
          break;
        }
        case 0x74: // TUPLE
          this.push(new PyTuple(this.popMark()));
          break;
        case 0x6c: // LIST
          this.push(this.popMark());
          break;
        case 0x64: {
          // DICT
          const items = this.popMark();
          const d = new PyDict();
          this.fillDict(d, items);
          this.stack.push(d);
          break;
        }
        case 0x91: // FROZENSET
          this.push(new PySet("frozenset", this.popMark()));
          break;
        case 0x61: {
          // APPEND
          const v = this.pop();
          this.asList(this.top(), "APPEND").push(v);
          break;
        }
        case 0x65: {
          // APPENDS
          const items = this.popMark();
          const list = this.asList(this.top(), "APPENDS");
          for (const v of items) list.push(v);
          break;
        }
        case 0x73: {
          // SETITEM
          const v = this.pop();
          const k = this.pop();
          this.asDict(this.top(), "SETITEM").set(k, v);
          break;
        }
        case 0x75: // SETITEMS
          this.setItems();
          break;
        case 0x90: {
          // ADDITEMS
          const items = this.popMark();
          const s = this.top();
          if (!(s instanceof PySet) || s.kind !== "set") this.fail(`ADDITEMS on a ${describe(s)}`);
          for (const v of items) s.items.push(v);
          break;
        }
        case 0x94: // MEMOIZE
          this.setMemo(this.memoLen, this.top());
          break;
        case 0x71: // BINPUT
          this.put(r.u8());
          break;
        case 0x72: // LONG_BINPUT
          this.put(r.u32());
          break;
        case 0x70: // PUT
          this.put(this.parseIndexLine(r.line()));
          break;
        case 0x68: // BINGET
          this.get(r.u8());
          break;
        case 0x6a: // LONG_BINGET
          this.get(r.u32());
          break;
        case 0x67: // GET
          this.get(this.parseIndexLine(r.line()));
          break;
        case 0x63: {
          // GLOBAL
          const module = r.line();
          this.stack.push(this.findGlobal(module, r.line()));
          break;
        }
        case 0x93: {
          // STACK_GLOBAL
          const name = this.pop();
          const module = this.pop();
          if (typeof module !== "string" || typeof name !== "string") this.fail("STACK_GLOBAL needs two strings");
          this.stack.push(this.findGlobal(module, name));
          break;
        }
        case 0x52: {
          // REDUCE
          const args = this.pop();
          const fn = this.pop();
          if (!(args instanceof PyTuple)) this.fail(`REDUCE arguments must be a tuple, got ${describe(args)}`);
          this.stack.push(this.call(fn, args.items));
          break;
        }
        case 0x81: {
          // NEWOBJ
          const args = this.pop();
          const cls = this.pop();
          if (!(args instanceof PyTuple)) this.fail("NEWOBJ arguments must be a tuple");
          this.stack.push(this.call(cls, args.items));
          break;
        }
        case 0x92: {
          // NEWOBJ_EX
          const kwargs = this.pop();
          const args = this.pop();
          const cls = this.pop();
          if (!(args instanceof PyTuple)) this.fail("NEWOBJ_EX arguments must be a tuple");
          if (!(kwargs instanceof PyDict) || kwargs.size !== 0) this.fail("NEWOBJ_EX with keyword arguments is not supported");
          this.stack.push(this.call(cls, args.items));
          break;
        }
        case 0x69: {
          // INST
          const module = r.line();
          const cls = this.findGlobal(module, r.line());
          this.push(this.call(cls, this.popMark()));
          break;
        }
        case 0x6f: {
          // OBJ
          const items = this.popMark();
          if (items.length === 0) this.fail("OBJ without a class");
          this.push(this.call(items[0]!, items.slice(1)));
          break;
        }
        case 0x62: {
          // BUILD
          const state = this.pop();
          this.build(this.top(), state);
          break;
        }
        case 0x51: {
          // BINPERSID
          const pid = this.pop();
          this.stack.push(this.persistent(pid));
          break;
        }
        case 0x50: // PERSID
          this.stack.push(this.persistent(r.line()));
          break;
        case 0x82:
        case 0x83:
        case 0x84:
          this.fail("the copyreg extension registry (EXT1/EXT2/EXT4) is not supported");
          break;
        default:
          this.fail(`unknown opcode 0x${op.toString(16).padStart(2, "0")}`);
      }
    }
  }

  private mark(): void {
    const s = this.stack;
    const spec = this.opts.stream;
    const n = s.length;
    const entering = spec !== undefined && n >= 2 && s[n - 1] instanceof PyDict && s[n - 2] === spec.key;
    this.metastack.push(s);
    this.stack = [];
    if (entering) {
      this.watched = this.stack;
      this.entryPuts = [];
    }
  }

  private pushInt(v: number | bigint | boolean): void {
    const s = this.stack;
    s.push(v);
    if (s !== this.watched) return;
    const n = s.length;
    if (n % 2 === 0) return;
    // An int at a key position: the previous (key, value) pair of the streamed dict is complete.
    if (n >= 3) this.emit(n - 3);
    this.entryPuts = [];
  }

  private emit(at: number): void {
    const s = this.stack;
    const key = s[at]!;
    const value = s[at + 1]!;
    if (!(value instanceof PyDict) || (typeof key !== "number" && typeof key !== "bigint")) return;
    this.opts.stream!.onEntry(key, value);
    s[at + 1] = STREAMED;
    this.spent = 0;
    this.prune();
  }

  /** Drops memo entries of a streamed entry, keeping small scalars that later entries may share (interned keys). */
  private prune(): void {
    for (const i of this.entryPuts) {
      const v = this.memo.get(i);
      if (v === undefined || v === null || typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") continue;
      if (typeof v === "string" && v.length <= 32 && !v.includes("@")) continue;
      if (v instanceof NumpyDtype || v instanceof PyGlobal) continue;
      this.memo.delete(i);
      this.prunedAny = true;
    }
    this.entryPuts = [];
  }

  private setItems(): void {
    if (this.stack === this.watched) {
      const n = this.stack.length;
      if (n >= 2 && n % 2 === 0) this.emit(n - 2);
      this.watched = null;
    }
    const items = this.popMark();
    const d = this.asDict(this.top(), "SETITEMS");
    if (items.length % 2 !== 0) this.fail("SETITEMS with an odd number of items");
    for (let i = 0; i < items.length; i += 2) {
      if (items[i + 1] === STREAMED) continue;
      d.set(items[i]!, items[i + 1]!);
    }
  }

  private fillDict(d: PyDict, items: PyValue[]): void {
    if (items.length % 2 !== 0) this.fail("DICT with an odd number of items");
    for (let i = 0; i < items.length; i += 2) d.set(items[i]!, items[i + 1]!);
  }

  private asList(v: PyValue, op: string): PyValue[] {
    if (!Array.isArray(v)) this.fail(`${op} on a ${describe(v)}`);
    return v;
  }

  private asDict(v: PyValue, op: string): PyDict {
    if (!(v instanceof PyDict)) this.fail(`${op} on a ${describe(v)}`);
    return v;
  }

  private put(index: number): void {
    if (index > 0xffffffff) this.fail(`memo index ${index} out of range`);
    this.setMemo(index, this.top());
  }

  private setMemo(index: number, v: PyValue): void {
    if (!this.memo.has(index)) this.memoLen++;
    this.memo.set(index, v);
    if (this.opts.stream !== undefined) this.entryPuts.push(index);
  }

  private get(index: number): void {
    const v = this.memo.get(index);
    if (v === undefined) {
      this.fail(
        `memo entry ${index} does not exist` +
          (this.prunedAny ? " (or belonged to an earlier streamed record: this file shares objects between records)" : ""),
      );
    }
    this.stack.push(v);
  }

  private findGlobal(module: string, name: string): PyGlobal {
    const full = `${PY2_MODULES[module] ?? module}.${name}`;
    if (!CALLABLES.has(full)) throw new ForbiddenGlobalError(full, ALLOWED_GLOBALS, this.reader.label);
    return new PyGlobal(full);
  }

  private call(fn: PyValue, args: readonly PyValue[]): PyValue {
    if (!(fn instanceof PyGlobal)) this.fail(`cannot call a ${describe(fn)}`);
    if (fn.name === LOAD_FROM_BYTES) {
      const load = this.opts.storageFromBytes;
      if (load === undefined) this.fail(`${LOAD_FROM_BYTES} (a tensor pickled outside torch.save) needs a torch reader; pass storageFromBytes`);
      const [bytes] = args;
      if (args.length !== 1 || !(bytes instanceof Uint8Array)) this.fail(`${LOAD_FROM_BYTES} expects one bytes argument`);
      return load(bytes);
    }
    const impl = CALLABLES.get(fn.name);
    if (impl === undefined || impl === null) this.fail(`'${fn.name}' is not callable here`);
    return impl(args);
  }

  private build(obj: PyValue, state: PyValue): void {
    if (obj instanceof NdArray) {
      // ndarray.__setstate__: (version, shape, dtype, is_fortran, rawdata) or the 4-tuple without version
      if (!(state instanceof PyTuple) || (state.length !== 5 && state.length !== 4)) this.fail("bad numpy array state");
      const items = state.length === 5 ? state.items.slice(1) : state.items;
      const [shape, dtype, fortran, raw] = items;
      if (!(shape instanceof PyTuple) || !(dtype instanceof NumpyDtype)) this.fail("bad numpy array state");
      const bytes = typeof raw === "string" ? latin1Bytes(raw) : raw;
      if (!(bytes instanceof Uint8Array)) this.fail("numpy object arrays are not supported");
      const a = arrayFromBytes(dtype, intList(shape.items, "shape"), bytes, fortran === true);
      Object.assign(obj, a);
      return;
    }
    if (obj instanceof NumpyDtype) {
      if (!(state instanceof PyTuple)) this.fail("bad numpy dtype state");
      setDtypeState(obj, state.items);
      return;
    }
    if (obj instanceof PyDict && state instanceof PyDict && state.size === 0) return;
    if (obj instanceof PyDict && state === null) return;
    this.fail(`BUILD (setting object state) on a ${describe(obj)} is not supported`);
  }

  private persistent(pid: PyValue): PyValue {
    const load = this.opts.persistentLoad;
    if (load === undefined) this.fail("persistent ids (torch.save storages) need a container reader; use readTorchFile");
    return load(pid);
  }

  private py2str(b: Uint8Array): PyValue {
    switch (this.encoding) {
      case "bytes":
        return b;
      case "latin1":
        return latin1String(b);
      case "utf8":
        return decodeUtf8(b);
      case "ascii-or-bytes":
        for (const c of b) if (c >= 0x80) return b;
        return latin1String(b);
      default:
        for (const c of b) if (c >= 0x80) this.fail("a Python 2 str holds non-ASCII bytes; read it with encoding 'latin1' or 'bytes'");
        return latin1String(b);
    }
  }

  private parseIntLine(line: string, allowBool: boolean): number | bigint | boolean {
    if (allowBool && line === "00") return false;
    if (allowBool && line === "01") return true;
    if (!/^[+-]?\d{1,4300}$/.test(line)) this.fail(`bad integer literal '${line.slice(0, 40)}'`);
    return normalizeInt(BigInt(line));
  }

  private parseFloatLine(line: string): number {
    const t = line.trim().toLowerCase();
    if (t === "nan" || t === "+nan" || t === "-nan") return NaN;
    if (t === "inf" || t === "+inf" || t === "infinity") return Infinity;
    if (t === "-inf" || t === "-infinity") return -Infinity;
    if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) this.fail(`bad float literal '${line.slice(0, 40)}'`);
    return Number(t);
  }

  private parseIndexLine(line: string): number {
    if (!/^\d{1,15}$/.test(line)) this.fail(`bad memo index '${line.slice(0, 40)}'`);
    return Number(line);
  }

  /** Protocol-0 STRING: a Python repr with quotes and backslash escapes. */
  private parseQuoted(line: string): Uint8Array {
    const q = line[0];
    if (line.length < 2 || (q !== "'" && q !== '"') || line[line.length - 1] !== q) this.fail("STRING opcode argument is not quoted");
    const body = line.slice(1, -1);
    const out: number[] = [];
    for (let i = 0; i < body.length; i++) {
      const c = body.charCodeAt(i);
      if (c !== 0x5c) {
        out.push(c & 0xff);
        continue;
      }
      const e = body[++i];
      const simple: Record<string, number> = { n: 10, t: 9, r: 13, "\\": 92, "'": 39, '"': 34, a: 7, b: 8, f: 12, v: 11, "0": 0 };
      if (e === "x") {
        const hex = body.slice(i + 1, i + 3);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) this.fail("bad \\x escape in STRING");
        out.push(parseInt(hex, 16));
        i += 2;
      } else if (e !== undefined && /[0-7]/.test(e)) {
        const oct = /^[0-7]{1,3}/.exec(body.slice(i))![0];
        out.push(parseInt(oct, 8) & 0xff);
        i += oct.length - 1;
      } else if (e !== undefined && simple[e] !== undefined) {
        out.push(simple[e]);
      } else {
        this.fail("bad escape in STRING");
      }
    }
    return Uint8Array.from(out);
  }
}

function latin1String(b: Uint8Array): string {
  if (b.length <= 64) {
    let s = "";
    for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
    return s;
  }
  let s = "";
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode.apply(null, Array.from(b.subarray(i, i + 8192)));
  return s;
}

/** Protocol-0 UNICODE: latin-1 text where \uXXXX and \UXXXXXXXX are escapes (raw-unicode-escape). */
function rawUnicodeEscape(line: string): string {
  return line.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_m, u4: string | undefined, u8: string | undefined) => {
    const cp = parseInt(u4 ?? u8 ?? "0", 16);
    if (cp > 0x10ffff) throw new BadCall("bad \\U escape in UNICODE");
    return String.fromCodePoint(cp);
  });
}

/** Reads one pickle from bytes, a chunk stream or a positioned ByteReader. */
export function unpickle(input: Uint8Array | ChunkSource | ByteReader, opts: UnpickleOptions = {}): PyValue {
  const reader =
    input instanceof ByteReader
      ? input
      : new ByteReader(input, { label: opts.label ?? opts.file ?? "pickle", maxItemBytes: opts.maxItemBytes });
  return new Unpickler(reader, opts).load();
}
