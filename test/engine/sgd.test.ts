import { describe, expect, it } from "vitest";
import { SGD, tensor, tidy } from "../../packages/engine/src/tensor/index.js";

// torch.optim.SGD (1.13) steps every parameter whose .grad is defined, zero or not, and skips the others. The
// TinyNetwork parity relies on it: layers that reach the cell output only through `none` edges get zero gradients,
// and PyTorch still applies weight decay and momentum to them.
describe("SGD: a zero gradient is stepped, an undefined one is skipped", () => {
  it("decays a parameter whose gradient is zero and keeps its momentum buffer; leaves one without a gradient alone", () =>
    tidy(() => {
      const init = [0.5, -2, 3];
      const zeroGrad = tensor(init, [3], { requiresGrad: true });
      const noGrad = tensor(init, [3], { requiresGrad: true });
      zeroGrad.mul(0).sum().backward();
      expect(zeroGrad.grad?.toNumbers()).toEqual([0, 0, 0]);
      expect(noGrad.grad).toBeNull();

      const lr = 0.1, momentum = 0.9, wd = 5e-4;
      const opt = new SGD([zeroGrad, noGrad], { lr, momentum, weightDecay: wd, nesterov: true });
      try {
        opt.step();
        // first step: buf = g + wd·p = wd·p; nesterov: p ← p − lr·(wd·p + μ·buf)
        zeroGrad.toNumbers().forEach((v, i) => expect(v).toBeCloseTo(init[i]! * (1 - lr * wd * (1 + momentum)), 6));
        expect(zeroGrad.toNumbers()).not.toEqual(init);
        expect(noGrad.toNumbers()).toEqual(init);
        const buffers = opt.stateDict().tensors;
        expect([...buffers.keys()]).toEqual(["0.momentum_buffer"]);
        buffers.get("0.momentum_buffer")!.toNumbers().forEach((v, i) => expect(v).toBeCloseTo(init[i]! * wd, 9));
      } finally {
        opt.dispose();
      }
    }));
});
