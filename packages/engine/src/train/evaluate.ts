/**
 * One evaluation pass (the original `procedure(..., 'valid')` and `pure_evaluate`, spec §3.4 / §5.4): eval mode,
 * no gradients, batch 256 in index order; batch-size-weighted loss, top-1, top-5, the pass's wall time, and the
 * latency list — per batch, the time from "inputs on the device" to "logits and loss computed" (no device
 * synchronisation, as the original), kept for batches of the first batch's size, the first dropped when more than two.
 *
 * Inside a replica group each replica evaluates its slice of every batch; the per-batch sums are combined at the end
 * of the pass and the meters then updated batch by batch as with one replica. A batch's latency is then the slowest
 * replica's time for its slice.
 */
import { performance } from "node:perf_hooks";
import { allReduce, noGrad, tensor, type Device, type Replica, tidy, F } from "../tensor/index.js";
import { BatchAssembler } from "../data/batch.js";
import { batchBounds } from "../data/epoch-plan.js";
import type { IndexedImages } from "../data/training-data.js";
import type { Normalization } from "../data/normalization.js";
import type { TinyNetwork } from "../models/tiny-network.js";
import { toDevice } from "./device-batch.js";
import { AverageMeter, batchPercent, topkHits } from "./meters.js";

export interface PassResult {
  loss: number;
  acc1: number;
  acc5: number;
  /** seconds for the whole pass (Σ per-batch wall time, data included) */
  time: number;
}

export interface EvalResult extends PassResult {
  /** seconds per batch (pure_evaluate rule) */
  latencies: number[];
}

export interface EvalPassOptions {
  data: IndexedImages;
  norm: Normalization;
  shape: [number, number, number];
  classNum: number;
  batchSize: number;
  device: Device;
  /** this thread's place in a replica group, or null/absent for the whole batch */
  replica?: Replica | null;
  onBatch?: (done: number, total: number) => void;
}

/** The part `[start, end)` of a batch's positions that `replica` handles (all of it without one). */
export function replicaSlice([s, e]: readonly [number, number], replica: Replica | null | undefined): [number, number] {
  if (!replica || replica.world === 1) return [s, e];
  const n = e - s;
  return [s + Math.floor((n * replica.rank) / replica.world), s + Math.floor((n * (replica.rank + 1)) / replica.world)];
}

export function evaluatePass(net: TinyNetwork, o: EvalPassOptions): EvalResult {
  net.eval();
  const assembler = new BatchAssembler(o.data.set, o.norm, 0);
  const buffers = [assembler.allocate(o.batchSize), assembler.allocate(o.batchSize)] as const;
  const bounds = batchBounds(o.data.indices.length, o.batchSize);
  const mine = (b: number): [number, number] => replicaSlice(bounds[b]!, o.replica);
  const replicated = o.replica !== null && o.replica !== undefined && o.replica.world > 1;
  // per batch: loss (the batch mean with one replica, this replica's sum in a group), top-1 hits, top-5 hits, and the
  // latency (seconds) of this replica's part
  const sums = new Float64Array(bounds.length * 3);
  const times = new Float64Array(bounds.length);
  const start = performance.now();
  let end = start;
  if (bounds.length > 0) assembler.plain(o.data.indices, ...mine(0), buffers[0]);
  noGrad(() => {
    bounds.forEach((_, b) => {
      const current = buffers[b % 2]!;
      tidy(() => {
        const { inputs, targets } = toDevice(current, o.shape, o.device, replicated);
        const dataReady = performance.now();
        const logits = net.forward(inputs).logits;
        const loss = F.crossEntropy(logits, targets, { reduction: replicated ? "sum" : "mean" });
        const computed = performance.now();
        // pure_evaluate's batch_time − data_time, both measured from the end of the previous batch
        times[b] = (computed - dataReady) / 1000;
        // overlap the next batch's assembly with the device's work (asynchronous on CUDA)
        if (b + 1 < bounds.length) assembler.plain(o.data.indices, ...mine(b + 1), buffers[(b + 1) % 2]!);
        const hits = topkHits(logits.toFloat32Array(), current.targets.subarray(0, current.size), o.classNum);
        sums.set([loss.item(), hits.top1, hits.top5], b * 3);
      });
      end = performance.now();
      o.onBatch?.(b + 1, bounds.length);
    });
  });
  if (replicated) {
    tidy(() => {
      const t = tensor(sums, [sums.length], { dtype: "float64" });
      const l = tensor(times, [times.length], { dtype: "float64" });
      allReduce([t]);
      allReduce([l], "max");
      sums.set(t.toArray() as Float64Array);
      times.set(l.toArray() as Float64Array);
    });
  }
  const losses = new AverageMeter();
  const top1 = new AverageMeter();
  const top5 = new AverageMeter();
  bounds.forEach(([s, e], b) => {
    const n = e - s;
    losses.update(replicated ? sums[b * 3]! / n : sums[b * 3]!, n);
    top1.update(batchPercent(sums[b * 3 + 1]!, n), n);
    top5.update(batchPercent(sums[b * 3 + 2]!, n), n);
  });
  // latency kept for batches of the first batch's size, the first dropped when more than two
  const firstSize = bounds.length > 0 ? bounds[0]![1] - bounds[0]![0] : 0;
  let latencies = bounds.flatMap(([s, e], b) => (e - s === firstSize ? [times[b]!] : []));
  if (latencies.length > 2) latencies = latencies.slice(1);
  return { loss: losses.avg, acc1: top1.avg, acc5: top5.avg, time: (end - start) / 1000, latencies };
}
