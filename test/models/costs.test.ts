import { describe, expect, it } from "vitest";
import { networkCosts } from "../../packages/engine/src/models/costs.js";
import { stateEntries, tinyNetwork } from "../../packages/engine/src/models/structure.js";
import { COST_DATASETS, allArchs, archCosts, archAt } from "../../packages/core/src/space/index.js";

const CLASSES = { "cifar10-valid": 10, cifar10: 10, cifar100: 100, "ImageNet16-120": 120 } as const;
const SIDE = { "cifar10-valid": 32, cifar10: 32, cifar100: 32, "ImageNet16-120": 16 } as const;

describe("params and FLOPs walked from the module tree", () => {
  it("equal the closed form (archCosts) bit for bit for all 15,625 archs × every dataset", () => {
    const mismatches: string[] = [];
    for (const arch of allArchs()) {
      // one description per arch; the datasets differ only in the classifier's width and the input side
      const net = tinyNetwork(16, 5, arch, 10);
      for (const ds of COST_DATASETS) {
        const withClasses = { ...net, numClasses: CLASSES[ds], classifier: { ...net.classifier, outFeatures: CLASSES[ds] } };
        const walked = networkCosts(withClasses, SIDE[ds]);
        const closed = archCosts(arch, ds);
        if (walked.flops !== closed.flops || walked.params !== closed.params) mismatches.push(`${arch} ${ds}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it("reproduce the real records' values for arch 0 (cifar10 15.64737 / 0.129306, ImageNet16-120 3.91948 / 0.136456)", () => {
    const net = tinyNetwork(16, 5, archAt(0), 10);
    expect(networkCosts(net, 32)).toMatchObject({ flops: 15.64737, params: 0.129306, outShape: [10, 1, 1] });
    expect(networkCosts(tinyNetwork(16, 5, archAt(0), 120), 16)).toMatchObject({ flops: 3.91948, params: 0.136456 });
  });

  it("count a 1-channel input (Fashion-MNIST) with a smaller stem only", () => {
    const rgb = networkCosts(tinyNetwork(16, 5, archAt(1462), 10, 3), 32);
    const grey = networkCosts(tinyNetwork(16, 5, archAt(1462), 10, 1), 32);
    expect(Math.round((rgb.params - grey.params) * 1e6)).toBe(2 * 16 * 9);
    expect(Math.round((rgb.flops - grey.flops) * 1e6)).toBe(2 * 16 * 9 * 32 * 32);
  });
});

describe("state-dict names", () => {
  it("match the original's keys for the ResNet cell (11472)", () => {
    const names = stateEntries(tinyNetwork(16, 5, archAt(11472), 10)).map((e) => e.name);
    expect(names.slice(0, 6)).toEqual(["stem.0.weight", "stem.1.weight", "stem.1.bias", "stem.1.running_mean", "stem.1.running_var", "stem.1.num_batches_tracked"]);
    expect(names).toContain("cells.0.layers.0.op.1.weight");
    expect(names).toContain("cells.0.layers.2.op.2.running_var");
    expect(names).not.toContain("cells.0.layers.1.op.1.weight"); // none edge
    expect(names).toContain("cells.5.conv_a.op.1.weight");
    expect(names).toContain("cells.5.conv_b.op.2.bias");
    expect(names).toContain("cells.11.downsample.1.weight");
    expect(names.slice(-7)).toEqual([
      "lastact.0.weight",
      "lastact.0.bias",
      "lastact.0.running_mean",
      "lastact.0.running_var",
      "lastact.0.num_batches_tracked",
      "classifier.weight",
      "classifier.bias",
    ]);
  });
});
