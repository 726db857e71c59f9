/**
 * Trains one architecture on one dataset key with one seed, as the benchmark's generation did (spec §3):
 * `manualSeed(seed)` then the network is built (so the same seed gives PyTorch's initial weights); SGD nesterov with
 * coupled weight decay on all parameters; per-epoch cosine LR; cross-entropy; batch 256 keeping the short last batch;
 * per epoch the train pass (loss, top-1, top-5, time) then every eval set of the key; latency from the final pass of
 * the key's latency set (spec §5.3–5.4).
 *
 * The data order and augmentation of epoch e come from (seed, e) alone, so a run resumed from the checkpoint of
 * epoch e−1 (`resumeFrom`) continues exactly as the uninterrupted run.
 *
 * On the CPU every batch is split over one-thread replicas (worker threads, ReplicaTeam) that combine batch-norm
 * statistics and gradients; the calling thread is replica 0. One replica (`replicas: 1`) is bit-identical to PyTorch.
 */
import { performance } from "node:perf_hooks";
import {
  type Device,
  type Replica,
  type Tensor,
  allReduce,
  broadcast,
  getNumThreads,
  loadCheckpoint,
  saveCheckpoint,
  CosineSchedule,
  SGD,
  manualSeed,
  tensor,
  tidy,
  F,
} from "../tensor/index.js";
import { UserError } from "@aa-nas/core/errors.js";
import { BatchAssembler } from "../data/batch.js";
import { batchBounds, planEpoch } from "../data/epoch-plan.js";
import { sharedTrainingData, type TrainingData } from "../data/training-data.js";
import { networkCosts } from "../models/costs.js";
import { DEFAULT_CHANNEL, DEFAULT_NUM_CELLS, type TinyNetworkSpec } from "../models/structure.js";
import type { SpaceName } from "@aa-nas/core/space/index.js";
import { resolveSpaceArch, spaceNetworkSpec } from "../models/space-network.js";
import { TinyNetwork } from "../models/tiny-network.js";
import { toDevice } from "./device-batch.js";
import { deviceLabel } from "./device-label.js";
import { evaluatePass, replicaSlice, type PassResult } from "./evaluate.js";
import { hpConfig, type TrainConfig } from "./hyper.js";
import { AverageMeter, batchPercent, topkHits } from "./meters.js";
import { ReplicaTeam, replicaWorkersAvailable } from "./replica-team.js";
import type { RunRecord } from "@aa-nas/core/registry/index.js";
import { TRAIN_SOURCE, copyRecord, emptyCurves } from "./train-record.js";

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
  record: RunRecord;
  net: TinyNetwork;
  optimizer: SGD;
  /** Writes weights, optimizer state and the record so far; `trainRun({resumeFrom})` continues from it. */
  saveCheckpoint(path: string): void;
}

export interface TrainRunOptions {
  /** arch string or benchmark index, of `space` */
  arch: string | number;
  /** the search space of `arch` (default tss); an sss arch fixes its widths, so `channel` / `numCells` are for tss */
  space?: SpaceName;
  data: TrainingData;
  seed: number;
  /** hyper-parameter setting name stored in the record ("12", "200", …) */
  hp: string;
  /** defaults to the benchmark config of `hp` */
  config?: TrainConfig;
  channel?: number;
  numCells?: number;
  device?: Device;
  /**
   * CPU only: split every batch over this many replicas, one thread each (packages/engine/src/tensor/replicas.ts). Default 1 (see
   * `defaultReplicas` for the command line's). Capped at the smallest batch of the run. Results agree with one replica
   * up to float rounding.
   */
  replicas?: number;
  /** device description stored in the record's provenance (default: `deviceLabel(device, replicas)`) */
  deviceLabel?: string;
  /** run only up to (excluding) this epoch; the schedule still spans config.epochs */
  stopEpoch?: number;
  /** checkpoint written by `EpochEvent.saveCheckpoint`: continue after its epoch */
  resumeFrom?: string;
  onEpoch?: (event: EpochEvent) => void | Promise<void>;
  onProgress?: (p: TrainProgress) => void;
}

export interface TrainRunResult {
  record: RunRecord;
  /** the trained network (the caller disposes it) */
  net: TinyNetwork;
}

interface TrainMeta {
  arch: string;
  dataset: string;
  seed: number;
  hp: string;
  epoch: number;
  record: RunRecord;
}
const TRAIN_META_KEY = "aa_nas.train";

export async function trainRun(o: TrainRunOptions): Promise<TrainRunResult> {
  const device = o.device ?? "cpu";
  const config = o.config ?? hpConfig(o.hp);
  const world = replicaCount(o, device, config.batchSize);
  if (world === 1) return runReplica(o, null);
  const space = o.space ?? "tss";
  const { arch } = resolveSpaceArch(space, o.arch);
  const data = sharedTrainingData(o.data);
  const channel = o.channel ?? DEFAULT_CHANNEL;
  const numCells = o.numCells ?? DEFAULT_NUM_CELLS;
  const team = await ReplicaTeam.start(world, {
    arch,
    space,
    data,
    seed: o.seed,
    hp: o.hp,
    config,
    channel,
    numCells,
    ...(o.stopEpoch === undefined ? {} : { stopEpoch: o.stopEpoch }),
    ...(o.resumeFrom === undefined ? {} : { resumeFrom: o.resumeFrom }),
  });
  let result: TrainRunResult;
  try {
    result = await runReplica({ ...o, data, config, channel, numCells }, team.replica);
  } catch (err) {
    throw await team.fail(err);
  }
  try {
    await team.finish();
  } catch (err) {
    result.net.dispose();
    throw err;
  }
  return result;
}

/**
 * The replica count the `aa-nas` commands train with when --replicas is not given: one per intra-op thread
 * (AA_NAS_THREADS, else the CPU count) on the CPU, 1 elsewhere.
 *
 * Why here and not as trainRun's default: a default must not change with where the calling module happens to live.
 * Whether replica workers can be started depends on that (they are compiled files; TypeScript sources run under a test
 * runner cannot start them), so a library default keyed on it trained differently from the sources than from the
 * package. The library therefore defaults to 1, which runs anywhere and is bit-identical to PyTorch; a command line
 * always runs the built package, whose workers can be started, so it is the one place that asks for the fast default.
 */
export function defaultReplicas(device: Device): number {
  return device === "cpu" ? getNumThreads() : 1;
}

/** How many replicas a run uses: the request (or default), at most the smallest batch of any pass. */
function replicaCount(o: TrainRunOptions, device: Device, batchSize: number): number {
  if (o.replicas !== undefined && (!Number.isInteger(o.replicas) || o.replicas < 1)) {
    throw new UserError(`replicas must be a positive integer (got ${o.replicas})`);
  }
  if (device !== "cpu") {
    if ((o.replicas ?? 1) > 1) throw new UserError(`replicas split a batch over CPU threads; on ${device} use one (got ${o.replicas})`);
    return 1;
  }
  const requested = o.replicas ?? 1;
  if (requested > 1 && !replicaWorkersAvailable()) {
    throw new UserError("replicas > 1 start compiled worker threads, which TypeScript sources have: run `npm run build` and import from dist/, or use the aa-nas command");
  }
  const smallest = Math.min(
    ...[o.data.train, ...o.data.evals].map(({ indices }) => {
      const n = indices.length;
      return n === 0 ? Infinity : n % batchSize || Math.min(n, batchSize);
    }),
  );
  return Math.max(1, Math.min(requested, smallest));
}

type NetworkOptions = Pick<TrainRunOptions, "arch" | "space" | "data" | "channel" | "numCells">;

function networkSpec(o: NetworkOptions): TinyNetworkSpec {
  const space = o.space ?? "tss";
  return spaceNetworkSpec(space, resolveSpaceArch(space, o.arch).arch, o.data.classNum, o.data.shape[0], o);
}

/** The network a run trains (untrained weights from the current state of libtorch's generator). */
export function runNetwork(o: NetworkOptions): TinyNetwork {
  return new TinyNetwork(networkSpec(o));
}

/**
 * One replica's training: all of it with `replica` null, else this thread's slice of every batch in step with the
 * other replicas. Replicas other than 0 pass the network they built before replica 0 started (`helperNet`; its weights
 * are replaced by replica 0's). Exported for replica-worker.ts.
 */
export async function runReplica(o: TrainRunOptions, replica: Replica | null, helperNet?: TinyNetwork): Promise<TrainRunResult> {
  const { index: archIndex, arch } = resolveSpaceArch(o.space ?? "tss", o.arch);
  const data = o.data;
  const config = o.config ?? hpConfig(o.hp);
  const device = o.device ?? "cpu";
  const stopEpoch = Math.min(o.stopEpoch ?? config.epochs, config.epochs);
  const world = replica?.world ?? 1;

  const spec = networkSpec(o);
  let net: TinyNetwork;
  if (helperNet === undefined) {
    // prepare_seed(seed) happens right before the network is built, for each dataset (spec §3.7)
    manualSeed(o.seed);
    net = new TinyNetwork(spec);
  } else {
    net = helperNet;
  }
  if (device !== "cpu") net.to(device);
  // the other replicas built theirs before this one seeded the generator; they take these weights
  if (replica !== null) broadcast([...net.parameters(), ...net.buffers()]);
  const optimizer = new SGD(net.parameters(), {
    lr: config.lr,
    momentum: config.momentum,
    weightDecay: config.weightDecay,
    nesterov: config.nesterov,
  });
  const schedule = new CosineSchedule({ baseLr: config.lr, epochs: config.epochs, warmupEpochs: config.warmup, etaMin: config.etaMin });
  const costs = networkCosts(spec, data.shape[1]);

  let record: RunRecord = {
    archIndex,
    arch,
    hp: o.hp,
    dataset: data.key,
    seed: o.seed,
    epochs: config.epochs,
    params: costs.params,
    flops: costs.flops,
    latency: null,
    // C and N of the network; for sss the stem width C1 and one cell per stage (the widths are the arch string)
    config: { channel: spec.C, numCells: spec.N, classNum: data.classNum },
    ...emptyCurves(data.evals.map((e) => e.name)),
    provenance: { seedImputed: false, timesEstimated: false, device: o.deviceLabel ?? deviceLabel(device, world), source: TRAIN_SOURCE },
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
      // a training run records every curve (null is for sources that did not, e.g. all-arch tables)
      record.train.loss!.push(train.loss);
      record.train.acc1!.push(train.acc1);
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
          replica,
          onBatch: (b, n) => o.onProgress?.({ phase: "eval", set: set.name, epoch, epochs: config.epochs, batch: b, batches: n }),
        });
        const curve = record.evals[set.name]!;
        curve.epochs.push(epoch);
        curve.loss!.push(r.loss);
        curve.acc!.push(r.acc1);
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
    const params = net.parameters();
    const mine = (i: number): [number, number] => replicaSlice(bounds[i]!, replica);
    if (bounds.length > 0) assembler.augmented(plan, ...mine(0), buffers[0]);
    bounds.forEach(([s, e], i) => {
      const n = e - s;
      const current = buffers[i % 2]!;
      const { loss, hits } = tidy(() => {
        optimizer.lr = schedule.lrAt(epoch, i / bounds.length);
        const batch = toDevice(current, data.shape, device, world > 1);
        optimizer.zeroGrad();
        const out = net.forward(batch.inputs).logits;
        // A replica's loss is its share of the batch mean, so that the summed gradients are those of the whole batch.
        const lossT = world === 1 ? F.crossEntropy(out, batch.targets) : F.crossEntropy(out, batch.targets, { reduction: "sum" }).mul(1 / n);
        lossT.backward();
        let totals: Tensor | null = null;
        if (world > 1) {
          const own = topkHits(out.toFloat32Array(), current.targets.subarray(0, current.size), data.classNum);
          totals = tensor(Float64Array.of(lossT.item(), own.top1, own.top5), [3], { dtype: "float64" });
          allReduce([...params.map((p) => p.grad).filter((g): g is Tensor => g !== null), totals]);
        }
        optimizer.step();
        // Device ops are asynchronous on CUDA: assemble the next batch before the values below force a sync.
        if (i + 1 < bounds.length) assembler.augmented(plan, ...mine(i + 1), buffers[(i + 1) % 2]!);
        if (totals === null) return { loss: lossT.item(), hits: topkHits(out.toFloat32Array(), current.targets.subarray(0, n), data.classNum) };
        const [l, h1, h5] = totals.toNumbers();
        return { loss: l!, hits: { top1: h1!, top5: h5! } };
      });
      losses.update(loss, n);
      top1.update(batchPercent(hits.top1, n), n);
      top5.update(batchPercent(hits.top5, n), n);
      o.onProgress?.({ phase: "train", epoch, epochs: config.epochs, batch: i + 1, batches: bounds.length, loss: losses.avg });
    });
    return { loss: losses.avg, acc1: top1.avg, acc5: top5.avg, time: (performance.now() - start) / 1000 };
  }
}
