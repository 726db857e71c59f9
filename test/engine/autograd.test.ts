import { describe, expect, it } from "vitest";
import { clipGradNorm, grad, noGrad, isGradEnabled, tensor, tidy } from "../../packages/engine/src/tensor/index.js";

describe("autograd", () => {
  it("grad() returns d(out)/d(chosen inputs) without touching .grad", () =>
    tidy(() => {
      const x = tensor([1, 2, 3], [3], { requiresGrad: true });
      const w = tensor([0.5, -1, 2], [3], { requiresGrad: true });
      const out = x.mul(x).mul(w).sum(); // d/dx = 2xw, d/dw = x²
      const [gx] = grad(out, [x], { retainGraph: true });
      expect(gx?.toNumbers()).toEqual([1, -4, 12]);
      expect(x.grad).toBeNull();
      expect(w.grad).toBeNull();
      const [gw] = grad(out, [w]);
      expect(gw?.toNumbers()).toEqual([1, 4, 9]);
    }));

  it("grad() reports unused inputs as null only when allowed", () =>
    tidy(() => {
      const x = tensor([1, 2], [2], { requiresGrad: true });
      const unused = tensor([1], [1], { requiresGrad: true });
      const out = x.sum();
      expect(() => grad(out, [unused], { retainGraph: true })).toThrow(/not have been used|does not require grad|unused/i);
      const [g] = grad(out, [unused], { allowUnused: true });
      expect(g).toBeNull();
    }));

  it("backward() accumulates into .grad; retainGraph allows a second pass; custom gradient for non-scalars", () =>
    tidy(() => {
      const x = tensor([1, 2], [2], { requiresGrad: true });
      const y = x.mul(x); // saves x for backward: a pass without retainGraph frees it
      y.backward({ gradient: tensor([1, 1], [2]), retainGraph: true });
      y.backward({ gradient: tensor([1, 0], [2]) });
      expect(x.grad?.toNumbers()).toEqual([4, 4]);
      expect(() => y.backward({ gradient: tensor([1, 1], [2]) })).toThrow(/second time|freed/);
    }));

  it("noGrad() stops recording and restores the previous mode", () =>
    tidy(() => {
      const x = tensor([1], [1], { requiresGrad: true });
      const y = noGrad(() => {
        expect(isGradEnabled()).toBe(false);
        return x.mul(2);
      });
      expect(isGradEnabled()).toBe(true);
      expect(y.requiresGrad).toBe(false);
    }));

  it("clipGradNorm scales all gradients jointly to maxNorm and returns the norm before clipping", () =>
    tidy(() => {
      const a = tensor([0, 0], [2], { requiresGrad: true });
      const b = tensor([0], [1], { requiresGrad: true });
      a.grad = tensor([3, 0], [2]);
      b.grad = tensor([4], [1]);
      const norm = clipGradNorm([a, b], 1);
      expect(norm).toBeCloseTo(5, 6);
      const scale = 1 / (5 + 1e-6);
      expect(a.grad?.toNumbers()[0]).toBeCloseTo(3 * scale, 6);
      expect(b.grad?.toNumbers()[0]).toBeCloseTo(4 * scale, 6);
      // below the bound: unchanged
      expect(clipGradNorm([a, b], 10)).toBeCloseTo(1, 5);
      expect(b.grad?.toNumbers()[0]).toBeCloseTo(4 * scale, 6);
    }));
});
