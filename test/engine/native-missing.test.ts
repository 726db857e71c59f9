import { afterEach, describe, expect, it, vi } from "vitest";

describe("engine without a built addon", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it("imports fine, reports unavailable, and the first op throws a UserError telling how to build", async () => {
    vi.stubEnv("AA_NAS_NATIVE", "/nonexistent/aa_nas_native.node");
    vi.resetModules();
    const engine = await import("../../packages/engine/src/tensor/index.js");
    const { UserError } = await import("../../packages/core/src/errors.js");
    expect(engine.engineAvailable()).toBe(false);
    expect(() => engine.zeros([1])).toThrow(UserError);
    expect(() => engine.zeros([1])).toThrow(/npm run build:native.*libtorch-dev/);
  });

  it("rejects a malformed AA_NAS_THREADS with the valid range", async () => {
    vi.stubEnv("AA_NAS_THREADS", "zero");
    vi.resetModules();
    const engine = await import("../../packages/engine/src/tensor/index.js");
    expect(() => engine.zeros([1])).toThrow(/AA_NAS_THREADS must be a positive integer \(got 'zero'\)/);
  });
});
