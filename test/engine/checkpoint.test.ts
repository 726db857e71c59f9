import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  Adam,
  BatchNorm2d,
  Conv2d,
  F,
  Linear,
  SGD,
  Sequential,
  UserErrorLike,
  decodeSafetensors,
  encodeSafetensors,
  loadCheckpoint,
  loadSafetensors,
  manualSeed,
  randn,
  saveCheckpoint,
  saveSafetensors,
  tensor,
  tidy,
} from "./support/engine-with-errors.js";
import { runTorchReference } from "./support/torch-reference.js";

const dir = mkdtempSync(join(tmpdir(), "aa-nas-ckpt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function trainedNet(seed: number): { net: Sequential; opt: SGD } {
  manualSeed(seed);
  const net = new Sequential(new Conv2d(2, 3, 3, { padding: 1 }), new BatchNorm2d(3));
  const opt = new SGD(net.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
  tidy(() => {
    const loss = net.forward(randn([4, 2, 5, 5])).square().mean();
    loss.backward();
    opt.step();
  });
  return { net, opt };
}

describe("safetensors", () => {
  it("round-trips every supported dtype with names, shapes, values and metadata", () =>
    tidy(() => {
      const tensors = new Map([
        ["a.float", tensor([1.5, -2, 3.25, 0], [2, 2])],
        ["b.int64", tensor(new BigInt64Array([1n, -5n, 9007199254740993n]), [3])],
        ["c.bool", tensor(new Uint8Array([1, 0, 1]), [3], { dtype: "bool" })],
        ["d.scalar", tensor(new BigInt64Array([7n]), [])],
        ["e.f64", tensor(new Float64Array([Math.PI]), [1])],
      ]);
      const back = decodeSafetensors(encodeSafetensors(tensors, { epoch: "3" }));
      expect(back.metadata).toEqual({ epoch: "3" });
      expect([...back.tensors.keys()]).toEqual([...tensors.keys()]);
      for (const [k, t] of tensors) {
        const u = back.tensors.get(k);
        expect(u?.dtype, k).toBe(t.dtype);
        expect(u?.shape, k).toEqual(t.shape);
        expect(u?.toArray(), k).toEqual(t.toArray());
      }
    }));

  it("writes a header padded to 8 bytes that an independent reader understands", () => {
    const path = join(dir, "interop.safetensors");
    tidy(() => saveSafetensors(path, new Map([["w", tensor([0.1, 0.2, 0.3], [3])], ["n", tensor(new BigInt64Array([4n]), [])]]), { note: "x" }));
    const headerLength = Number(readFileSync(path).readBigUInt64LE(0));
    expect(headerLength % 8).toBe(0);
    const out = runTorchReference<{ metadata: Record<string, string>; tensors: Record<string, { dtype: string; shape: number[]; values: number[] }> }>(
      "read-safetensors",
      { path },
      {},
    );
    expect(out.metadata).toEqual({ note: "x" });
    expect(out.tensors.w).toEqual({ dtype: "F32", shape: [3], values: [...new Float32Array([0.1, 0.2, 0.3])] });
    expect(out.tensors.n).toEqual({ dtype: "I64", shape: [], values: [4] });
  });

  it("rejects truncated or garbled files with a UserError naming the file", () => {
    const path = join(dir, "bad.safetensors");
    writeFileSync(path, Buffer.from([200, 0, 0, 0, 0, 0, 0, 0, 123]));
    expect(() => loadSafetensors(path)).toThrow(UserErrorLike);
    expect(() => loadSafetensors(path)).toThrow(/bad\.safetensors is not a valid safetensors file: header length 200/);
  });
});

describe("checkpoints", () => {
  it("restores model weights, BN buffers and SGD momentum so training continues identically", () => {
    const path = join(dir, "sgd.safetensors");
    const a = trainedNet(1);
    saveCheckpoint(path, { model: a.net, optimizer: a.opt, metadata: { arch: "|nor_conv_3x3~0|" } });
    const b = trainedNet(2);
    const meta = loadCheckpoint(path, { model: b.net, optimizer: b.opt });
    expect(meta).toEqual({ arch: "|nor_conv_3x3~0|" });
    for (const [k, t] of a.net.stateDict()) expect(b.net.stateDict().get(k)?.toArray(), k).toEqual(t.toArray());
    const stepBoth = (m: { net: Sequential; opt: SGD }): Float32Array =>
      tidy(() => {
        manualSeed(9);
        m.opt.zeroGrad();
        m.net.forward(randn([4, 2, 5, 5])).square().mean().backward();
        m.opt.step();
        return (m.net.parameters()[0] as ReturnType<typeof randn>).toFloat32Array();
      });
    expect(stepBoth(b)).toEqual(stepBoth(a));
  });

  it("restores Adam moments and step counts", () => {
    const path = join(dir, "adam.safetensors");
    manualSeed(4);
    const net = new Linear(3, 2);
    const opt = new Adam(net.parameters(), { lr: 0.01 });
    tidy(() => {
      F.linear(randn([5, 3]), net.weight, net.bias).sum().backward();
      opt.step();
    });
    saveCheckpoint(path, { model: net, optimizer: opt });
    const net2 = new Linear(3, 2);
    const opt2 = new Adam(net2.parameters(), { lr: 0.5 });
    loadCheckpoint(path, { model: net2, optimizer: opt2 });
    expect(opt2.lr).toBe(0.01);
    const s1 = opt.stateDict().tensors;
    const s2 = opt2.stateDict().tensors;
    expect([...s2.keys()]).toEqual(["0.exp_avg", "0.exp_avg_sq", "0.step", "1.exp_avg", "1.exp_avg_sq", "1.step"]);
    for (const [k, t] of s1) expect(s2.get(k)?.toArray(), k).toEqual(t.toArray());
  });

  it("says exactly which names are missing, unexpected or mis-shaped", () => {
    const path = join(dir, "mismatch.safetensors");
    saveCheckpoint(path, { model: new Sequential(new Linear(4, 3), new Linear(3, 2)) });
    const other = new Sequential(new Linear(4, 5), new Linear(5, 2), new Linear(2, 2));
    let message = "";
    try {
      loadCheckpoint(path, { model: other });
    } catch (err) {
      expect(err).toBeInstanceOf(UserErrorLike);
      message = (err as Error).message;
    }
    expect(message).toContain("mismatch.safetensors");
    expect(message).toContain("missing: 2.weight, 2.bias");
    expect(message).toContain("0.weight (expected [5, 4], got [3, 4])");
    expect(message).toContain("1.weight (expected [2, 5], got [2, 3])");
    expect(message).not.toContain("unexpected");
    expect(() => loadCheckpoint(path, { optimizer: new SGD(other.parameters(), { lr: 1 }) })).toThrow(/holds no optimizer state/);
  });
});
