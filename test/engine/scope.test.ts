import { describe, expect, it } from "vitest";
import { dispose, liveTensorCount, ones, randn, scopeDepth, tidy, zeros } from "../../packages/engine/src/tensor/index.js";

describe("tidy / dispose", () => {
  it("frees every tensor created inside the scope", () => {
    const before = liveTensorCount();
    tidy(() => {
      const a = ones([4, 4]);
      a.mul(3).add(1).relu().sum();
    });
    expect(liveTensorCount()).toBe(before);
  });

  it("keeps the returned tensors (also inside arrays and objects) and frees the rest", () => {
    const before = liveTensorCount();
    const out = tidy(() => {
      const a = ones([2]);
      const b = a.add(1);
      return { sum: b.sum(), parts: [b.mul(2)] };
    });
    expect(liveTensorCount()).toBe(before + 2);
    expect(out.sum.item()).toBe(4);
    expect(out.parts[0]?.toNumbers()).toEqual([4, 4]);
    dispose(out.sum, out.parts);
    expect(liveTensorCount()).toBe(before);
  });

  it("hands a nested scope's result to the enclosing scope, which then frees it", () => {
    const before = liveTensorCount();
    tidy(() => {
      const inner = tidy(() => zeros([3]).add(2));
      expect(scopeDepth()).toBe(1);
      expect(inner.isDisposed).toBe(false);
    });
    expect(liveTensorCount()).toBe(before);
  });

  it("never frees kept tensors; dispose() frees them", () => {
    const before = liveTensorCount();
    const kept = tidy(() => {
      const k = randn([5]).keep();
      k.add(1);
      return null;
    }) ?? null;
    expect(kept).toBeNull();
    expect(liveTensorCount()).toBe(before + 1);
    const k2 = tidy(() => randn([2]).keep());
    expect(k2.isKept).toBe(true);
    k2.dispose();
    k2.dispose(); // idempotent
    expect(liveTensorCount()).toBe(before + 1);
  });

  it("frees the scope's tensors when fn throws", () => {
    const before = liveTensorCount();
    expect(() =>
      tidy(() => {
        ones([3]).add(1);
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(liveTensorCount()).toBe(before);
  });

  it("rejects use of a tensor after its scope ended", () => {
    let escaped = ones([1]);
    escaped.dispose();
    tidy(() => {
      escaped = ones([2]).add(1);
      return null;
    });
    expect(escaped.isDisposed).toBe(true);
    expect(() => escaped.sum()).toThrow(/after dispose/);
  });

  it("rejects async functions, which would let tensors escape", () => {
    const before = liveTensorCount();
    expect(() => tidy(async () => ones([1]))).toThrow(/synchronous/);
    expect(liveTensorCount()).toBe(before);
  });
});
