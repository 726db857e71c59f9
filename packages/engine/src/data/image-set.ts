/**
 * A decoded image dataset held as one uint8 block. Each image is stored channel-major (C×H×W), the layout of the CIFAR
 * and ImageNet16 files, so batches for the network (NCHW) need no transpose.
 */
export interface ImageSet {
  /** `count × channels × height × width` bytes */
  readonly pixels: Uint8Array;
  /** class index per image, 0-based */
  readonly labels: Int32Array;
  readonly count: number;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}

export function imageBytes(set: Pick<ImageSet, "channels" | "height" | "width">): number {
  return set.channels * set.height * set.width;
}

/** Concatenates sets of the same image shape in order (CIFAR-10's five train batches, ImageNet16's ten). */
export function concatImageSets(sets: readonly ImageSet[]): ImageSet {
  const first = sets[0];
  if (first === undefined) throw new Error("concatImageSets needs at least one set");
  for (const s of sets) {
    if (s.channels !== first.channels || s.height !== first.height || s.width !== first.width) {
      throw new Error(`cannot concatenate ${s.channels}×${s.height}×${s.width} images with ${first.channels}×${first.height}×${first.width}`);
    }
  }
  const count = sets.reduce((n, s) => n + s.count, 0);
  const size = imageBytes(first);
  const pixels = new Uint8Array(count * size);
  const labels = new Int32Array(count);
  let at = 0;
  for (const s of sets) {
    pixels.set(s.pixels.subarray(0, s.count * size), at * size);
    labels.set(s.labels.subarray(0, s.count), at);
    at += s.count;
  }
  return { pixels, labels, count, channels: first.channels, height: first.height, width: first.width };
}

/** Keeps the images whose label passes `keep`, in order, relabelled by `relabel` (ImageNet16-120's class filter). */
export function filterImageSet(set: ImageSet, keep: (label: number) => boolean, relabel: (label: number) => number): ImageSet {
  const size = imageBytes(set);
  const chosen: number[] = [];
  for (let i = 0; i < set.count; i++) if (keep(set.labels[i]!)) chosen.push(i);
  const pixels = new Uint8Array(chosen.length * size);
  const labels = new Int32Array(chosen.length);
  chosen.forEach((src, dst) => {
    pixels.set(set.pixels.subarray(src * size, (src + 1) * size), dst * size);
    labels[dst] = relabel(set.labels[src]!);
  });
  return { pixels, labels, count: chosen.length, channels: set.channels, height: set.height, width: set.width };
}

const shared = new WeakMap<ImageSet, ImageSet>();

/**
 * The set with its pixels and labels in SharedArrayBuffers, so that worker threads (the replicas of a training run)
 * read the same memory instead of receiving copies. Copies once per set; a set already shared is returned as is.
 */
export function sharedImageSet(set: ImageSet): ImageSet {
  if (set.pixels.buffer instanceof SharedArrayBuffer && set.labels.buffer instanceof SharedArrayBuffer) return set;
  let copy = shared.get(set);
  if (copy === undefined) {
    const pixels = new Uint8Array(new SharedArrayBuffer(set.count * imageBytes(set)));
    pixels.set(set.pixels.subarray(0, pixels.length));
    const labels = new Int32Array(new SharedArrayBuffer(set.count * Int32Array.BYTES_PER_ELEMENT));
    labels.set(set.labels.subarray(0, set.count));
    copy = { ...set, pixels, labels };
    shared.set(set, copy);
  }
  return copy;
}
