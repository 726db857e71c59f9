/**
 * Running averages as the original keeps them (AverageMeter: batch-size-weighted, in doubles) and top-k accuracy as
 * `obtain_accuracy` computes it: the count of hits times float32(100 / batch) in float32.
 */
export class AverageMeter {
  sum = 0;
  count = 0;
  update(value: number, n: number): void {
    this.sum += value * n;
    this.count += n;
  }
  get avg(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }
}

/** `correct_k.mul_(100.0 / batch_size)` on a float32 tensor, as a number. */
export function batchPercent(correct: number, batch: number): number {
  return Math.fround(correct * Math.fround(100 / batch));
}

/**
 * Hits in the top-1 and top-5 of each row of `logits` (`n × k`, row-major). Ties are broken towards the lower class
 * index, as libtorch's CPU topk does for equal values.
 */
export function topkHits(logits: Float32Array, targets: ArrayLike<number>, classes: number): { top1: number; top5: number } {
  const n = targets.length;
  const k = Math.min(5, classes);
  let top1 = 0;
  let top5 = 0;
  for (let i = 0; i < n; i++) {
    const row = i * classes;
    const t = targets[i]!;
    const v = logits[row + t]!;
    // rank of the target = number of classes strictly ahead of it
    let ahead = 0;
    for (let c = 0; c < classes && ahead < k; c++) {
      const u = logits[row + c]!;
      if (u > v || (u === v && c < t) || Number.isNaN(u)) ahead++;
    }
    if (ahead === 0) top1++;
    if (ahead < k) top5++;
  }
  return { top1, top5 };
}
