/**
 * One evaluation pass (the original `procedure(..., 'valid')` and `pure_evaluate`, spec §3.4 / §5.4): eval mode,
 * no gradients, batch 256 in index order; batch-size-weighted loss, top-1, top-5, the pass's wall time, and the
 * latency list — per batch, the time from "inputs on the device" to "logits and loss computed" (no device
 * synchronisation, as the original), kept for batches of the first batch's size, the first dropped when more than two.
 */
import { performance } from "node:perf_hooks";
import { noGrad, type Device, tidy, F } from "../engine/index.js";
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
  onBatch?: (done: number, total: number) => void;
}

export function evaluatePass(net: TinyNetwork, o: EvalPassOptions): EvalResult {
  net.eval();
  const assembler = new BatchAssembler(o.data.set, o.norm, 0);
  const buffers = [assembler.allocate(o.batchSize), assembler.allocate(o.batchSize)] as const;
  const bounds = batchBounds(o.data.indices.length, o.batchSize);
  const losses = new AverageMeter();
  const top1 = new AverageMeter();
  const top5 = new AverageMeter();
  let latencies: number[] = [];
  let firstSize: number | null = null;
  const start = performance.now();
  let end = start;
  if (bounds.length > 0) assembler.plain(o.data.indices, bounds[0]![0], bounds[0]![1], buffers[0]);
  noGrad(() => {
    bounds.forEach(([s, e], b) => {
      const current = buffers[b % 2]!;
      tidy(() => {
        const { inputs, targets } = toDevice(current, o.shape, o.device);
        const dataReady = performance.now();
        const logits = net.forward(inputs).logits;
        const loss = F.crossEntropy(logits, targets);
        const computed = performance.now();
        const n = e - s;
        if (firstSize === null || firstSize === n) {
          firstSize = n;
          // pure_evaluate's batch_time − data_time, both measured from the end of the previous batch
          latencies.push((computed - dataReady) / 1000);
        }
        // overlap the next batch's assembly with the device's work (asynchronous on CUDA)
        const next = bounds[b + 1];
        if (next !== undefined) assembler.plain(o.data.indices, next[0], next[1], buffers[(b + 1) % 2]!);
        const hits = topkHits(logits.toFloat32Array(), current.targets.subarray(0, n), o.classNum);
        losses.update(loss.item(), n);
        top1.update(batchPercent(hits.top1, n), n);
        top5.update(batchPercent(hits.top5, n), n);
      });
      end = performance.now();
      o.onBatch?.(b + 1, bounds.length);
    });
  });
  if (latencies.length > 2) latencies = latencies.slice(1);
  return { loss: losses.avg, acc1: top1.avg, acc5: top5.avg, time: (end - start) / 1000, latencies };
}
