import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zipSync } from "fflate";
import { afterAll, describe, expect, test } from "vitest";
import { FormatError } from "../../packages/core/src/formats/errors.js";
import { PyDict, TorchTensor } from "../../packages/core/src/formats/pyvalue.js";
import { readTorch, storageFromBytes } from "../../packages/core/src/formats/torch.js";
import { unpickle } from "../../packages/core/src/formats/pickle.js";
import { PYTHON, requireSystem } from "../support/system.js";
import { Dict, Global, PersId, pickle, Reduce, Tuple, type W } from "./pickle-writer.js";

const dir = mkdtempSync(join(tmpdir(), "aa-nas-torch-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** {'w': tensor(shape [2,2] float32 from storage '0'), 'b': tensor(int64 storage '1'), 'meta': {'epochs': 12}} */
function payload(): W {
  const tensor = (key: string, cls: string, numel: number, size: number[], stride: number[]): W =>
    new Reduce(
      new Global("torch._utils", "_rebuild_tensor_v2"),
      new Tuple([
        new PersId(new Tuple(["storage", new Global("torch", cls), key, "cpu", numel])),
        0,
        new Tuple(size),
        new Tuple(stride),
        false,
        new Reduce(new Global("collections", "OrderedDict"), new Tuple([])),
      ]),
    );
  return new Dict([
    ["w", tensor("0", "FloatStorage", 4, [2, 2], [2, 1])],
    ["b", tensor("1", "LongStorage", 2, [2], [1])],
    ["meta", new Dict([["epochs", 12]])],
  ]);
}

const floats = new Uint8Array(new Float32Array([0.5, 1.5, 2.5, 3.5]).buffer);
const longs = new Uint8Array(new BigInt64Array([7n, -8n]).buffer);

function zipLayout(): Uint8Array {
  return zipSync(
    { "model/data.pkl": [pickle(payload()), { level: 0 }], "model/data/0": [floats, { level: 0 }], "model/data/1": [longs, { level: 6 }], "model/version": new TextEncoder().encode("3\n") },
    {},
  );
}

function legacyLayout(): Uint8Array {
  const u64 = (n: number): number[] => [...new Uint8Array(new BigUint64Array([BigInt(n)]).buffer)];
  return Uint8Array.from([
    ...pickle(0x1950a86a20f9469cfc6cn),
    ...pickle(1001),
    ...pickle(new Dict([["protocol_version", 1001], ["little_endian", true]])),
    ...pickle(payload()),
    ...pickle(["0", "1"]),
    ...u64(4),
    ...floats,
    ...u64(2),
    ...longs,
  ]);
}

function check(v: unknown, withData: boolean): void {
  expect(v).toBeInstanceOf(PyDict);
  const d = v as PyDict;
  const w = d.get("w") as TorchTensor;
  expect(w).toBeInstanceOf(TorchTensor);
  expect([w.dtype, w.shape, w.stride]).toStrictEqual(["float32", [2, 2], [2, 1]]);
  expect((d.get("b") as TorchTensor).dtype).toBe("int64");
  expect((d.get("meta") as PyDict).get("epochs")).toBe(12);
  if (withData) {
    expect([...w.storage.data!]).toStrictEqual([0.5, 1.5, 2.5, 3.5]);
    expect([...(d.get("b") as TorchTensor).storage.data!]).toStrictEqual([7n, -8n]);
  } else expect(w.storage.data).toBeNull();
}

describe("torch.save files", () => {
  test.each([
    ["zip container", zipLayout],
    ["legacy stream", legacyLayout],
  ])("the %s layout reads from memory and from a file, with and without tensor data", (name, make) => {
    const bytes = make();
    check(readTorch(bytes, { loadTensorData: true }), true);
    check(readTorch(bytes), false);
    const path = join(dir, `${name.replace(" ", "-")}.pth`);
    writeFileSync(path, bytes);
    check(readTorch(path, { loadTensorData: true }), true);
  });

  test("files written by real torch.save (both layouts) read the same as torch.load", () => {
    requireSystem("torch");
    const script = `
import torch, collections, sys
d = {'full': collections.OrderedDict([('w', torch.arange(6, dtype=torch.float32).reshape(2, 3)), ('h', torch.tensor([1.5], dtype=torch.float16))]),
     'n': None, 'x': [1, 2.5, 'three']}
torch.save(d, sys.argv[1])
torch.save(d, sys.argv[2], _use_new_zipfile_serialization=False)`;
    const a = join(dir, "zip.pth");
    const b = join(dir, "legacy.pth");
    const r = spawnSync(PYTHON, ["-c", script, a, b], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    for (const path of [a, b]) {
      const v = readTorch(path, { loadTensorData: true }) as PyDict;
      const full = v.get("full") as PyDict;
      expect(full.kind).toBe("OrderedDict");
      const w = full.get("w") as TorchTensor;
      expect([w.shape, [...w.storage.data!]]).toStrictEqual([[2, 3], [0, 1, 2, 3, 4, 5]]);
      expect([...(full.get("h") as TorchTensor).storage.data!]).toStrictEqual([1.5]);
      expect(v.get("x")).toStrictEqual([1, 2.5, "three"]);
      expect(v.get("n")).toBeNull();
    }
  });

  test.each([
    ["a truncated zip container", () => zipLayout().subarray(0, 200)],
    ["a truncated legacy stream", () => legacyLayout().subarray(0, legacyLayout().length - 5)],
    ["a zip without data.pkl", () => zipSync({ "x/other": new Uint8Array(3) })],
    ["random bytes", () => new TextEncoder().encode("definitely not a checkpoint")],
    ["a legacy stream with a wrong magic number", () => Uint8Array.from([...pickle(42), ...pickle(1001)])],
  ])("%s → one FormatError", (_name, make) => {
    expect(() => readTorch(make(), { label: "bad.pth", loadTensorData: true })).toThrow(FormatError);
  });
});

describe("tensors pickled outside torch.save (torch.storage._load_from_bytes)", () => {
  test("read through storageFromBytes: shape, stride and dtype; without the option the call is an error", () => {
    requireSystem("torch");
    const script = "import pickle, sys, torch, collections\nsys.stdout.buffer.write(pickle.dumps(collections.OrderedDict(w=torch.ones(2, 3).t(), n=torch.tensor(5)), protocol=4))";
    const r = spawnSync(PYTHON, ["-c", script], { maxBuffer: 1 << 24 });
    expect(r.status, String(r.stderr)).toBe(0);
    const bytes = new Uint8Array(r.stdout);
    expect(() => unpickle(bytes, { label: "t" })).toThrow(/_load_from_bytes .* needs a torch reader/);
    const d = unpickle(bytes, { label: "t", storageFromBytes: (b) => storageFromBytes(b, "t", { loadTensorData: true }) }) as PyDict;
    const w = d.get("w") as TorchTensor;
    expect([w.shape, w.stride, w.dtype, w.storage.numel]).toStrictEqual([[3, 2], [1, 3], "float32", 6]);
    expect(Array.from(w.storage.data as Float32Array)).toStrictEqual([1, 1, 1, 1, 1, 1]);
    expect((d.get("n") as TorchTensor).dtype).toBe("int64");
  });
});
