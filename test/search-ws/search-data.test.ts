// The search loaders of spec §7.1 on Fashion-MNIST (the embedded default): disjoint train / valid halves, paired
// batches whose arch half comes from the valid set, plans that depend on (seed, epoch) only.
import { describe, expect, it } from "vitest";
import { BatchStream, loadSearchData, planSearchEpoch, streamSeed, type SearchData } from "../../packages/engine/src/search-ws/search-data.js";
import { PyRandom } from "../../packages/core/src/space/index.js";

describe("Fashion-MNIST search data", () => {
  const full = loadSearchData("fashion-mnist", { dataDir: "/nonexistent" });

  it("halves the 60k training images into disjoint sorted train / valid sets with a fixed shuffle", () => {
    expect(full.train.indices.length).toBe(30000);
    expect(full.valid.indices.length).toBe(30000);
    const seen = new Set<number>(full.train.indices);
    for (const i of full.valid.indices) expect(seen.has(i)).toBe(false);
    expect([...full.train.indices].every((v, i, a) => i === 0 || a[i - 1]! < v)).toBe(true);
    // random.seed(201); random.shuffle(list(range(60000))) — the first image of the train half
    const order = new PyRandom(201).shuffle(Array.from({ length: 60000 }, (_, i) => i));
    expect(full.train.indices[0]).toBe(Math.min(...order.slice(0, 30000)));
    expect(full.shape).toEqual([1, 32, 32]);
    expect(full.classNum).toBe(10);
  });

  it("keeps the first n images of each half with a subset", () => {
    const small = loadSearchData("fashion-mnist", { dataDir: "/nonexistent", subset: 100 });
    expect(small.train.indices).toEqual(full.train.indices.subarray(0, 100));
    expect(small.valid.indices).toEqual(full.valid.indices.subarray(0, 100));
  });

  it("rejects a subset that is not a positive integer", () => {
    expect(() => loadSearchData("fashion-mnist", { dataDir: "/nonexistent", subset: 0 })).toThrow(/positive integer/);
  });
});

describe("paired search plans", () => {
  const data: SearchData = loadSearchData("fashion-mnist", { dataDir: "/nonexistent", subset: 50 });

  it("visits every train image once per epoch, each paired with an image of the valid set", () => {
    const plan = planSearchEpoch(data, 3, 0, 16);
    expect([...plan.base.order].sort((a, b) => a - b)).toEqual([...data.train.indices]);
    const valid = new Set<number>(data.valid.indices);
    expect([...plan.arch.order].every((i) => valid.has(i))).toBe(true);
    expect(plan.bounds).toEqual([
      [0, 16],
      [16, 32],
      [32, 48],
      [48, 50],
    ]);
  });

  it("depends only on (seed, epoch): equal plans for equal keys, different ones otherwise", () => {
    const a = planSearchEpoch(data, 3, 4, 16);
    const b = planSearchEpoch(data, 3, 4, 16);
    expect(a.arch.order).toEqual(b.arch.order);
    expect(a.base.flip).toEqual(b.base.flip);
    expect(planSearchEpoch(data, 3, 5, 16).base.order).not.toEqual(a.base.order);
    expect(planSearchEpoch(data, 4, 4, 16).arch.order).not.toEqual(a.arch.order);
  });

  it("gives separate random streams distinct seeds", () => {
    expect(new Set([streamSeed(7, "search"), streamSeed(7, "partner"), streamSeed(7, "valid"), streamSeed(8, "search")]).size).toBe(4);
    expect(() => streamSeed(2 ** 40, "search")).toThrow(/seed/);
  });

  it("streams restart with a fresh shuffle once a pass is exhausted", () => {
    const stream = new BatchStream({ data, images: data.valid, batchSize: 20, augment: false, seed: 1, stream: "valid", epoch: 0 });
    expect(stream.batchesPerPass).toBe(3);
    const sizes = Array.from({ length: 4 }, () => stream.next().size);
    expect(sizes).toEqual([20, 20, 10, 20]);
  });
});
