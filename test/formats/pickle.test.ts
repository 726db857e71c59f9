import { existsSync, readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { describe, expect, test } from "vitest";
import { bunzip2 } from "../../packages/core/src/formats/bzip2.js";
import { ByteReader } from "../../packages/core/src/formats/byte-reader.js";
import { ForbiddenGlobalError, FormatError } from "../../packages/core/src/formats/errors.js";
import { ALLOWED_GLOBALS, unpickle, Unpickler } from "../../packages/core/src/formats/pickle.js";
import { NdArray, PyDict, PySet, PyTuple, type PyValue } from "../../packages/core/src/formats/pyvalue.js";
import { allArchs } from "../../packages/core/src/space/index.js";
import { NATS_SAMPLE as SAMPLE, readReferenceJson, referencePath } from "../support/reference.js";
import { PYTHON, requireSystem } from "../support/system.js";
import { Dict, F64, Global, pickle, Raw, Reduce, Tuple } from "./pickle-writer.js";

function sample(name: string): Uint8Array {
  const path = referencePath(SAMPLE, `${name}.pickle.pbz2`);
  return bunzip2(readFileSync(path), path);
}

function bytes(...parts: (string | number[])[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === "string") for (const c of p) out.push(c.charCodeAt(0));
    else out.push(...p);
  }
  return Uint8Array.from(out);
}

function d(v: PyValue | undefined): PyDict {
  expect(v).toBeInstanceOf(PyDict);
  return v as PyDict;
}

describe("real NATS-Bench sample pickles", () => {
  test("meta.pickle.pbz2 lists the 15,625 archs in benchmark order and nothing else", () => {
    const meta = d(unpickle(sample("meta")));
    expect(meta.keys()).toStrictEqual(["meta_archs", "total_archs", "arch2infos", "evaluated_indexes"]);
    expect(meta.get("meta_archs")).toStrictEqual(allArchs());
    expect(meta.get("total_archs")).toBe(15625);
    expect(meta.get("arch2infos")).toBeNull();
    expect(meta.get("evaluated_indexes")).toStrictEqual(new PySet("set", []));
  });

  test("an arch record decodes to the values of the independent JSON dump (tuple keys, numpy scalars, OrderedDict)", () => {
    const json = readReferenceJson<
      Record<string, { all_results: Record<string, Record<string, unknown>>; dataset_seed: Record<string, number[]> }>
    >("nats-tss-sample-archs-json", "000284.json");
    const root = d(unpickle(sample("000284")));
    expect(root.kind).toBe("OrderedDict");
    expect(root.keys()).toStrictEqual(["12", "200"]);
    for (const hp of ["12", "200"]) {
      const state = d(root.get(hp));
      const all = d(state.get("all_results"));
      for (const [key, expected] of Object.entries(json[hp]!.all_results)) {
        const [ds, seed] = key.split("@") as [string, string];
        const rc = d(all.get(new PyTuple([ds, Number(seed)])));
        expect(rc.get("params"), key).toBe(expected.params);
        expect(rc.get("flop"), key).toBe(expected.flop);
        expect(rc.get("seed"), key).toBe(expected.seed);
        expect(rc.get("latency"), key).toStrictEqual(expected.latency);
        for (const field of ["train_acc1es", "train_losses", "eval_acc1es", "eval_losses", "eval_times"]) {
          const got = d(rc.get(field));
          const want = expected[field] as Record<string, number>;
          expect(got.size, `${key} ${field}`).toBe(Object.keys(want).length);
          for (const [k, v] of got.entries()) expect(v, `${key} ${field} ${String(k)}`).toBe(want[String(k)]);
        }
      }
    }
  });
});

describe("opcode coverage", () => {
  test("protocol 0 text opcodes: INT, LONG, FLOAT, STRING, UNICODE, GET/PUT, DICT, LIST, TUPLE", () => {
    const p = bytes("(dp0\nS'a\\x41\\n'\np1\nI42\nsVu\\u00e9\\U0001F600\np2\n(F1.5\nL123456789012345678901234567890L\nI01\nI00\ntp3\nsS\"k\"\n(lp4\ng1\nas.");
    const v = d(unpickle(p));
    expect(v.get("aA\n")).toBe(42);
    expect(v.get("ué😀")).toStrictEqual(new PyTuple([1.5, 123456789012345678901234567890n, true, false]));
    expect(v.get("k")).toStrictEqual(["aA\n"]);
  });

  test("protocol 2 binary opcodes: BININT*, LONG1, BINFLOAT, SHORT_BINSTRING, TUPLE1-3, NEWTRUE/FALSE, APPENDS, memo", () => {
    const v = unpickle(
      pickle([0, 255, 65535, -1, 2 ** 31 - 1, 2n ** 70n, -(2n ** 70n), 0.1, -0, true, false, null, new Tuple([1]), new Tuple([1, 2, 3, 4]), "é"]),
    );
    expect(v).toStrictEqual([
      0,
      255,
      65535,
      -1,
      2 ** 31 - 1,
      2n ** 70n,
      -(2n ** 70n),
      0.1,
      -0,
      true,
      false,
      null,
      new PyTuple([1]),
      new PyTuple([1, 2, 3, 4]),
      "é",
    ]);
  });

  test("dicts keep insertion order, tuple keys and Python key equality (1 == 1.0 == True)", () => {
    const v = d(unpickle(pickle(new Dict([[new Tuple(["cifar10", 777]), "a"], [2, "b"], ["z", "c"]], true))));
    expect(v.kind).toBe("OrderedDict");
    expect(v.get(new PyTuple(["cifar10", 777]))).toBe("a");
    expect(v.get(2.0)).toBe("b");
    expect(v.keys()).toStrictEqual([new PyTuple(["cifar10", 777]), 2, "z"]);
    v.set(true, "x");
    v.set(1, "y");
    expect(v.get(true)).toBe("y");
  });

  test("a dict of 2500 items (three SETITEMS batches) and a 1-item dict (SETITEM) load completely", () => {
    const entries: [number, number][] = Array.from({ length: 2500 }, (_, i) => [i, i * 0.5]);
    const v = d(unpickle(pickle(new Dict(entries))));
    expect(v.size).toBe(2500);
    expect(v.get(2499)).toBe(1249.5);
    expect(d(unpickle(pickle(new Dict([["only", 1]])))).get("only")).toBe(1);
  });

  test("protocol 4/5 opcodes: FRAME, SHORT_BINUNICODE, MEMOIZE, STACK_GLOBAL, EMPTY_SET/ADDITEMS, FROZENSET, BINBYTES8, BYTEARRAY8", () => {
    const p = bytes(
      [0x80, 5, 0x95, 60, 0, 0, 0, 0, 0, 0, 0],
      [0x5d, 0x94], // EMPTY_LIST MEMOIZE
      [0x28], // MARK
      [0x8c, 11],
      "collections",
      [0x94, 0x8c, 11],
      "OrderedDict",
      [0x94, 0x93, 0x29, 0x52], // STACK_GLOBAL () REDUCE
      [0x8f, 0x28, 0x4b, 1, 0x4b, 2, 0x90], // EMPTY_SET MARK 1 2 ADDITEMS
      [0x28, 0x4b, 3, 0x91], // MARK 3 FROZENSET
      [0x8e, 2, 0, 0, 0, 0, 0, 0, 0, 0xff, 0x00], // BINBYTES8
      [0x96, 1, 0, 0, 0, 0, 0, 0, 0, 0x07], // BYTEARRAY8
      [0x68, 1], // BINGET 1 -> 'collections'
      [0x65, 0x2e], // APPENDS STOP
    );
    const v = unpickle(p) as PyValue[];
    expect(v[0]).toStrictEqual(new PyDict("OrderedDict"));
    expect(v[1]).toStrictEqual(new PySet("set", [1, 2]));
    expect(v[2]).toStrictEqual(new PySet("frozenset", [3]));
    expect(v[3]).toStrictEqual(Uint8Array.from([0xff, 0]));
    expect(v[4]).toStrictEqual(Uint8Array.from([7]));
    expect(v[5]).toBe("collections");
  });

  test("numpy float64 scalars and arrays rebuilt with _reconstruct (C and Fortran order, big-endian)", () => {
    expect(unpickle(pickle(new F64(0.129306), { protocol: 4 }))).toBe(0.129306);
    const arr = (shape: number[], dtype: string, fortran: boolean, data: number[]): Uint8Array =>
      pickle(
        new Raw([
          ...pickle(new Reduce(new Global("numpy.core.multiarray", "_reconstruct"), new Tuple([new Global("numpy", "ndarray"), new Tuple([0]), Uint8Array.of(98)])), {
            protocol: 4,
          }).slice(2, -1),
          ...pickle(
            new Tuple([
              1,
              new Tuple(shape),
              new Reduce(new Global("numpy", "dtype"), new Tuple([dtype, 0, 1])),
              fortran,
              Uint8Array.from(data),
            ]),
            { protocol: 4 },
          ).slice(2, -1),
          0x62, // BUILD on the array
        ]),
        { protocol: 4 },
      );
    const c = unpickle(arr([2, 3], "u1", false, [1, 2, 3, 4, 5, 6])) as NdArray;
    expect(c.dtype).toBe("uint8");
    expect(c.shape).toStrictEqual([2, 3]);
    expect([...c.data]).toStrictEqual([1, 2, 3, 4, 5, 6]);
    const f = unpickle(arr([2, 3], "u1", true, [1, 4, 2, 5, 3, 6])) as NdArray;
    expect([...f.data]).toStrictEqual([1, 2, 3, 4, 5, 6]);
  });

  test("pickles written by CPython (protocols 0-5, numpy arrays incl. big-endian and Fortran order, a CIFAR-style batch) decode as Python sees them", () => {
    requireSystem("numpy");
    const script = `
import pickle, sys, numpy as np, collections, json
objs = {
  'ints': [0, -1, 2**40, -2**70, True], 'floats': [0.1, -0.0, 1e308], 'text': ['é', 'x'*300],
  'tup': (1, (2, 3), ()), 'od': collections.OrderedDict([(('a', 1), 2)]), 'set': {1, 2}, 'fs': frozenset([3]),
  'b': b'\\x00\\xff', 'ba': bytearray(b'\\x07'),
  'f64': np.arange(6, dtype='<f8').reshape(2, 3), 'i64be': np.array([1, -2], dtype='>i8'),
  'f32': np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)), 'sc': np.float64(2.5), 'i8': np.int64(-3),
  'u8': np.arange(3072 * 2, dtype=np.uint8).reshape(2, 3072) }
out = []
for proto in range(0, 6):
    out.append(pickle.dumps(objs, protocol=proto).hex())
# a CIFAR-style batch: protocol 2, numpy uint8 data, label list
out.append(pickle.dumps({'data': objs['u8'], 'labels': [1, 2]}, protocol=2, fix_imports=True).hex())
print(json.dumps(out))`;
    const r = spawnSync(PYTHON, ["-c", script], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const hexes = JSON.parse(r.stdout) as string[];
    for (const [proto, hex] of hexes.slice(0, 6).entries()) {
      const v = d(unpickle(Buffer.from(hex, "hex"), { label: `protocol ${proto}` }));
      expect(v.get("ints"), `p${proto}`).toStrictEqual([0, -1, 2 ** 40, -(2n ** 70n), true]);
      expect(v.get("floats")).toStrictEqual([0.1, -0, 1e308]);
      expect(v.get("text")).toStrictEqual(["é", "x".repeat(300)]);
      expect(v.get("tup")).toStrictEqual(new PyTuple([1, new PyTuple([2, 3]), new PyTuple([])]));
      expect(d(v.get("od")).get(new PyTuple(["a", 1]))).toBe(2);
      expect((v.get("set") as PySet).items.sort()).toStrictEqual([1, 2]);
      expect(v.get("fs")).toStrictEqual(new PySet("frozenset", [3]));
      expect(v.get("b")).toStrictEqual(Uint8Array.from([0, 255]));
      expect(v.get("ba")).toStrictEqual(Uint8Array.from([7]));
      const f64 = v.get("f64") as NdArray;
      expect([f64.dtype, f64.shape, [...f64.data]]).toStrictEqual(["float64", [2, 3], [0, 1, 2, 3, 4, 5]]);
      const be = v.get("i64be") as NdArray;
      expect([be.dtype, [...be.data]]).toStrictEqual(["int64", [1n, -2n]]);
      const f32 = v.get("f32") as NdArray;
      expect([f32.dtype, f32.shape, [...f32.data]]).toStrictEqual(["float32", [2, 3], [0, 1, 2, 3, 4, 5]]);
      expect(v.get("sc")).toBe(2.5);
      expect(v.get("i8")).toBe(-3);
      expect((v.get("u8") as NdArray).data[3071]).toBe(3071 % 256);
    }
    const batch = d(unpickle(Buffer.from(hexes[6]!, "hex")));
    expect((batch.get("data") as NdArray).shape).toStrictEqual([2, 3072]);
    expect(batch.get("labels")).toStrictEqual([1, 2]);
  });

  test("Python 2 str opcodes: ASCII becomes text, other bytes stay bytes by default; 'latin1', 'bytes' and strict 'ascii' on request", () => {
    // {'data': '\xff\x00', 'labels': [1]} as Python 2 pickles it (SHORT_BINSTRING / BINSTRING)
    const p = bytes([0x80, 2, 0x7d, 0x28, 0x55, 4], "data", [0x54, 2, 0, 0, 0, 0xff, 0x00, 0x55, 6], "labels", [0x5d, 0x4b, 1, 0x61, 0x75, 0x2e]);
    const def = d(unpickle(p));
    expect(def.get("data")).toStrictEqual(Uint8Array.from([0xff, 0]));
    expect(def.get("labels")).toStrictEqual([1]);
    expect(d(unpickle(p, { encoding: "latin1" })).get("data")).toBe("\u00ff\u0000");
    expect(d(unpickle(p, { encoding: "bytes" })).get(Uint8Array.from([100, 97, 116, 97]))).toStrictEqual(Uint8Array.from([0xff, 0]));
    expect(() => unpickle(p, { encoding: "ascii" })).toThrow(/non-ASCII/);
  });

  test("several pickles in one stream are read one after another (legacy torch.save layout)", () => {
    const two = new Uint8Array([...pickle(1), ...pickle("two")]);
    const reader = new ByteReader(two);
    expect(new Unpickler(reader).load()).toBe(1);
    expect(new Unpickler(reader).load()).toBe("two");
    expect(reader.atEnd()).toBe(true);
  });
});

describe("safety: globals outside the allow-list are refused, never called", () => {
  test.each([
    ["GLOBAL os.system (protocol 0)", bytes("cos\nsystem\n(S'touch /tmp/aa-nas-pwned'\ntR."), "os.system"],
    ["GLOBAL posix.system", bytes("cposix\nsystem\n(S'id'\ntR."), "posix.system"],
    ["__builtin__.eval via fix_imports", bytes([0x80, 2], "c__builtin__\neval\n(S'1'\ntR."), "builtins.eval"],
    ["STACK_GLOBAL subprocess.Popen", bytes([0x80, 4, 0x8c, 10], "subprocess", [0x8c, 5], "Popen", [0x93, 0x29, 0x52, 0x2e]), "subprocess.Popen"],
    ["INST os.system", bytes("(S'id'\nios\nsystem\n."), "os.system"],
    ["copyreg._reconstructor", bytes("ccopy_reg\n_reconstructor\n."), "copyreg._reconstructor"],
  ])("%s → ForbiddenGlobalError naming it", (_name, p, global) => {
    let err: unknown;
    try {
      unpickle(p, { label: "evil.pkl" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ForbiddenGlobalError);
    expect((err as ForbiddenGlobalError).globalName).toBe(global);
    expect((err as Error).message).toContain(`'${global}'`);
    expect((err as Error).message).toContain("evil.pkl");
    expect((err as Error).message).toContain("collections.OrderedDict");
    expect(existsSync("/tmp/aa-nas-pwned")).toBe(false);
  });

  test("the allow-list is exactly the documented set of data constructors", () => {
    expect(ALLOWED_GLOBALS).toContain("collections.OrderedDict");
    expect(ALLOWED_GLOBALS).toContain("torch._utils._rebuild_tensor_v2");
    expect(ALLOWED_GLOBALS).toContain("_codecs.encode");
    for (const name of ALLOWED_GLOBALS) expect(name).toMatch(/^(collections|builtins\.(set|frozenset|bytes|bytearray)$|_codecs|numpy|torch)/);
  });
});

describe("bad input: one FormatError, no hang", () => {
  const raw = sample("000011");

  test.each([1, 2, 100, 5000, 160000, raw.length - 1])("a pickle cut after %i bytes is reported as truncated", (n) => {
    expect(() => unpickle(raw.subarray(0, n), { label: "cut.pkl" })).toThrow(/cut\.pkl: .*truncated|cut\.pkl: .*STOP/);
  });

  test.each([
    ["an unknown opcode", bytes([0x80, 2, 0xff])],
    ["a stack underflow", bytes([0x80, 2, 0x86, 0x2e])],
    ["SETITEMS on a list", bytes([0x80, 2, 0x5d, 0x28, 0x4b, 1, 0x4b, 2, 0x75, 0x2e])],
    ["a missing memo entry", bytes([0x80, 2, 0x68, 9, 0x2e])],
    ["an unhashable dict key", bytes([0x80, 2, 0x7d, 0x5d, 0x4b, 1, 0x73, 0x2e])],
    ["REDUCE of a non-callable", bytes([0x80, 2, 0x4b, 1, 0x29, 0x52, 0x2e])],
    ["a negative LONG4 length", bytes([0x80, 2, 0x8b, 0xff, 0xff, 0xff, 0xff])],
    ["a huge BINUNICODE length", bytes([0x80, 2, 0x58, 0xff, 0xff, 0xff, 0x7f])],
    ["protocol 6", bytes([0x80, 6])],
    ["an empty input", bytes()],
    ["STOP with two values", bytes([0x80, 2, 0x4e, 0x4e, 0x2e])],
  ])("%s", (_name, p) => {
    expect(() => unpickle(p)).toThrow(FormatError);
  });
});
