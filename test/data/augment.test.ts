import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BatchAssembler } from "../../packages/engine/src/data/batch.js";
import { batchBounds, planEpoch } from "../../packages/engine/src/data/epoch-plan.js";
import type { ImageSet } from "../../packages/engine/src/data/image-set.js";
import { datasetInfo } from "../../packages/core/src/registry/index.js";
import { runPython } from "./python.js";
import { tempDirs } from "./temp.js";

const tempDir = tempDirs();

function randomSet(count: number, side: number, seed: number): ImageSet {
  let s = seed;
  const pixels = new Uint8Array(count * 3 * side * side).map(() => ((s = (s * 1103515245 + 12345) >>> 0), s >>> 24));
  return { pixels, labels: Int32Array.from({ length: count }, (_, i) => i % 10), count, channels: 3, height: side, width: side };
}

/** torchvision's RandomHorizontalFlip → RandomCrop(side, padding) → ToTensor → Normalize, written with numpy + torch. */
const REFERENCE = `
import sys, json, numpy as np, torch
d = sys.argv[1]
meta = json.load(open(d + '/meta.json'))
side, pad, n = meta['side'], meta['pad'], meta['n']
imgs = np.fromfile(d + '/pixels.bin', dtype=np.uint8).reshape(n, 3, side, side).transpose(0, 2, 3, 1)
mean = torch.as_tensor([x / 255 for x in meta['mean']], dtype=torch.float32)[:, None, None]
std = torch.as_tensor([x / 255 for x in meta['std']], dtype=torch.float32)[:, None, None]
out = []
for k, i in enumerate(meta['order']):
    img = imgs[i]
    if meta['flip'][k]: img = img[:, ::-1, :]
    img = np.pad(img, ((pad, pad), (pad, pad), (0, 0)))
    dy, dx = meta['dy'][k], meta['dx'][k]
    img = np.ascontiguousarray(img[dy:dy + side, dx:dx + side, :])
    t = torch.from_numpy(img).permute(2, 0, 1).contiguous().float().div(255)
    out.append(t.sub_(mean).div_(std))
torch.stack(out).numpy().astype('<f4').tofile(d + '/out.bin')
`;

describe("training augmentation", () => {
  for (const [name, side, pad, norm] of [
    ["CIFAR (32px, pad 4)", 32, 4, datasetInfo("cifar10").norm],
    ["ImageNet16 (16px, pad 2)", 16, 2, datasetInfo("ImageNet16-120").norm],
  ] as const) {
    it(`equals torchvision's flip → pad-crop → normalize bit for bit for ${name}`, () => {
      const set = randomSet(40, side, 7);
      const plan = planEpoch(Array.from({ length: set.count }, (_, i) => i), 777, 3, pad);
      const batch = new BatchAssembler(set, norm, pad).augmented(plan, 0, set.count);
      const dir = tempDir("aa-aug-");
      writeFileSync(join(dir, "pixels.bin"), set.pixels);
      const meta = { side, pad, n: set.count, mean: norm.mean, std: norm.std, order: Array.from(plan.order), flip: Array.from(plan.flip), dy: Array.from(plan.dy), dx: Array.from(plan.dx) };
      writeFileSync(join(dir, "meta.json"), JSON.stringify(meta));
      runPython(REFERENCE, [dir]);
      const ref = new Float32Array(new Uint8Array(readFileSync(join(dir, "out.bin"))).buffer);
      expect(ref.length).toBe(batch.inputs.length);
      expect(Buffer.from(batch.inputs.buffer).equals(Buffer.from(ref.buffer))).toBe(true);
      expect(Array.from(batch.targets)).toEqual(Array.from(plan.order, (i) => set.labels[i]));
      // the plan really exercises both flips and the padded border
      expect(new Set(plan.flip).size).toBe(2);
      expect(Math.max(...plan.dy)).toBeGreaterThan(pad);
      expect(Math.min(...plan.dx)).toBeLessThan(pad);
    });
  }

  it("derives each epoch's order and draws from (seed, epoch) alone", () => {
    const idx = Array.from({ length: 1000 }, (_, i) => i * 2);
    const a = planEpoch(idx, 777, 5, 4);
    const b = planEpoch(idx, 777, 5, 4);
    expect(a).toEqual(b);
    expect(planEpoch(idx, 777, 6, 4).order).not.toEqual(a.order);
    expect(planEpoch(idx, 888, 5, 4).order).not.toEqual(a.order);
    expect(Array.from(a.order).sort((x, y) => x - y)).toEqual(idx);
  });

  it("reproduces Python's random.Random((seed << 32) + epoch) shuffle and draws", () => {
    const plan = planEpoch(Array.from({ length: 20 }, (_, i) => i), 999, 7, 2);
    const out = runPython(`
import random
r = random.Random((999 << 32) + 7)
o = list(range(20)); r.shuffle(o)
f, dy, dx = [], [], []
for _ in o:
    f.append(1 if r.random() < 0.5 else 0); dy.append(r.randrange(5)); dx.append(r.randrange(5))
print(o, f, dy, dx)`);
    expect(out.trim()).toBe(`[${Array.from(plan.order).join(", ")}] [${Array.from(plan.flip).join(", ")}] [${Array.from(plan.dy).join(", ")}] [${Array.from(plan.dx).join(", ")}]`);
  });

  it("keeps the short last batch (drop_last = False)", () => {
    expect(batchBounds(600, 256)).toEqual([[0, 256], [256, 512], [512, 600]]);
    expect(batchBounds(512, 256)).toHaveLength(2);
  });

  it("normalizes evaluation batches without augmentation", () => {
    const set = randomSet(3, 32, 1);
    const batch = new BatchAssembler(set, datasetInfo("cifar10").norm, 4).plain([2, 0], 0, 2);
    const v = set.pixels[2 * 3072 + 1024 + 5]!; // image 2, channel 1, pixel 5
    expect(batch.inputs[1024 + 5]).toBe(Math.fround(Math.fround(Math.fround(v / 255) - Math.fround(123.0 / 255)) / Math.fround(62.1 / 255)));
    expect(Array.from(batch.targets)).toEqual([2, 0]);
  });
});
