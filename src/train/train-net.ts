/**
 * `aa-nas train-net`: one architecture, several dataset keys and seeds, as the original's `specific-<name>` mode —
 * seeds outermost, the dataset keys in order inside, `manualSeed(seed)` before each network. Per seed it writes
 * `arch-XXXXXX-seed-YYYY.json` (the records of every key) and `arch-XXXXXX-seed-YYYY.safetensors` (final weights),
 * both rewritten after each key so a crash loses at most the key in progress.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Device } from "../engine/index.js";
import { limitIndices, loadTrainingData, type DataLocation, type TrainingData } from "../data/training-data.js";
import { resolveCell } from "../models/cell-archs.js";
import type { TinyNetwork } from "../models/tiny-network.js";
import { hpConfig } from "./hyper.js";
import { trainRun, type EpochEvent, type TrainProgress } from "./train-run.js";
import type { TrainRecord } from "./train-record.js";
import { saveNetworks, type NetworkEntry } from "./weights-file.js";
import { type RecordDatasetKey } from "../core/index.js";

export interface TrainNetOptions extends DataLocation {
  arch: string | number;
  datasets: readonly RecordDatasetKey[];
  seeds: readonly number[];
  hp: string;
  /** override the schedule length (the record's hp becomes the epoch count, the benchmark's naming) */
  epochs?: number;
  channel?: number;
  numCells?: number;
  device?: Device;
  /** CPU replicas per training run (TrainRunOptions.replicas) */
  replicas?: number;
  out: string;
  /** use only the first N training images / eval images of each set (quick runs; not benchmark-comparable) */
  trainSubset?: number | null;
  evalSubset?: number | null;
  onStart?: (info: { seed: number; dataset: RecordDatasetKey; data: TrainingData; epochs: number }) => void;
  onProgress?: (p: TrainProgress & { seed: number; dataset: RecordDatasetKey }) => void;
  onEpoch?: (e: EpochEvent & { seed: number; dataset: RecordDatasetKey }) => void;
}

export interface SeedFile {
  arch: string;
  archIndex: number;
  seed: number;
  hp: string;
  datasetKeys: RecordDatasetKey[];
  records: Partial<Record<RecordDatasetKey, TrainRecord>>;
}

function writeJsonAtomic(path: string, value: unknown): void {
  writeFileSync(`${path}.part`, `${JSON.stringify(value, null, 1)}\n`);
  renameSync(`${path}.part`, path);
}

export async function trainNet(o: TrainNetOptions): Promise<{ files: string[]; seedFiles: SeedFile[] }> {
  const { index, arch } = resolveCell(o.arch);
  const base = hpConfig(o.hp);
  const config = o.epochs === undefined ? base : { ...base, epochs: o.epochs };
  const hp = o.epochs === undefined ? o.hp : String(o.epochs);
  const device = o.device ?? "cpu";
  const channel = o.channel ?? 16;
  const numCells = o.numCells ?? 5;
  mkdirSync(o.out, { recursive: true });
  const files: string[] = [];
  const seedFiles: SeedFile[] = [];
  const subset = (o.trainSubset ?? null) !== null || (o.evalSubset ?? null) !== null;
  for (const seed of o.seeds) {
    const stem = join(o.out, `arch-${String(index).padStart(6, "0")}-seed-${String(seed).padStart(4, "0")}`);
    const file: SeedFile = { arch, archIndex: index, seed, hp, datasetKeys: [], records: {} };
    const nets = new Map<string, { net: TinyNetwork; entry: NetworkEntry }>();
    try {
      for (const dataset of o.datasets) {
        const full = loadTrainingData(dataset, o);
        const data: TrainingData = {
          ...full,
          train: limitIndices(full.train, o.trainSubset ?? null),
          evals: full.evals.map((e) => limitIndices(e, o.evalSubset ?? null)),
        };
        o.onStart?.({ seed, dataset, data, epochs: config.epochs });
        const { record, net } = await trainRun({
          arch,
          data,
          seed,
          hp,
          config,
          channel,
          numCells,
          device,
          ...(o.replicas === undefined ? {} : { replicas: o.replicas }),
          onProgress: (p) => o.onProgress?.({ ...p, seed, dataset }),
          onEpoch: (e) => o.onEpoch?.({ ...e, seed, dataset }),
        });
        if (subset) record.provenance.source = `aa-nas train (subset: ${data.train.indices.length} train images)`;
        file.datasetKeys.push(dataset);
        file.records[dataset] = record;
        nets.set(dataset, { net, entry: { arch, archIndex: index, channel, numCells, classNum: data.classNum, inputChannels: data.shape[0], seed, hp } });
        saveNetworks(`${stem}.safetensors`, nets);
        writeJsonAtomic(`${stem}.json`, file);
      }
    } finally {
      for (const { net } of nets.values()) net.dispose();
    }
    files.push(`${stem}.json`, `${stem}.safetensors`);
    seedFiles.push(file);
  }
  return { files, seedFiles };
}
