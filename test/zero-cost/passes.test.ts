/**
 * A shared pass does only what its requested proxies need (nwot alone: a forward without gradients; fisher alone: no
 * weight gradients), and gives exactly the numbers of the full shared pass: asked one by one or all at once, every
 * proxy scores the same, bit for bit.
 */
import { describe, expect, it } from "vitest";
import { archAt } from "../../packages/core/src/space/index.js";
import { setNumThreads } from "../../packages/engine/src/tensor/index.js";
import { computeProxies, gaussianBatch, type ProxyName } from "../../packages/engine/src/zero-cost/index.js";

const NETWORK: ProxyName[] = ["snip", "grad_norm", "plain", "fisher", "nwot", "jacov", "epe_nas", "synflow", "l2_norm"];

describe("zero-cost passes: a proxy alone equals the same proxy in its shared pass", () => {
  setNumThreads(1);
  for (const archIndex of [1462, 12121]) {
    it(`arch ${archIndex}`, () => {
      const { batch } = gaussianBatch(6, 1, [3, 16, 16], 3);
      const net = { arch: archAt(archIndex), seed: 2, classes: 3, costDataset: "cifar10", C: 8, N: 1 };
      const together = Object.fromEntries(computeProxies(net, batch, NETWORK).map((s) => [s.proxy, s.score]));
      const alone = Object.fromEntries(NETWORK.map((p) => [p, computeProxies(net, batch, [p])[0]!.score]));
      expect(alone).toEqual(together);
      expect(Object.values(together).every(Number.isFinite)).toBe(true);
      // a subset of the loss pass (no nwot, no fisher) too
      const some = Object.fromEntries(computeProxies(net, batch, ["plain", "snip"]).map((s) => [s.proxy, s.score]));
      expect(some).toEqual({ plain: together.plain, snip: together.snip });
    }, 60_000);
  }
});
