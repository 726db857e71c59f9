/**
 * The proxy batch: the image choice is Python's random.Random(seed).shuffle of the train indices, first `size`, and
 * pixels are normalised as the training pipeline does (float32 (v/255 − mean)/std per channel), with the provenance
 * that is stored.
 */
import { describe, expect, it } from "vitest";
import { batchFromImages, gaussianBatch } from "../../packages/engine/src/zero-cost/batch.js";
import { runPython } from "../data/python.js";
import { requireSystem } from "../support/system.js";

const set = {
  pixels: Uint8Array.from({ length: 20 * 3 * 2 * 2 }, (_, i) => (i * 37) % 256),
  labels: Int32Array.from({ length: 20 }, (_, i) => i % 10),
  count: 20,
  channels: 3,
  height: 2,
  width: 2,
};
const norm = { mean: [125.3, 123.0, 113.9], std: [63.0, 62.1, 66.7] };

describe("proxy batch", () => {
  it("chooses the images Python's random.Random(seed).shuffle puts first and records them", () => {
    requireSystem("python3");
    const expected = JSON.parse(runPython("import random, json; x = list(range(20)); random.Random(11).shuffle(x); print(json.dumps(x[:6]))")) as number[];
    const { batch, provenance } = batchFromImages(set, norm, 6, 11, "test set");
    expect(provenance).toEqual({ source: "test set", size: 6, seed: 11, indices: expected, normalization: norm });
    expect([...batch.labels]).toEqual(expected.map((i) => i % 10));
    expect(batch.shape).toEqual([6, 3, 2, 2]);
    // image k, channel c, pixel p
    const k = 2;
    const c = 1;
    const p = 3;
    const v = set.pixels[expected[k]! * 12 + c * 4 + p]!;
    const want = Math.fround(Math.fround(Math.fround(v / 255) - Math.fround(123.0 / 255)) / Math.fround(62.1 / 255));
    expect(batch.inputs[k * 12 + c * 4 + p]).toBe(want);
  });

  it("refuses a batch larger than the set or smaller than 2", () => {
    expect(() => batchFromImages(set, norm, 21, 0, "s")).toThrow(/2\.\.20/);
    expect(() => batchFromImages(set, norm, 1, 0, "s")).toThrow(/2\.\.20/);
  });

  it("draws a Gaussian batch reproducibly from its seed", () => {
    const a = gaussianBatch(3, 5, [3, 4, 4], 10);
    expect(a.provenance).toEqual({ source: "gaussian", size: 3, seed: 5, indices: [] });
    expect([...gaussianBatch(3, 5, [3, 4, 4], 10).batch.inputs]).toEqual([...a.batch.inputs]);
    expect([...gaussianBatch(3, 6, [3, 4, 4], 10).batch.inputs]).not.toEqual([...a.batch.inputs]);
  });
});
