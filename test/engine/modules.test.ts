import { describe, expect, it } from "vitest";
import {
  BatchNorm2d,
  Conv2d,
  Embedding,
  LSTMCell,
  Linear,
  ModuleList,
  ReLU,
  Sequential,
  StateDictMismatchError,
  noGrad,
  randn,
  tensor,
  tidy,
} from "../../packages/engine/src/tensor/index.js";

describe("nn modules", () => {
  it("names nested parameters and buffers like PyTorch's state_dict", () => {
    const net = new Sequential(new Conv2d(3, 4, 3, { bias: false }), new BatchNorm2d(4), new ReLU());
    const list = new ModuleList([net, new Sequential(new Linear(4, 2))]);
    expect([...list.stateDict().keys()]).toEqual([
      "0.0.weight",
      "0.1.weight",
      "0.1.bias",
      "0.1.running_mean",
      "0.1.running_var",
      "0.1.num_batches_tracked",
      "1.0.weight",
      "1.0.bias",
    ]);
    expect(list.namedParameters().map(([n]) => n)).toEqual(["0.0.weight", "0.1.weight", "0.1.bias", "1.0.weight", "1.0.bias"]);
    expect(list.stateDict().get("0.1.num_batches_tracked")?.dtype).toBe("int64");
    expect(list.numParameters()).toBe(3 * 4 * 9 + 8 + 4 * 2 + 2);
    list.dispose();
  });

  it("BatchNorm2d uses batch statistics in train mode, running statistics in eval mode", () => {
    const bn = new BatchNorm2d(2);
    tidy(() => {
      const x = randn([8, 2, 3, 3]).mul(3).add(5);
      const y = bn.forward(x);
      expect(Math.abs(y.mean().item())).toBeLessThan(1e-5);
      expect(bn.numBatchesTracked?.item()).toBe(1);
      const rm = bn.runningMean?.toNumbers() ?? [];
      expect(rm[0]).toBeGreaterThan(0.3); // 0.9·0 + 0.1·~5
      bn.eval();
      const z = noGrad(() => bn.forward(x));
      expect(z.mean().item()).toBeGreaterThan(1); // running stats still far from the batch's
      expect(bn.numBatchesTracked?.item()).toBe(1);
    });
    bn.dispose();
  });

  it("BatchNorm2d without affine/tracking has no state entries and always normalises by the batch", () => {
    const bn = new BatchNorm2d(2, { affine: false, trackRunningStats: false });
    expect([...bn.stateDict().keys()]).toEqual([]);
    bn.eval();
    tidy(() => expect(Math.abs(bn.forward(randn([4, 2, 2, 2]).add(3)).mean().item())).toBeLessThan(1e-5));
  });

  it("loadStateDict copies values and lists every missing, unexpected and mis-shaped key", () => {
    const a = new Sequential(new Linear(3, 2), new Linear(2, 1));
    const b = new Sequential(new Linear(3, 2), new Linear(2, 1));
    b.loadStateDict(a.stateDict());
    tidy(() => expect(b.get(0).forward(tensor([1, 2, 3], [1, 3])).toNumbers()).toEqual(a.get(0).forward(tensor([1, 2, 3], [1, 3])).toNumbers()));
    const wrong = new Map(a.stateDict());
    wrong.delete("1.bias");
    wrong.set("2.weight", a.stateDict().get("0.weight") as never);
    const c = new Sequential(new Linear(3, 2), new Linear(5, 1));
    let message = "";
    try {
      c.loadStateDict(wrong);
    } catch (err) {
      expect(err).toBeInstanceOf(StateDictMismatchError);
      message = (err as Error).message;
    }
    expect(message).toContain("missing: 1.bias");
    expect(message).toContain("unexpected: 2.weight");
    expect(message).toContain("1.weight (expected [1, 5], got [1, 2])");
    for (const m of [a, b, c]) m.dispose();
  });

  it("initialises like PyTorch's bounds (conv/linear ±1/√fan_in, LSTM ±1/√hidden, embedding N(0,1))", () => {
    const conv = new Conv2d(4, 8, 3);
    const fanIn = 4 * 9;
    const w = conv.weight.toNumbers();
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(fanIn));
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.8 / Math.sqrt(fanIn));
    const cell = new LSTMCell(3, 16);
    expect(cell.namedParameters().map(([n]) => n)).toEqual(["weight_ih", "weight_hh", "bias_ih", "bias_hh"]);
    expect(Math.max(...cell.weightHh.toNumbers().map(Math.abs))).toBeLessThanOrEqual(0.25);
    const emb = new Embedding(100, 10);
    const e = emb.weight.toNumbers();
    const mean = e.reduce((s, v) => s + v, 0) / e.length;
    expect(Math.abs(mean)).toBeLessThan(0.15);
    for (const m of [conv, cell, emb]) m.dispose();
  });

  it("train()/eval() propagate to every descendant", () => {
    const net = new Sequential(new Sequential(new BatchNorm2d(1)), new ReLU());
    net.eval();
    expect(net.namedModules().every(([, m]) => !m.training)).toBe(true);
    net.train();
    expect(net.namedModules().every(([, m]) => m.training)).toBe(true);
    net.dispose();
  });
});
