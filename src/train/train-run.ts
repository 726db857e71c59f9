/**
 * Trains one architecture on one dataset key with one seed, as the benchmark's generation did (spec §3):
 * `manualSeed(seed)` then the network is built (so the same seed gives PyTorch's initial weights); SGD nesterov with
 * coupled weight decay on all parameters; per-epoch cosine LR; cross-entropy; batch 256 keeping the short last batch;
 * per epoch the train pass (loss, top-1, top-5, time) then every eval set of the key; latency from the final pass of
 * the key's latency set (spec §5.3–5.4).
 *
 * The data order and augmentation of epoch e come from (seed, e) alone, so a run resumed from the checkpoint of
 * epoch e−1 (`resumeFrom`) continues exactly as the uninterrupted run.
 */
import { performance } from "node:perf_hooks";
import { type Device, loadCheckpoint, saveCheckpoint, CosineSchedule, SGD, manualSeed, tidy, F } from "../engine/index.js";
import { UserError } from "../errors.js";
import { BatchAssembler } from "../data/batch.js";
import { batchBounds, planEpoch } from "../data/epoch-plan.js";
import type { TrainingData } from "../data/training-data.js";
import { networkCosts } from "../models/costs.js";
import { tinyNetwork } from "../models/structure.js";
import { TinyNetwork } from "../models/tiny-network.js";
import { resolveArch } from "../space/index.js";
import { toDevice } from "./device-batch.js";
import { evaluatePass, type PassResult } from "./evaluate.js";
import { hpConfig, type TrainConfig } from "./hyper.js";
import { AverageMeter, batchPercent, topkHits } from "./meters.js";
import { TRAIN_SOURCE, copyRecord, emptyCurves, type TrainRecord } from "./train-record.js";

export interface TrainProgress {
  phase: "train" | "eval";
  /** eval set name during "eval" */
  set?: string;
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  /** running train loss (train phase) */
  loss?: number;
}

export interface EpochEvent {
  /** the epoch just completed (0-based) */
  epoch: number;
  /** curves through this epoch (a copy) */
  record: TrainRecord;
  net: TinyNetwork;
  optimizer: SGD;
  /** Writes weights, optimizer state and the record so far; `trainRun({resumeFrom})` continues from it. */
  saveCheckpoint(path: string): void;
}

export interface TrainRunOptions {
  /** arch string or benchmark index */
  arch: string | number;
  data: TrainingData;
  seed: number;
  /** hyper-parameter setting name stored in the record ("12", "200", …) */
  hp: string;
  /** defaults to the benchmark config of `hp` */
  config?: TrainConfig;
  channel?: number;
  numCells?: number;
  device?: Device;
  /** device description stored in the record's provenance (default: the device name) */
  deviceLabel?: string;
  /** run only up to (excluding) this epoch; the schedule still spans config.epochs */
  stopEpoch?: number;
  /** checkpoint written by `EpochEvent.saveCheckpoint`: continue after its epoch */
  resumeFrom?: string;
  onEpoch?: (event: EpochEvent) => void | Promise<void>;
  onProgress?: (p: TrainProgress) => void;
}

export interface TrainRunResult {
  record: TrainRecord;
  /** the trained network (the caller disposes it) */
  net: TinyNetwork;
}

interface TrainMeta {
  arch: string;
  dataset: string;
  seed: number;
  hp: string;
  epoch: number;
  record: TrainRecord;
}
const TRAIN_META_KEY = "aa_nas.train";

export async function trainRun(o: TrainRunOptions): Promise<TrainRunResult> {
  const { index: archIndex, arch } = resolveArch(o.arch);
  const data = o.data;
  const config = o.config ?? hpConfig(o.hp);
  const device = o.device ?? "cpu";
  const channel = o.channel ?? 16;
  const numCells = o.numCells ?? 5;
  const stopEpoch = Math.min(o.stopEpoch ?? config.epochs, config.epochs);

  // prepare_seed(seed) happens right before the network is built, for each dataset (spec §3.7)
  manualSeed(o.seed);
  const spec = tinyNetwork(channel, numCells, arch, data.classNum, data.shape[0]);
  const net = new TinyNetwork(spec);
  if (device !== "cpu") net.to(device);
  const optimizer = new SGD(net.parameters(), {
    lr: config.lr,
    momentum: config.momentum,
    weightDecay: config.weightDecay,
    nesterov: config.nesterov,
  });
  const schedule = new CosineSchedule({ baseLr: config.lr, epochs: config.epochs, warmupEpochs: config.warmup, etaMin: config.etaMin });
  const costs = networkCosts(spec, data.shape[1]);

  let record: TrainRecord = {
    archIndex,
    arch,
    hp: o.hp,
    dataset: data.key,
    seed: o.seed,
    epochs: config.epochs,
    params: costs.params,
    flops: costs.flops,
    latency: null,
    config: { channel, numCells, classNum: data.classNum },
    ...emptyCurves(data.evals.map((e) => e.name)),
    provenance: { seedImputed: false, timesEstimated: false, device: o.deviceLabel ?? device, source: TRAIN_SOURCE },
  };
  let startEpoch = 0;
  if (o.resumeFrom !== undefined) {
    const meta = loadCheckpoint(o.resumeFrom, { model: net, optimizer });
    const raw = meta[TRAIN_META_KEY];
    if (raw === undefined) throw new UserError(`${o.resumeFrom} is not a training checkpoint (no ${TRAIN_META_KEY} metadata)`);
    const saved = JSON.parse(raw) as TrainMeta;
    const expected = { arch, dataset: data.key, seed: o.seed, hp: o.hp };
    for (const [k, v] of Object.entries(expected)) {
      if (saved[k as keyof typeof expected] !== v) {
        throw new UserError(`${o.resumeFrom} was written for ${k} ${String(saved[k as keyof typeof expected])}, this run has ${String(v)}`);
      }
    }
    record = saved.record;
    startEpoch = saved.epoch + 1;
  }

  const assembler = new BatchAssembler(data.train.set, data.norm, data.pad);
  // two buffers: the next batch is assembled while the device still works on the current one
  const buffers = [assembler.allocate(config.batchSize), assembler.allocate(config.batchSize)] as const;
  const bounds = batchBounds(data.train.indices.length, config.batchSize);

  try {
    for (let epoch = startEpoch; epoch < stopEpoch; epoch++) {
      const train = trainEpoch(epoch);
      record.train.loss.push(train.loss);
      record.train.acc1.push(train.acc1);
      record.train.acc5!.push(train.acc5);
      record.train.time!.push(train.time);
      const isLast = epoch === config.epochs - 1;
      for (const set of data.evals) {
        const r = evaluatePass(net, {
          data: set,
          norm: data.norm,
          shape: data.shape,
          classNum: data.classNum,
          batchSize: config.batchSize,
          device,
          onBatch: (b, n) => o.onProgress?.({ phase: "eval", set: set.name, epoch, epochs: config.epochs, batch: b, batches: n }),
        });
        const curve = record.evals[set.name]!;
        curve.epochs.push(epoch);
        curve.loss.push(r.loss);
        curve.acc.push(r.acc1);
        curve.time!.push(r.time);
        if (isLast && set.name === data.latencySet) record.latency = r.latencies;
      }
      if (o.onEpoch) {
        const snapshot = copyRecord(record);
        await o.onEpoch({
          epoch,
          record: snapshot,
          net,
          optimizer,
          saveCheckpoint: (path) => {
            const meta: TrainMeta = { arch, dataset: data.key, seed: o.seed, hp: o.hp, epoch, record: snapshot };
            saveCheckpoint(path, { model: net, optimizer, metadata: { [TRAIN_META_KEY]: JSON.stringify(meta) } });
          },
        });
      }
    }
  } finally {
    optimizer.dispose();
  }
  return { record, net };

  function trainEpoch(epoch: number): PassResult {
    net.train();
    const plan = planEpoch(data.train.indices, o.seed, epoch, data.pad);
    const losses = new AverageMeter();
    const top1 = new AverageMeter();
    const top5 = new AverageMeter();
    const start = performance.now();
    if (bounds.length > 0) assembler.augmented(plan, bounds[0]![0], bounds[0]![1], buffers[0]);
    bounds.forEach(([s, e], i) => {
      const n = e - s;
      const current = buffers[i % 2]!;
      const { loss, logits } = tidy(() => {
        optimizer.lr = schedule.lrAt(epoch, i / bounds.length);
        const batch = toDevice(current, data.shape, device);
        optimizer.zeroGrad();
        const out = net.forward(batch.inputs).logits;
        const lossT = F.crossEntropy(out, batch.targets);
        lossT.backward();
        optimizer.step();
        // Device ops are asynchronous on CUDA: assemble the next batch before the values below force a sync.
        const next = bounds[i + 1];
        if (next !== undefined) assembler.augmented(plan, next[0], next[1], buffers[(i + 1) % 2]!);
        return { loss: lossT.item(), logits: out.toFloat32Array() };
      });
      const hits = topkHits(logits, current.targets.subarray(0, n), data.classNum);
      losses.update(loss, n);
      top1.update(batchPercent(hits.top1, n), n);
      top5.update(batchPercent(hits.top5, n), n);
      o.onProgress?.({ phase: "train", epoch, epochs: config.epochs, batch: i + 1, batches: bounds.length, loss: losses.avg });
    });
    return { loss: losses.avg, acc1: top1.avg, acc5: top5.avg, time: (performance.now() - start) / 1000 };
  }
}
