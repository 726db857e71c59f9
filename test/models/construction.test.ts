import { describe, expect, it } from "vitest";
import { manualSeed, Identity } from "../../packages/engine/src/tensor/index.js";
import { stateEntries, tinyNetwork } from "../../packages/engine/src/models/structure.js";
import { TinyNetwork } from "../../packages/engine/src/models/tiny-network.js";
import { InferCell, ResNetBasicblock } from "../../packages/engine/src/models/cells.js";
import { Pooling, ReLUConvBN, Zero } from "../../packages/engine/src/models/operations.js";
import { PyRandom, allArchs, archAt, archCosts } from "../../packages/core/src/space/index.js";

describe("TinyNetwork built over the engine", () => {
  it("has exactly the described state-dict entries and the closed-form parameter count for 300 sampled archs", () => {
    const rng = new PyRandom(5);
    const archs = allArchs();
    const picks = [0, 11472, 1462, ...Array.from({ length: 297 }, () => rng.randbelow(archs.length))];
    manualSeed(0);
    for (const index of picks) {
      const arch = archs[index]!;
      const classes = [10, 100, 120][index % 3]!;
      const net = TinyNetwork.create(16, 5, arch, classes);
      try {
        const described = stateEntries(tinyNetwork(16, 5, arch, classes)).map((e) => `${e.name}:${e.shape.join("x")}`);
        const built = [...net.stateDict()].map(([k, t]) => `${k}:${t.shape.join("x")}`);
        expect(built).toEqual(described);
        const ds = classes === 10 ? "cifar10" : classes === 100 ? "cifar100" : "ImageNet16-120";
        expect(net.numParameters() / 1e6).toBe(archCosts(arch, ds).params);
      } finally {
        net.dispose();
      }
    }
  });

  it("lays out cells as the original: 15 InferCells with one flat layer list in string order, ResNet blocks at 5 and 11", () => {
    const net = TinyNetwork.create(16, 5, archAt(0), 10);
    try {
      const cells = [...net.cells];
      expect(cells.map((c) => (c instanceof ResNetBasicblock ? "R" : "I")).join("")).toBe("IIIIIRIIIIIRIIIII");
      const cell = cells[0] as InferCell;
      // arch 0: |avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|
      const kinds = [...cell.layers].map((l) => l.constructor);
      expect(kinds).toEqual([Pooling, ReLUConvBN, Identity, ReLUConvBN, Identity, Identity]);
      const zeroNet = TinyNetwork.create(16, 5, archAt(11472), 10);
      expect([...(zeroNet.cells.get(0) as InferCell).layers].filter((l) => l instanceof Zero)).toHaveLength(2);
      zeroNet.dispose();
    } finally {
      net.dispose();
    }
  });
});
