import { describe, expect, it } from "vitest";
import {
  F,
  arange,
  cat,
  full,
  gumbelLike,
  manualSeed,
  multinomial,
  ones,
  randn,
  stack,
  tensor,
  tidy,
  zeros,
} from "../../packages/engine/src/tensor/index.js";

describe("tensor ops", () => {
  it("round-trips typed arrays with their dtype", () =>
    tidy(() => {
      const f = tensor(new Float32Array([1.5, -2]), [2]);
      expect(f.dtype).toBe("float32");
      expect(f.toArray()).toEqual(new Float32Array([1.5, -2]));
      const labels = tensor(new Int32Array([3, 1]), [2], { dtype: "int64" });
      expect(labels.dtype).toBe("int64");
      expect(labels.toArray()).toEqual(new BigInt64Array([3n, 1n]));
      expect(() => tensor([1, 2, 3], [2, 2])).toThrow(/needs 4 values but 3/);
    }));

  it("keeps integer tensors integral under integer scalars (like Python ints)", () =>
    tidy(() => {
      const i = tensor(new BigInt64Array([1n, 2n]), [2]);
      expect(i.add(1).dtype).toBe("int64");
      expect(i.add(0.5).dtype).toBe("float32");
      const counter = zeros([], { dtype: "int64" });
      counter.add_(1).add_(1);
      expect(counter.item()).toBe(2);
    }));

  it("avg pooling without count_include_pad divides border windows by in-image pixels", () =>
    tidy(() => {
      const x = ones([1, 1, 3, 3]);
      const excl = F.avgPool2d(x, 3, { stride: 1, padding: 1, countIncludePad: false }).toNumbers();
      expect(excl).toEqual(new Array(9).fill(1));
      const incl = F.avgPool2d(x, 3, { stride: 1, padding: 1 }).toNumbers();
      expect(incl[0]).toBeCloseTo(4 / 9, 6); // corner: 4 real pixels / 9
      expect(incl[1]).toBeCloseTo(6 / 9, 6); // edge
      expect(incl[4]).toBeCloseTo(1, 6);
    }));

  it("slices with a step, narrows, selects and indexes", () =>
    tidy(() => {
      const x = arange(0, 16).view(4, 4);
      expect(x.slice(1, 0, 4, 2).toNumbers()).toEqual([0, 2, 4, 6, 8, 10, 12, 14]);
      expect(x.slice(0, 1).select(1, 3).toNumbers()).toEqual([7, 11, 15]);
      expect(x.narrow(0, 2, 1).toNumbers()).toEqual([8, 9, 10, 11]);
      expect(x.indexSelect(0, tensor(new BigInt64Array([3n, 0n]), [2])).select(1, 0).toNumbers()).toEqual([12, 0]);
      expect(x.permute(1, 0).contiguous().view(16).toNumbers().slice(0, 4)).toEqual([0, 4, 8, 12]);
    }));

  it("joins, reduces and ranks", () =>
    tidy(() => {
      const a = tensor([1, 5, 3], [1, 3]);
      const b = tensor([4, 2, 6], [1, 3]);
      expect(cat([a, b], 0).shape).toEqual([2, 3]);
      expect(stack([a, b], 0).shape).toEqual([2, 1, 3]);
      const m = cat([a, b], 0);
      expect(m.sum(1).toNumbers()).toEqual([9, 12]);
      expect(m.mean([0, 1]).item()).toBeCloseTo(3.5, 6);
      expect(m.argmax(1).toNumbers()).toEqual([1, 2]);
      const [vals, idx] = m.topk(2, 1);
      expect(vals.toNumbers()).toEqual([5, 3, 6, 4]);
      expect(idx.toNumbers()).toEqual([1, 2, 2, 0]);
      expect(m.amax().item()).toBe(6);
      expect(m.clamp({ min: 2, max: 5 }).toNumbers()).toEqual([2, 5, 3, 4, 2, 5]);
      expect(m.softmax(1).sum(1).toNumbers().map((v) => Math.round(v * 1e6) / 1e6)).toEqual([1, 1]);
    }));

  it("cross-entropy with label smoothing mixes the target with the uniform distribution", () =>
    tidy(() => {
      const logits = tensor([2, 0, -1, 0.5, 0.1, 0.3], [2, 3]);
      const target = tensor(new BigInt64Array([0n, 2n]), [2]);
      const eps = 0.1;
      const logp = logits.logSoftmax(1);
      const nll = F.crossEntropy(logits, target).item();
      const uniform = logp.mean(1).neg().mean().item();
      expect(F.crossEntropy(logits, target, { labelSmoothing: eps }).item()).toBeCloseTo((1 - eps) * nll + eps * uniform, 6);
      expect(F.crossEntropy(logits, target, { reduction: "none" }).shape).toEqual([2]);
    }));

  it("draws reproducibly from the seeded generator (multinomial, gumbel, randn)", () =>
    tidy(() => {
      const draw = (): number[] => {
        manualSeed(11);
        const probs = tensor([0.1, 0.6, 0.3], [1, 3]);
        return [...multinomial(probs, 5, true).toNumbers(), ...gumbelLike(zeros([3])).toNumbers(), ...randn([2]).toNumbers()];
      };
      const first = draw();
      expect(draw()).toEqual(first);
      expect(first.slice(0, 5).every((v) => v >= 0 && v <= 2)).toBe(true);
    }));

  it("runs an LSTM cell and a constant pad", () =>
    tidy(() => {
      const x = full([2, 3], 0.5);
      const [h, c] = F.lstmCell(x, [zeros([2, 4]), zeros([2, 4])], full([16, 3], 0.1), full([16, 4], 0.1));
      expect(h.shape).toEqual([2, 4]);
      // gates all equal 0.15: c = σ(.15)·tanh(.15), h = σ(.15)·tanh(c)
      const s = 1 / (1 + Math.exp(-0.15));
      const cExpected = s * Math.tanh(0.15);
      expect(c.toNumbers()[0]).toBeCloseTo(cExpected, 6);
      expect(h.toNumbers()[0]).toBeCloseTo(s * Math.tanh(cExpected), 6);
      const p = F.pad(ones([1, 1, 2, 2]), [0, 1, 0, 1], 0);
      expect(p.shape).toEqual([1, 1, 3, 3]);
      expect(p.sum().item()).toBe(4);
    }));

  it("reports libtorch errors as JS errors with libtorch's message", () =>
    tidy(() => {
      expect(() => ones([2, 3]).matmul(ones([2, 3]))).toThrow(/libtorch: .*(shapes cannot be multiplied|size mismatch)/);
    }));
});
