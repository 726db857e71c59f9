/**
 * Assembles network input batches (NCHW float32, normalized) from an ImageSet: plain for evaluation, or with the
 * training augmentation of spec §3.5 — horizontal flip, then a random crop of the zero-padded image.
 */
import type { EpochPlan } from "./epoch-plan.js";
import { imageBytes, type ImageSet } from "./image-set.js";
import { normalizationTable, type Normalization } from "./normalization.js";

export interface Batch {
  /** `size × C × H × W`, normalized */
  inputs: Float32Array;
  /** class index per image */
  targets: Int32Array;
  size: number;
}

export class BatchAssembler {
  private readonly table: Float32Array;
  private readonly imageSize: number;

  constructor(
    readonly set: ImageSet,
    norm: Normalization,
    /** zero padding of the random crop (4 for CIFAR, 2 for ImageNet16) */
    readonly pad: number,
  ) {
    if (norm.mean.length !== set.channels) throw new Error(`normalization has ${norm.mean.length} channels, images have ${set.channels}`);
    this.table = normalizationTable(norm);
    this.imageSize = imageBytes(set);
  }

  /** Allocates a batch buffer large enough for `capacity` images. */
  allocate(capacity: number): Batch {
    return { inputs: new Float32Array(capacity * this.imageSize), targets: new Int32Array(capacity), size: 0 };
  }

  /** Evaluation batch: images `indices[start..end)` unchanged. */
  plain(indices: ArrayLike<number>, start: number, end: number, out: Batch = this.allocate(end - start)): Batch {
    const { pixels, labels } = this.set;
    const size = this.imageSize;
    const plane = this.set.height * this.set.width;
    const table = this.table;
    for (let b = 0; b < end - start; b++) {
      const src = indices[start + b]!;
      out.targets[b] = labels[src]!;
      const base = src * size;
      const dst = b * size;
      for (let c = 0; c < this.set.channels; c++) {
        const t = c * 256;
        const off = c * plane;
        for (let p = 0; p < plane; p++) out.inputs[dst + off + p] = table[t + pixels[base + off + p]!]!;
      }
    }
    out.size = end - start;
    return out;
  }

  /** Training batch: positions `[start, end)` of an epoch plan, flipped and cropped as the plan says. */
  augmented(plan: EpochPlan, start: number, end: number, out: Batch = this.allocate(end - start)): Batch {
    const { pixels, labels, height: h, width: w, channels } = this.set;
    const size = this.imageSize;
    const plane = h * w;
    const pad = this.pad;
    const table = this.table;
    const inputs = out.inputs;
    for (let b = 0; b < end - start; b++) {
      const pos = start + b;
      const src = plan.order[pos]!;
      out.targets[b] = labels[src]!;
      const flip = plan.flip[pos] === 1;
      // output (y, x) reads padded (y + dy, x + dx), i.e. source (y + dy − pad, x + dx − pad) of the flipped image
      const oy = plan.dy[pos]! - pad;
      const ox = plan.dx[pos]! - pad;
      const xFrom = Math.max(0, -ox);
      const xTo = Math.min(w, w - ox);
      const base = src * size;
      const dst = b * size;
      for (let c = 0; c < channels; c++) {
        const t = c * 256;
        const zero = table[t]!;
        const srcPlane = base + c * plane;
        const dstPlane = dst + c * plane;
        for (let y = 0; y < h; y++) {
          const row = dstPlane + y * w;
          const sy = y + oy;
          if (sy < 0 || sy >= h) {
            inputs.fill(zero, row, row + w);
            continue;
          }
          const srcRow = srcPlane + sy * w;
          for (let x = 0; x < xFrom; x++) inputs[row + x] = zero;
          if (flip) {
            // flipped column of x + ox is w − 1 − (x + ox)
            for (let x = xFrom, s = srcRow + w - 1 - (xFrom + ox); x < xTo; x++, s--) inputs[row + x] = table[t + pixels[s]!]!;
          } else {
            for (let x = xFrom, s = srcRow + xFrom + ox; x < xTo; x++, s++) inputs[row + x] = table[t + pixels[s]!]!;
          }
          for (let x = xTo; x < w; x++) inputs[row + x] = zero;
        }
      }
    }
    out.size = end - start;
    return out;
  }
}
