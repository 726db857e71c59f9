/**
 * The JS model of unpickled Python values. Python distinctions that matter to callers survive: tuples vs lists,
 * dicts keep insertion order and accept tuple keys, bytes vs str, numpy arrays keep dtype and shape.
 *
 * | Python                         | JS                                             |
 * |--------------------------------|------------------------------------------------|
 * | None / bool / str              | null / boolean / string                        |
 * | int                            | number (safe integers), bigint beyond 2^53     |
 * | float, numpy float scalar      | number                                         |
 * | bytes, bytearray               | Uint8Array                                     |
 * | list                           | PyValue[]                                      |
 * | tuple                          | PyTuple                                        |
 * | dict, OrderedDict              | PyDict (`kind` tells which)                    |
 * | set, frozenset                 | PySet                                          |
 * | numpy.ndarray                  | NdArray                                        |
 * | numpy.dtype                    | NumpyDtype                                     |
 * | torch tensor / parameter       | TorchTensor                                    |
 * | torch storage (persistent id)  | TorchStorage                                   |
 */

export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PyValue[]
  | PyTuple
  | PyDict
  | PySet
  | NdArray
  | NumpyDtype
  | TorchTensor
  | TorchStorage
  | PyGlobal;

export class PyTuple {
  constructor(readonly items: readonly PyValue[]) {}
  get length(): number {
    return this.items.length;
  }
  at(i: number): PyValue | undefined {
    return this.items[i];
  }
}

/** An allowed Python class or function object, as pushed by GLOBAL / STACK_GLOBAL before it is called. */
export class PyGlobal {
  constructor(readonly name: string) {}
}

export class PySet {
  constructor(
    readonly kind: "set" | "frozenset",
    readonly items: PyValue[] = [],
  ) {}
}

export class NumpyDtype {
  constructor(
    /** numpy type string as pickled, e.g. 'f8', 'u1', 'i8', 'b1' */
    readonly name: string,
    /** '<' little, '>' big, '|' not applicable, '=' native */
    public byteorder: string = "=",
  ) {}
}

export type NumericArray =
  | Float64Array
  | Float32Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array;

export class NdArray {
  constructor(
    public dtype: string,
    public shape: number[],
    /** row-major (C order) element data; float16 arrays are widened to Float32Array */
    public data: NumericArray,
    public fortranOrder = false,
  ) {}
}

export class TorchStorage {
  constructor(
    /** storage key in the container (zip entry name or legacy root key) */
    readonly key: string,
    /** element dtype, e.g. 'float32' (from FloatStorage) */
    readonly dtype: string,
    readonly numel: number,
    readonly location: string,
    /** element data when the container was asked to load tensor data, else null */
    public data: NumericArray | null = null,
  ) {}
}

export class TorchTensor {
  constructor(
    readonly storage: TorchStorage,
    readonly storageOffset: number,
    readonly shape: number[],
    readonly stride: number[],
    readonly requiresGrad: boolean,
  ) {}
  get dtype(): string {
    return this.storage.dtype;
  }
}

const MAX_KEY_DEPTH = 64;

/** Python dict semantics for hashable keys: equal str/number/tuple keys collide; insertion order is kept. */
export class PyDict {
  // Separate indexes for the common key types keep lookups free of string building.
  private readonly strIndex = new Map<string, number>();
  private readonly numIndex = new Map<number, number>();
  private otherIndex: Map<string, number> | null = null;
  private readonly keyList: PyValue[] = [];
  private readonly valueList: PyValue[] = [];

  constructor(readonly kind: "dict" | "OrderedDict" = "dict") {}

  get size(): number {
    return this.keyList.length;
  }

  private find(key: PyValue): number | undefined {
    if (typeof key === "string") return this.strIndex.get(key);
    const n = numericKey(key);
    if (n !== undefined) return this.numIndex.get(n);
    return this.otherIndex?.get(hashKey(key, 0));
  }

  set(key: PyValue, value: PyValue): void {
    const at = this.find(key);
    if (at !== undefined) {
      this.valueList[at] = value;
      return;
    }
    const i = this.keyList.length;
    if (typeof key === "string") this.strIndex.set(key, i);
    else {
      const n = numericKey(key);
      if (n !== undefined) this.numIndex.set(n, i);
      else (this.otherIndex ??= new Map()).set(hashKey(key, 0), i);
    }
    this.keyList.push(key);
    this.valueList.push(value);
  }

  get(key: PyValue): PyValue | undefined {
    const at = this.find(key);
    return at === undefined ? undefined : this.valueList[at];
  }

  has(key: PyValue): boolean {
    return this.find(key) !== undefined;
  }

  keys(): readonly PyValue[] {
    return this.keyList;
  }

  values(): readonly PyValue[] {
    return this.valueList;
  }

  *entries(): IterableIterator<[PyValue, PyValue]> {
    for (let i = 0; i < this.keyList.length; i++) yield [this.keyList[i]!, this.valueList[i]!];
  }
}

/** number / bool / safe bigint keys share one index (1 == 1.0 == True in Python); -0 is 0. */
function numericKey(key: PyValue): number | undefined {
  if (typeof key === "number") return key === 0 ? 0 : key;
  if (typeof key === "boolean") return key ? 1 : 0;
  if (typeof key === "bigint" && key >= BigInt(Number.MIN_SAFE_INTEGER) && key <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(key);
  return undefined;
}

export class UnhashableKeyError extends Error {}

/** Canonical string of a hashable Python value; 1 == 1.0 == True as in Python. */
function hashKey(v: PyValue, depth: number): string {
  if (depth > MAX_KEY_DEPTH) throw new UnhashableKeyError("dict key nested too deeply");
  if (v === null) return "N";
  switch (typeof v) {
    case "string":
      return "s" + v;
    case "number":
      return "n" + (Object.is(v, -0) ? "0" : String(v));
    case "boolean":
      return v ? "n1" : "n0";
    case "bigint":
      return "n" + v.toString();
  }
  if (v instanceof Uint8Array) {
    let s = "b";
    for (const byte of v) s += String.fromCharCode(byte);
    return s;
  }
  if (v instanceof PyTuple) return "t(" + v.items.map((x) => hashKey(x, depth + 1)).join(",") + ")";
  if (v instanceof PySet && v.kind === "frozenset") {
    return "f{" + v.items.map((x) => hashKey(x, depth + 1)).sort().join(",") + "}";
  }
  if (v instanceof PyGlobal) return "g" + v.name;
  throw new UnhashableKeyError(`unhashable dict key of type ${describe(v)}`);
}

/** Short Python-ish type name for error messages. */
export function describe(v: PyValue | undefined): string {
  if (v === undefined) return "nothing";
  if (v === null) return "None";
  if (Array.isArray(v)) return "list";
  switch (typeof v) {
    case "string":
      return "str";
    case "number":
      return "float";
    case "bigint":
      return "int";
    case "boolean":
      return "bool";
  }
  if (v instanceof Uint8Array) return "bytes";
  if (v instanceof PyTuple) return "tuple";
  if (v instanceof PyDict) return v.kind;
  if (v instanceof PySet) return v.kind;
  if (v instanceof NdArray) return "numpy.ndarray";
  if (v instanceof NumpyDtype) return "numpy.dtype";
  if (v instanceof TorchTensor) return "torch.Tensor";
  if (v instanceof TorchStorage) return "torch storage";
  return v.name;
}
