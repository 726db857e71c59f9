// Deterministic freeing keeps a training loop's memory flat (notes/engine.md: relying on GC reached 7 GB).
import { describe, expect, it } from "vitest";
import { F, SGD, allocatorStats, liveTensorCount, manualSeed, randint, randn, tidy } from "../../packages/engine/src/tensor/index.js";
import { ConvNet } from "./support/nets.js";

const MB = 1024 * 1024;

describe("memory", () => {
  it("200 training steps keep RSS, live tensors and allocator bytes flat after warm-up", () => {
    manualSeed(0);
    const net = new ConvNet(10);
    const opt = new SGD(net.parameters(), { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
    const step = (): number =>
      tidy(() => {
        const x = randn([16, 3, 16, 16]);
        const y = randint(0, 10, [16]);
        const loss = F.crossEntropy(net.forward(x), y);
        opt.zeroGrad();
        loss.backward();
        opt.step();
        return loss.item();
      });
    for (let i = 0; i < 20; i++) step();
    const rss0 = process.memoryUsage().rss;
    const live0 = liveTensorCount();
    const alloc0 = allocatorStats().liveBytes;
    let last = 0;
    for (let i = 0; i < 200; i++) last = step();
    const growth = (process.memoryUsage().rss - rss0) / MB;
    expect(Number.isFinite(last)).toBe(true);
    expect(liveTensorCount()).toBe(live0);
    expect(allocatorStats().liveBytes).toBe(alloc0);
    expect(growth).toBeLessThan(30);
    opt.dispose();
    net.dispose();
  });
});
