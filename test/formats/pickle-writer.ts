/**
 * A small pickle WRITER for test fixtures (protocol 2 opcodes, plus protocol-3 bytes), laid out the way CPython's
 * pickler does it: memo puts for containers and strings, dict/list items in MARK…SETITEMS / APPENDS batches of 1000
 * (a single item uses SETITEM / APPEND), OrderedDict via REDUCE, numpy float64 scalars via numpy.core.multiarray.scalar.
 * Strings for which `intern(s)` is true are memoized by value and re-used with BINGET, as CPython does for interned
 * identifiers shared between records.
 */

export class Tuple {
  constructor(readonly items: W[]) {}
}
export class Dict {
  constructor(
    readonly entries: [W, W][],
    readonly ordered = false,
  ) {}
}
/** a Python float even when the value is integral */
export class Float {
  constructor(readonly value: number) {}
}
/** numpy.float64 scalar */
export class F64 {
  constructor(readonly value: number) {}
}
/** a module.name global pushed with GLOBAL */
export class Global {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
}
/** callable(args) via REDUCE */
export class Reduce {
  constructor(
    readonly fn: W,
    readonly args: Tuple,
  ) {}
}
/** persistent id (BINPERSID) */
export class PersId {
  constructor(readonly pid: W) {}
}
/** verbatim opcode bytes */
export class Raw {
  constructor(readonly bytes: number[]) {}
}

export type W = null | boolean | number | bigint | string | Uint8Array | W[] | Tuple | Dict | Float | F64 | Global | Reduce | PersId | Raw;

export interface WriterOptions {
  protocol?: 2 | 4;
  intern?: (s: string) => boolean;
}

export function pickle(value: W, opts: WriterOptions = {}): Uint8Array {
  const out: number[] = [];
  const protocol = opts.protocol ?? 2;
  const intern = opts.intern ?? (() => false);
  const strings = new Map<string, number>();
  let memo = 0;
  const u32 = (n: number): void => {
    out.push(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
  };
  const put = (): number => {
    const i = memo++;
    if (i < 256) out.push(0x71, i);
    else {
      out.push(0x72);
      u32(i);
    }
    return i;
  };
  const get = (i: number): void => {
    if (i < 256) out.push(0x68, i);
    else {
      out.push(0x6a);
      u32(i);
    }
  };
  const text = (s: string): void => {
    for (const c of s) out.push(c.charCodeAt(0));
    out.push(0x0a);
  };
  const str = (s: string): void => {
    if (intern(s) && strings.has(s)) return get(strings.get(s)!);
    const b = new TextEncoder().encode(s);
    out.push(0x58);
    u32(b.length);
    out.push(...b);
    const i = put();
    if (intern(s)) strings.set(s, i);
  };
  const items = (entries: [W, W][]): void => {
    if (entries.length === 1) {
      w(entries[0]![0]);
      w(entries[0]![1]);
      out.push(0x73);
      return;
    }
    for (let i = 0; i < entries.length; i += 1000) {
      const batch = entries.slice(i, i + 1000);
      if (batch.length === 1) {
        w(batch[0]![0]);
        w(batch[0]![1]);
        out.push(0x73);
        continue;
      }
      out.push(0x28);
      for (const [k, v] of batch) {
        w(k);
        w(v);
      }
      out.push(0x75);
    }
  };
  const w = (v: W): void => {
    if (v === null) out.push(0x4e);
    else if (v === true) out.push(0x88);
    else if (v === false) out.push(0x89);
    else if (typeof v === "string") str(v);
    else if (typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v) && !Object.is(v, -0))) {
      const n = BigInt(v);
      if (n >= 0n && n < 256n) out.push(0x4b, Number(n));
      else if (n >= 0n && n < 65536n) out.push(0x4d, Number(n) & 0xff, Number(n) >> 8);
      else if (n >= -(2n ** 31n) && n < 2n ** 31n) {
        out.push(0x4a);
        u32(Number(BigInt.asUintN(32, n)));
      } else {
        const bytes: number[] = [];
        let x = BigInt.asUintN(8 * 16, n);
        for (let i = 0; i < 16; i++, x >>= 8n) bytes.push(Number(x & 0xffn));
        out.push(0x8a, 16, ...bytes);
      }
    } else if (typeof v === "number" || v instanceof Float) {
      const x = typeof v === "number" ? v : v.value;
      const b = new Uint8Array(8);
      new DataView(b.buffer).setFloat64(0, x, false);
      out.push(0x47, ...b);
    } else if (v instanceof Uint8Array) {
      if (protocol < 3) throw new Error("bytes need protocol 3+ in this writer");
      if (v.length < 256) out.push(0x43, v.length);
      else {
        out.push(0x42);
        u32(v.length);
      }
      out.push(...v);
      put();
    } else if (Array.isArray(v)) {
      out.push(0x5d);
      put();
      if (v.length === 1) {
        w(v[0]!);
        out.push(0x61);
      } else
        for (let i = 0; i < v.length; i += 1000) {
          out.push(0x28);
          for (const x of v.slice(i, i + 1000)) w(x);
          out.push(0x65);
        }
    } else if (v instanceof Tuple) {
      const n = v.items.length;
      if (n === 0) out.push(0x29);
      else if (n <= 3) {
        v.items.forEach(w);
        out.push(0x84 + n);
        put();
      } else {
        out.push(0x28);
        v.items.forEach(w);
        out.push(0x74);
        put();
      }
    } else if (v instanceof Dict) {
      if (v.ordered) {
        w(new Global("collections", "OrderedDict"));
        out.push(0x29, 0x52);
      } else out.push(0x7d);
      put();
      items(v.entries);
    } else if (v instanceof F64) {
      const raw = new Uint8Array(8);
      new DataView(raw.buffer).setFloat64(0, v.value, true);
      w(new Global("numpy.core.multiarray", "scalar"));
      w(new Global("numpy", "dtype"));
      w(new Tuple(["f8", 0, 1]));
      out.push(0x52);
      put();
      w(new Tuple([3, "<", null, null, null, -1, -1, 0]));
      out.push(0x62);
      if (protocol >= 3) w(raw);
      else throw new Error("numpy scalars need protocol 3+ in this writer");
      out.push(0x86, 0x52);
      put();
    } else if (v instanceof Global) {
      out.push(0x63);
      text(v.module);
      text(v.name);
      put();
    } else if (v instanceof Reduce) {
      w(v.fn);
      w(v.args);
      out.push(0x52);
      put();
    } else if (v instanceof PersId) {
      w(v.pid);
      out.push(0x51);
    } else if (v instanceof Raw) out.push(...v.bytes);
  };
  out.push(0x80, protocol === 4 ? 4 : protocol);
  w(value);
  out.push(0x2e);
  return Uint8Array.from(out);
}
