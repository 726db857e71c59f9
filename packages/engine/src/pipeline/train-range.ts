/**
 * The one training driver, behind `aa-nas train`, `train-net`, `demo` and the sweep workers: trains arch indexes ×
 * seeds × dataset keys into one record file per (arch, seed), as the original's `train-models.sh` did (loop order
 * arch → seed → dataset, spec §3.6), with the final weights of each key optionally beside it. Crash safety:
 * - after every epoch the run's weights, optimizer state and curves go to `<out>/checkpoints/…/<dataset>.safetensors`
 *   (atomic rename), so a killed process loses at most the epoch in flight;
 * - a finished dataset key of an unfinished (arch, seed) is kept as `<dataset>.run.json` until the record is written;
 * - the record file is written atomically with a checksum; only then are the checkpoints removed.
 * Data order and augmentation of epoch e derive from (seed, e) alone, so a resumed run equals an uninterrupted one
 * in every value except the measured times.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync } from "node:fs";
import { hostname, cpus } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "@aa-nas/core/atomic-file.js";
import type { Device } from "../tensor/device.js";
import type { RecordDatasetKey, RunRecord } from "@aa-nas/core/registry/index.js";
import { limitIndices, loadTrainingData, type DataLocation, type TrainingData } from "../data/training-data.js";
import { DEFAULT_CHANNEL, DEFAULT_NUM_CELLS } from "../models/structure.js";
import { hpConfig } from "../train/hyper.js";
import { trainRun, type TrainProgress } from "../train/train-run.js";
import { TRAIN_SOURCE } from "../train/train-record.js";
import { saveNetwork } from "../train/weights-file.js";
import type { SpaceName } from "@aa-nas/core/space/index.js";
import { resolveSpaceArch } from "../models/space-network.js";
import { CorruptRecordError, RECORD_FORMAT, readRecordFile, recordFilePath, runStem, weightsFileName, writeRecordFile, type RecordFile } from "./record-file.js";

export interface TrainRangeOptions {
  archIndexes: readonly number[];
  seeds: readonly number[];
  datasets: readonly RecordDatasetKey[];
  hp: string;
  /** `new` skips (arch, seed) pairs whose record exists; `cover` trains them again */
  mode: "new" | "cover";
  outDir: string;
  data: DataLocation;
  /** the search space the arch indexes are of (default tss) */
  space?: SpaceName;
  /** tss network size (an sss arch fixes its own widths) */
  channel?: number;
  numCells?: number;
  /** use only the first N training images / eval images of each set (quick runs; the record's source says so) */
  trainSubset?: number | null;
  evalSubset?: number | null;
  device?: Device;
  /** CPU replicas per training run (TrainRunOptions.replicas) */
  replicas?: number;
  /** save the final weights next to the record */
  saveWeights?: boolean;
  /** Stop after this many epochs in total (testing crash/resume); the run is left resumable. */
  maxEpochs?: number;
  events?: TrainRangeEvents;
}

export interface TrainRangeEvents {
  onPairStart?(e: { archIndex: number; seed: number; done: number; total: number; skipped: boolean }): void;
  onDatasetStart?(e: { archIndex: number; seed: number; dataset: RecordDatasetKey; resumeEpoch: number; epochs: number }): void;
  onEpoch?(e: { archIndex: number; seed: number; dataset: RecordDatasetKey; epoch: number; epochs: number; record: RunRecord }): void;
  onProgress?(p: TrainProgress & { archIndex: number; seed: number; dataset: RecordDatasetKey }): void;
}

export interface TrainRangeResult {
  written: string[];
  skipped: string[];
  /** true when `maxEpochs` stopped the work early */
  interrupted: boolean;
}

interface CheckpointMeta {
  epoch: number;
}

export async function trainRange(o: TrainRangeOptions): Promise<TrainRangeResult> {
  mkdirSync(o.outDir, { recursive: true });
  const dataCache = new Map<RecordDatasetKey, TrainingData>();
  const result: TrainRangeResult = { written: [], skipped: [], interrupted: false };
  const config = hpConfig(o.hp);
  const subset = (o.trainSubset ?? null) !== null || (o.evalSubset ?? null) !== null;
  const channel = o.channel ?? DEFAULT_CHANNEL;
  const numCells = o.numCells ?? DEFAULT_NUM_CELLS;
  const space = o.space ?? "tss";
  let epochBudget = o.maxEpochs ?? Infinity;
  const pairs = o.archIndexes.flatMap((archIndex) => o.seeds.map((seed) => ({ archIndex, seed })));

  for (const [done, { archIndex, seed }] of pairs.entries()) {
    const path = recordFilePath(o.outDir, archIndex, seed);
    const skip = o.mode === "new" && isFinished(path);
    o.events?.onPairStart?.({ archIndex, seed, done, total: pairs.length, skipped: skip });
    if (skip) {
      result.skipped.push(path);
      continue;
    }
    const work = join(o.outDir, "checkpoints", runStem(archIndex, seed));
    mkdirSync(work, { recursive: true });
    const runs: RunRecord[] = [];
    const weights: Record<string, string> = {};
    for (const dataset of o.datasets) {
      const finishedRun = join(work, `${dataset}.run.json`);
      if (existsSync(finishedRun)) {
        runs.push(JSON.parse(readFileSync(finishedRun, "utf8")) as RunRecord);
        if (o.saveWeights) weights[dataset] = weightsFileName(archIndex, seed, dataset);
        continue;
      }
      if (epochBudget <= 0) {
        result.interrupted = true;
        return result;
      }
      const data = trainingData(dataset);
      const ckpt = join(work, `${dataset}.safetensors`);
      const resume = readCheckpointEpoch(ckpt);
      o.events?.onDatasetStart?.({ archIndex, seed, dataset, resumeEpoch: resume === null ? 0 : resume + 1, epochs: config.epochs });
      const startEpoch = resume === null ? 0 : resume + 1;
      const stopEpoch = Math.min(config.epochs, startEpoch + epochBudget);
      const { record, net } = await trainRun({
        arch: archIndex,
        space,
        data,
        seed,
        hp: o.hp,
        config,
        channel,
        numCells,
        device: o.device,
        ...(o.replicas === undefined ? {} : { replicas: o.replicas }),
        stopEpoch,
        ...(resume === null ? {} : { resumeFrom: ckpt }),
        onEpoch: (e) => {
          e.saveCheckpoint(ckpt);
          o.events?.onEpoch?.({ archIndex, seed, dataset, epoch: e.epoch, epochs: config.epochs, record: e.record });
        },
        onProgress: (p) => o.events?.onProgress?.({ ...p, archIndex, seed, dataset }),
      });
      try {
        epochBudget -= stopEpoch - startEpoch;
        if (stopEpoch < config.epochs) {
          result.interrupted = true;
          return result;
        }
        if (o.saveWeights) {
          const name = weightsFileName(archIndex, seed, dataset);
          const { channel: C, numCells: N } = record.config;
          const entry = { arch: record.arch, archIndex, space, channel: C, numCells: N, classNum: data.classNum, inputChannels: data.shape[0], seed, hp: o.hp };
          saveNetwork(join(o.outDir, name), dataset, net, entry);
          weights[dataset] = name;
        }
      } finally {
        net.dispose();
      }
      const run = subset ? subsetNoted(record, data) : record;
      writeFileAtomic(finishedRun, JSON.stringify(run));
      rmSync(ckpt, { force: true });
      runs.push(run);
    }
    const file: RecordFile = {
      format: RECORD_FORMAT,
      archIndex,
      arch: resolveSpaceArch(space, archIndex).arch,
      seed,
      hp: o.hp,
      runs,
      weights: o.saveWeights ? weights : null,
      machine: `${hostname()}; ${cpus().length} cpus (${cpus()[0]?.model ?? "unknown"}); node ${process.version}; device ${o.device ?? "cpu"}`,
    };
    writeRecordFile(path, file);
    rmSync(work, { recursive: true, force: true });
    removeIfEmpty(join(o.outDir, "checkpoints"));
    result.written.push(path);
  }
  return result;

  function trainingData(key: RecordDatasetKey): TrainingData {
    let d = dataCache.get(key);
    if (d === undefined) {
      const full = loadTrainingData(key, o.data);
      d = {
        ...full,
        train: limitIndices(full.train, o.trainSubset ?? null),
        evals: full.evals.map((e) => limitIndices(e, o.evalSubset ?? null)),
      };
      dataCache.set(key, d);
    }
    return d;
  }
}

/** A run on a subset is not comparable to the benchmark's; its source says so wherever it is merged. */
function subsetNoted(record: RunRecord, data: TrainingData): RunRecord {
  return { ...record, provenance: { ...record.provenance, source: `${TRAIN_SOURCE} (subset: ${data.train.indices.length} train images)` } };
}

/** A record counts as finished only when it reads back intact; a damaged one is trained again. */
function isFinished(path: string): boolean {
  if (!existsSync(path)) return false;
  try {
    readRecordFile(path);
    return true;
  } catch (err) {
    if (err instanceof CorruptRecordError) {
      process.stderr.write(`aa-nas: ${err.message}; training it again\n`);
      return false;
    }
    throw err;
  }
}

/** Epoch stored in a training checkpoint's metadata, or null when there is none. */
function readCheckpointEpoch(path: string): number | null {
  if (!existsSync(path)) return null;
  const buf = readFileSync(path);
  const headerLen = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + headerLen).toString("utf8")) as { __metadata__?: Record<string, string> };
  const raw = header.__metadata__?.["aa_nas.train"];
  if (raw === undefined) return null;
  return (JSON.parse(raw) as CheckpointMeta).epoch;
}

function removeIfEmpty(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length === 0) rmdirSync(dir);
}
