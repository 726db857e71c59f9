/**
 * A generated full-size size-space (sss) store for the benchmark-driven search tests and the campaign benchmark: all
 * 32,768 channel configs, with only what a search reads (spec §4.1): hp '12' runs of seeds 777, 888, 999 on the key a
 * dataset is searched on (x-valid and train and eval times per epoch: BOHB reads epochs 0, 3 and 11), and hp '90'
 * runs of seed 777 on that key and the dataset's own key (last-epoch accuracies: the answers' valid and test numbers),
 * and for cifar10 an hp '12' run on its own key (simulate_train_eval reads the latency there).
 * Accuracy grows with the widths (later stages weigh more) plus per-config jitter and per-seed noise; times grow with
 * the config's FLOPs. Synthetic numbers: they test the searches' mechanics, not the real benchmark's results.
 */
import { BenchStore } from "../../packages/core/src/bench/store.js";
import { datasetInfo, isBenchmarkKey, searchTrainKey, type DatasetKey, type EvalCurve, type EvalSet, type RunRecord, type SearchDataset } from "../../packages/core/src/registry/index.js";
import { PyRandom, searchSpace } from "../../packages/core/src/space/index.js";
import { SIZE_NUM_ARCHS, parseSizeArch, sizeArchAt } from "../../packages/core/src/space/size.js";

const SSS = searchSpace("sss");

const CEILING: Record<DatasetKey, number> = { "cifar10-valid": 90, cifar10: 93, cifar100: 70, "ImageNet16-120": 45 };
/** Eval sets a key's records hold (the NATS layout): x-valid where the key has a validation split. */
const EVAL_SETS: Record<DatasetKey, EvalSet[]> = {
  "cifar10-valid": ["x-valid", "ori-test"],
  cifar10: ["ori-test"],
  cifar100: ["x-valid", "x-test", "ori-test"],
  "ImageNet16-120": ["x-valid", "x-test", "ori-test"],
};
const HP12_SEEDS = [777, 888, 999];

/** Config quality in [0, 1]: wider is better, with weights rising towards the last stage. */
export function sssQuality(index: number): number {
  const c = parseSizeArch(sizeArchAt(index));
  const w = [1, 1.5, 2, 2.5, 3];
  let q = 0;
  for (let k = 0; k < 5; k++) q += (w[k]! * (c[k]! - 8)) / 56;
  return q / 10;
}

function accuracy(index: number, dataset: DatasetKey, epochs: number, seed: number): number {
  const chance = 100 / datasetInfo(dataset).classes;
  const jitter = new PyRandom(index * 31 + epochs).random() - 0.5; // per config: keeps ranks from being a pure function of q
  const noise = seed === 0 ? 0 : new PyRandom(index * 7919 + seed * 13 + epochs).random() - 0.5;
  const reach = epochs >= 90 ? 1 : 0.88;
  return chance + (CEILING[dataset] * reach - chance) * (0.5 + 0.45 * sssQuality(index) + 0.04 * jitter) + 0.6 * noise;
}

function record(index: number, dataset: DatasetKey, hp: "12" | "90", seed: number, proxy: boolean): RunRecord {
  const arch = sizeArchAt(index);
  const epochs = Number(hp);
  const costs = SSS.costs(arch, dataset);
  const epochTime = 2 + costs.flops / (dataset === "ImageNet16-120" ? 4 : 20);
  const final = accuracy(index, dataset, epochs, seed);
  // the proxy runs: the set searches read, every epoch (an epoch's total eval time needs the earlier ones); the others:
  // the last epoch, no eval times (only accuracies, and the train times and latency, are read there)
  const evalEpochs = proxy ? Array.from({ length: epochs }, (_, e) => e) : [epochs - 1];
  const evals: Partial<Record<EvalSet, EvalCurve>> = {};
  for (const set of proxy ? (["x-valid"] as const) : EVAL_SETS[dataset]) {
    const acc = evalEpochs.map((e) => Math.max(0, final * (0.55 + 0.45 * ((e + 1) / epochs)) + (set === "x-valid" ? 0 : 0.3)));
    evals[set] = { epochs: evalEpochs, loss: null, acc, time: proxy ? evalEpochs.map(() => epochTime / 6) : null };
  }
  return {
    archIndex: index,
    arch,
    hp,
    dataset,
    seed,
    epochs,
    params: costs.params,
    flops: costs.flops,
    latency: [0.01 + costs.flops / 1e4],
    config: SSS.storedConfig(arch, datasetInfo(dataset).classes),
    train: { loss: null, acc1: null, acc5: null, time: Array.from({ length: epochs }, () => epochTime) },
    evals,
    provenance: { seedImputed: false, timesEstimated: true, device: null, source: "synthetic:test/search/sss-store" },
  };
}

/** The keys a search on `datasets` reads: each one's search key (hp 12 and 90) and its own key (hp 90). */
function plan(datasets: readonly SearchDataset[]): Array<[DatasetKey, "12" | "90", number, boolean]> {
  const out: Array<[DatasetKey, "12" | "90", number, boolean]> = [];
  for (const d of datasets) {
    const train = searchTrainKey(d);
    if (!isBenchmarkKey(train)) throw new Error(`${d} searches on ${train}, which is not a benchmark key`);
    for (const seed of HP12_SEEDS) out.push([train, "12", seed, true]);
    out.push([train, "90", 777, false]);
    if (train !== d) {
      // simulate_train_eval reads the latency of (dataset, hp '12') from the dataset's own key
      out.push([d, "12", 777, false]);
      out.push([d, "90", 777, false]);
    }
  }
  return out;
}

/**
 * Writes an sss store at `path` with every config's runs for `datasets` (or for `archs`, to make a store with gaps).
 * Returns the number of runs written.
 */
export function writeSssSearchStore(path: string, datasets: readonly SearchDataset[], archs?: readonly number[]): number {
  const store = BenchStore.create(path, { overwrite: true, createdBy: "test/search sss store", space: "sss" });
  const runs = plan(datasets);
  let inserted = 0;
  try {
    const batch: RunRecord[] = [];
    const indexes = archs ?? Array.from({ length: SIZE_NUM_ARCHS }, (_, i) => i);
    for (const i of indexes) {
      for (const [key, hp, seed, proxy] of runs) batch.push(record(i, key, hp, seed, proxy));
      if (batch.length >= 4000) inserted += store.putRuns(batch.splice(0)).inserted;
    }
    inserted += store.putRuns(batch).inserted;
  } finally {
    store.close();
  }
  return inserted;
}
