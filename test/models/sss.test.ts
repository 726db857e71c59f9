/**
 * The size search space's network (NATS-Bench sss, spec nats-sss §2) as a module tree: parameters and FLOPs walked
 * from it equal the spec's closed form on every one of the 32,768 configs, its state-dict names are the original's,
 * and training resolves its archs through core's space module. Bit parity of the built network: sss-parity.test.ts.
 */
import { describe, expect, it } from "vitest";
import { networkCosts } from "../../packages/engine/src/models/costs.js";
import { shapeTinyNetwork, stateEntries, NetworkSizeError } from "../../packages/engine/src/models/structure.js";
import { resolveSpaceArch } from "../../packages/engine/src/models/space-network.js";
import { archAt, parseSizeArch, SIZE_GENOTYPE } from "../../packages/core/src/space/index.js";

/** `C_k = 8·(1 + ⌊index / 8^(5−k)⌋ mod 8)`: the last position varies fastest (spec §1). */
const configAt = (index: number): number[] => [4, 3, 2, 1, 0].map((p) => 8 * (1 + (Math.floor(index / 8 ** p) % 8)));

const DATASETS = [
  ["cifar10", 10, 32],
  ["cifar100", 100, 32],
  ["ImageNet16-120", 120, 16],
] as const;

/** The spec's closed form (§2, "Params and FLOPs"), in integers; divided by 1e6 once, as the walk does. */
function closedForm([c1, c2, c3, c4, c5]: number[], K: number, H: number): { flops: number; params: number } {
  const d = (a: number, b: number): number => (a === b ? 0 : 1);
  const cellP = (i: number, o: number): number => 18 * i * o + 27 * o * o + 10 * o + d(i, o) * (i * o + 2 * o);
  const cellF = (i: number, o: number): number => 18 * i * o + 27 * o * o + d(i, o) * i * o;
  const rbP = (i: number, o: number): number => 10 * i * o + 9 * o * o + 4 * o;
  const rbF = (i: number, o: number): number => 10 * i * o + 9 * o * o;
  const params = 29 * c1! + cellP(c1!, c1!) + rbP(c1!, c2!) + cellP(c2!, c3!) + rbP(c3!, c4!) + cellP(c4!, c5!) + 2 * c5! + K * c5! + K;
  const flops =
    H * H * (27 * c1! + 45 * c1! * c1!) +
    (H / 2) ** 2 * (rbF(c1!, c2!) + cellF(c2!, c3!)) +
    (H / 4) ** 2 * (rbF(c3!, c4!) + cellF(c4!, c5!)) +
    K * c5! +
    K;
  return { flops: flops / 1e6, params: params / 1e6 };
}

describe("size-space network costs", () => {
  it("equal the spec's closed form bit for bit on all 32,768 configs × cifar10, cifar100, ImageNet16-120", () => {
    const mismatches: string[] = [];
    const range = new Map<string, number[]>();
    for (let i = 0; i < 8 ** 5; i++) {
      const channels = configAt(i);
      for (const [ds, K, H] of DATASETS) {
        const walked = networkCosts(shapeTinyNetwork(channels, K), H);
        const closed = closedForm(channels, K, H);
        if (walked.flops !== closed.flops || walked.params !== closed.params) mismatches.push(`${channels.join(":")} ${ds}`);
        const r = range.get(ds) ?? [Infinity, -Infinity, Infinity, -Infinity];
        range.set(ds, [Math.min(r[0]!, walked.flops), Math.max(r[1]!, walked.flops), Math.min(r[2]!, walked.params), Math.max(r[3]!, walked.params)]);
      }
    }
    expect(mismatches).toEqual([]);
    // the spec's ranges over the space (FLOPs min, max; params min, max)
    expect(range.get("cifar10")).toEqual([4.481114, 274.399882, 0.011714, 0.713674]);
    expect(range.get("cifar100")).toEqual([4.481924, 274.405732, 0.012524, 0.719524]);
    expect(range.get("ImageNet16-120")).toEqual([1.121336, 68.607608, 0.012704, 0.720824]);
  });

  it("reproduce the benchmark's records for configs 0, 11 and 284 (FLOPs M / params M per dataset)", () => {
    const records: [number, string, [number, number][]][] = [
      [0, "8:8:8:8:8", [[4.481114, 0.011714], [4.481924, 0.012524], [1.121336, 0.012704]]],
      [11, "8:8:8:16:32", [[6.84065, 0.049202], [6.84362, 0.052172], [1.71404, 0.052832]]],
      [284, "8:8:40:32:40", [[21.827994, 0.144834], [21.831684, 0.148524], [5.461816, 0.149344]]],
    ];
    for (const [index, arch, values] of records) {
      expect(configAt(index).join(":")).toBe(arch);
      DATASETS.forEach(([, K, H], d) => {
        const { flops, params, outShape } = networkCosts(shapeTinyNetwork(parseSizeArch(arch), K), H);
        expect([flops, params]).toEqual(values[d]);
        expect(outShape).toEqual([K, 1, 1]);
      });
    }
  });
});

describe("size-space network structure", () => {
  it("uses the fixed cell of the space, tss arch 9930", () => {
    expect(SIZE_GENOTYPE).toBe(archAt(9930));
  });

  it("names its state dict as the original: a 1×1 conv + BN skip only where a cell changes width", () => {
    const entries = stateEntries(shapeTinyNetwork([8, 16, 24, 32, 40], 10));
    const shape = new Map(entries.map((e) => [e.name, e.shape]));
    const names = entries.map((e) => e.name);
    expect(shape.get("stem.0.weight")).toEqual([8, 3, 3, 3]);
    // cells.0 is 8→8: its skip is an Identity, without keys
    expect(names.filter((n) => n.startsWith("cells.0.layers.3"))).toEqual([]);
    expect(shape.get("cells.0.layers.0.op.1.weight")).toEqual([8, 8, 3, 3]);
    // cells.2 maps 16→24: edges from node 0 take 16 planes, the others 24
    expect(shape.get("cells.2.layers.0.op.1.weight")).toEqual([24, 16, 3, 3]);
    expect(shape.get("cells.2.layers.1.op.1.weight")).toEqual([24, 16, 3, 3]);
    expect(shape.get("cells.2.layers.2.op.1.weight")).toEqual([24, 24, 3, 3]);
    expect(names.filter((n) => n.startsWith("cells.2.layers.3."))).toEqual([
      "cells.2.layers.3.conv.weight",
      "cells.2.layers.3.bn.weight",
      "cells.2.layers.3.bn.bias",
      "cells.2.layers.3.bn.running_mean",
      "cells.2.layers.3.bn.running_var",
      "cells.2.layers.3.bn.num_batches_tracked",
    ]);
    expect(shape.get("cells.2.layers.3.conv.weight")).toEqual([24, 16, 1, 1]);
    expect(shape.get("cells.4.layers.3.conv.weight")).toEqual([40, 32, 1, 1]);
    expect(shape.get("cells.4.layers.5.op.1.weight")).toEqual([40, 40, 3, 3]);
    // reduction blocks: stride-2 conv_a and the AvgPool + 1×1 conv shortcut
    expect(shape.get("cells.1.conv_a.op.1.weight")).toEqual([16, 8, 3, 3]);
    expect(shape.get("cells.1.conv_b.op.1.weight")).toEqual([16, 16, 3, 3]);
    expect(shape.get("cells.1.downsample.1.weight")).toEqual([16, 8, 1, 1]);
    expect(shape.get("cells.3.downsample.1.weight")).toEqual([32, 24, 1, 1]);
    expect(shape.get("lastact.0.weight")).toEqual([40]);
    expect(shape.get("classifier.weight")).toEqual([10, 40]);
    expect(names.at(-1)).toBe("classifier.bias");
  });

  it("keeps the reduction shortcut when a block keeps its width, and an Identity skip when a cell does", () => {
    const names = stateEntries(shapeTinyNetwork([16, 16, 16, 16, 16], 10)).map((e) => e.name);
    expect(names).toContain("cells.1.downsample.1.weight");
    expect(names).toContain("cells.3.downsample.1.weight");
    expect(names.filter((n) => n.includes(".layers.3."))).toEqual([]);
  });

  it("refuses a channel list that is not 3N + 2 long, or a width out of range", () => {
    expect(() => shapeTinyNetwork([8, 8, 8, 8], 10)).toThrow(NetworkSizeError);
    expect(() => shapeTinyNetwork([8, 8, 8, 8], 10)).toThrow(/4 channel counts given; expected 3N \+ 2/);
    expect(() => shapeTinyNetwork([8, 8, 0, 8, 8], 10)).toThrow(/channel 0 is out of range/);
  });
});

describe("size-space indexes in training (core's space module; its own tests: test/space/size.test.ts)", () => {
  it("resolve by index or string in the space named, as training does", () => {
    expect(resolveSpaceArch("sss", 668)).toEqual({ index: 668, arch: "8:16:24:32:40" });
    expect(resolveSpaceArch("sss", "8:16:24:32:40")).toEqual({ index: 668, arch: "8:16:24:32:40" });
    expect(resolveSpaceArch("sss", "668")).toEqual({ index: 668, arch: "8:16:24:32:40" });
    expect(resolveSpaceArch("tss", 9930).arch).toBe(SIZE_GENOTYPE);
  });
});
