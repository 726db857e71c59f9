import { describe, expect, it } from "vitest";
import { Linear, checkDevice, cudaAvailable, ones, tidy, zeros } from "../../packages/engine/src/tensor/index.js";
import { UserError } from "../../packages/core/src/errors.js";

describe("devices", () => {
  it("accepts cpu everywhere", () =>
    tidy(() => {
      expect(checkDevice("cpu")).toBe("cpu");
      expect(zeros([2], { device: "cpu" }).device).toBe("cpu");
    }));

  it("rejects unknown device names, listing the valid forms", () => {
    expect(() => checkDevice("gpu")).toThrow(UserError);
    expect(() => checkDevice("gpu")).toThrow(/unknown device 'gpu'; valid: 'cpu', 'cuda' or 'cuda:<index>'/);
  });

  it("without CUDA, asking for it is a clear UserError (tensor, .to, module.to)", (ctx) => {
    if (cudaAvailable()) ctx.skip("this machine has CUDA; the test checks the error on a machine without it");
    expect(() => zeros([2], { device: "cuda" })).toThrow(UserError);
    expect(() => zeros([2], { device: "cuda" })).toThrow(/CUDA is unavailable.*valid here: 'cpu'.*LIBTORCH=/);
    tidy(() => expect(() => ones([1]).to("cuda:0")).toThrow(/CUDA is unavailable/));
    const lin = new Linear(2, 2);
    expect(() => lin.to("cuda")).toThrow(/CUDA is unavailable/);
    lin.dispose();
  });

  it("with CUDA, tensors and modules move to the GPU and back", (ctx) => {
    if (!cudaAvailable()) ctx.skip("needs a CUDA GPU and the addon built against a CUDA libtorch");
    tidy(() => {
      const lin = new Linear(3, 2).to("cuda");
      expect(lin.weight.device).toBe("cuda:0");
      const y = lin.forward(ones([4, 3], { device: "cuda" }));
      expect(y.device).toBe("cuda:0");
      expect(y.to("cpu").shape).toEqual([4, 2]);
      lin.dispose();
    });
  });
});
