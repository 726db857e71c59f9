/**
 * The random choices of one training epoch, drawn up front: sample order, horizontal flips and crop offsets.
 * They come from a generator seeded by (seed, epoch) alone, so epoch e is the same whether the run started at 0 or
 * resumed from a checkpoint at e, and batches can be assembled on any thread.
 *
 * Generator: CPython's `random` seeded with `seed · 2³² + epoch` (reproducible from Python:
 * `r = random.Random((seed << 32) + epoch); r.shuffle(order)`; then per position `r.random() < 0.5`, `r.randrange(2p+1)`
 * for the row offset, `r.randrange(2p+1)` for the column offset).
 */
import { PyRandom } from "@aa-nas/core/space/index.js";

export interface EpochPlan {
  /** dataset indices in visiting order */
  order: Int32Array;
  /** per position: 1 = mirror horizontally (applied before the crop) */
  flip: Uint8Array;
  /** per position: crop offset in the zero-padded image, 0..2·pad (rows, columns) */
  dy: Uint8Array;
  dx: Uint8Array;
}

export function epochRandom(seed: number, epoch: number): PyRandom {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative integer, got ${seed}`);
  if (!Number.isInteger(epoch) || epoch < 0 || epoch >= 2 ** 32) throw new RangeError(`bad epoch ${epoch}`);
  return new PyRandom((BigInt(seed) << 32n) + BigInt(epoch));
}

/** Shuffled order plus augmentation draws (flip before crop, spec §3.5). `pad` 0 disables cropping draws. */
export function planEpoch(indices: ArrayLike<number>, seed: number, epoch: number, pad: number): EpochPlan {
  const rng = epochRandom(seed, epoch);
  const order = rng.shuffle(Array.from(indices));
  const n = order.length;
  const flip = new Uint8Array(n);
  const dy = new Uint8Array(n);
  const dx = new Uint8Array(n);
  const span = 2 * pad + 1;
  for (let i = 0; i < n; i++) {
    flip[i] = rng.random() < 0.5 ? 1 : 0;
    dy[i] = pad > 0 ? rng.randbelow(span) : 0;
    dx[i] = pad > 0 ? rng.randbelow(span) : 0;
  }
  return { order: Int32Array.from(order), flip, dy, dx };
}

/** `[start, end)` of each batch; the last one may be short (drop_last = False). */
export function batchBounds(n: number, batchSize: number): Array<[number, number]> {
  if (!Number.isInteger(batchSize) || batchSize <= 0) throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
  const out: Array<[number, number]> = [];
  for (let s = 0; s < n; s += batchSize) out.push([s, Math.min(n, s + batchSize)]);
  return out;
}
