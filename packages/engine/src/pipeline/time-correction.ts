/**
 * The time correction that built file v1.1 and NATS-tss (spec §5.5), for records trained here: per architecture, all
 * benchmark runs of every hp get pseudo train / eval times derived from the 12-epoch cifar10-valid seed-777 run
 * (TIME_REFERENCE_RUN), and latencies are unified per dataset. Runs whose arch lacks that reference run are returned
 * unchanged (and reported); runs on keys outside the benchmark (fashion-mnist) keep their measured times.
 */
import type { SpaceName } from "@aa-nas/core/space/index.js";
import { DATASET_KEYS, TIME_REFERENCE_RUN, datasetInfo, isBenchmarkKey, trainedEpochs, type EvalCurve, type EvalSet, type RunRecord } from "@aa-nas/core/registry/index.js";

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

export interface CorrectionResult {
  runs: RunRecord[];
  /** arch indexes left unchanged because the reference run is missing */
  uncorrected: number[];
}

export function correctTimes(runs: readonly RunRecord[]): CorrectionResult {
  const byArch = new Map<number, RunRecord[]>();
  for (const r of runs) byArch.set(r.archIndex, [...(byArch.get(r.archIndex) ?? []), r]);
  const out: RunRecord[] = [];
  const uncorrected: number[] = [];
  for (const [archIndex, archRuns] of byArch) {
    const { dataset: refKey, hp: refHp, seed: refSeed } = TIME_REFERENCE_RUN;
    const ref = archRuns.find((r) => r.hp === refHp && r.dataset === refKey && r.seed === refSeed);
    const oriTest = ref?.evals["ori-test"]?.time;
    const xValid = ref?.evals["x-valid"]?.time;
    if (!ref?.train.time?.length || !oriTest?.length || !xValid?.length) {
      uncorrected.push(archIndex);
      out.push(...archRuns);
      continue;
    }
    const refImages = datasetInfo(refKey).images;
    const perTrainImage = mean(ref.train.time) / refImages.train;
    const perEvalImage = (mean(oriTest) + mean(xValid)) / (refImages["x-valid"]! + refImages["ori-test"]!);
    const latency = unifiedLatencies(archRuns);
    for (const r of archRuns) {
      if (!isBenchmarkKey(r.dataset)) {
        out.push(r);
        continue;
      }
      const images = datasetInfo(r.dataset).images;
      const trainPerEpoch = perTrainImage * images.train;
      const evals: Partial<Record<EvalSet, EvalCurve>> = {};
      for (const [set, curve] of Object.entries(r.evals) as [EvalSet, EvalCurve][]) {
        const perEpoch = perEvalImage * (images[set] ?? 0);
        evals[set] = { ...curve, time: curve.epochs.map(() => perEpoch), timeAllEpochs: new Array<number>(r.epochs).fill(perEpoch) };
      }
      out.push({
        ...r,
        train: { ...r.train, time: new Array<number>(trainedEpochs(r.train)).fill(trainPerEpoch) },
        evals,
        latency: latency.get(r.dataset) ?? r.latency,
        provenance: { ...r.provenance, timesEstimated: true },
      });
    }
  }
  return { runs: out, uncorrected };
}

/**
 * Keys of one family share the mean of their 200-epoch latencies when every key of the family has one (cifar10-valid
 * and cifar10: the same network on the same test images); a key alone in its family keeps its own.
 */
function unifiedLatencies(runs: readonly RunRecord[]): Map<string, number[]> {
  const perDataset = (d: string): number | null => {
    const vals = runs.filter((r) => r.dataset === d && r.hp === "200" && r.latency?.length).map((r) => mean(r.latency!));
    return vals.length ? mean(vals) : null;
  };
  const m = new Map<string, number[]>();
  const families = new Set(DATASET_KEYS.map((k) => datasetInfo(k).family));
  for (const family of families) {
    const keys = DATASET_KEYS.filter((k) => datasetInfo(k).family === family);
    const values = keys.map(perDataset);
    if (values.some((v) => v === null)) continue;
    const shared = mean(values as number[]);
    for (const k of keys) m.set(k, [shared]);
  }
  return m;
}

/** The run every size-space time comes from: hp '01' (one epoch), seed 777, of the same dataset key (nats-sss §3.2). */
export const SIZE_TIME_REFERENCE = { hp: "01", seed: 777 } as const;

/**
 * The eval sets whose hp-01 pass times give a family's latency, in the original's summation order, and the key that
 * holds them (sss-collect.py `correct_time_related_info`). cifar10 has only ori-test, so CIFAR-10's comes from
 * cifar10-valid.
 */
const SIZE_LATENCY_SETS: readonly { key: (typeof DATASET_KEYS)[number]; sets: readonly EvalSet[] }[] = [
  { key: "cifar10-valid", sets: ["x-valid", "ori-test"] },
  { key: "cifar100", sets: ["ori-test", "x-test", "x-valid"] },
  { key: "ImageNet16-120", sets: ["ori-test", "x-test", "x-valid"] },
];
const EVAL_BATCH = 256;

/**
 * The time correction of the size space (NATS-sss, nats-sss spec §3.2), for records trained here. Per arch, every run
 * of a benchmark key (every hp and seed) gets the per-epoch train time and per-epoch eval times of that key's hp-01
 * seed-777 run (the mean over its epochs), and every key of a family one latency: the mean over the family's
 * reference sets of their hp-01 pass time (the mean over hp-01 seeds) per batch of 256. An arch lacking a reference
 * run of a key it has is returned unchanged (and reported), as `correctTimes` does; other keys keep their times.
 */
export function correctSizeTimes(runs: readonly RunRecord[]): CorrectionResult {
  const byArch = new Map<number, RunRecord[]>();
  for (const r of runs) byArch.set(r.archIndex, [...(byArch.get(r.archIndex) ?? []), r]);
  const out: RunRecord[] = [];
  const uncorrected: number[] = [];
  for (const [archIndex, archRuns] of byArch) {
    const corrected = correctSizeArch(archRuns);
    if (corrected === null) uncorrected.push(archIndex);
    out.push(...(corrected ?? archRuns));
  }
  return { runs: out, uncorrected };
}

function correctSizeArch(runs: readonly RunRecord[]): RunRecord[] | null {
  const keys = [...new Set(runs.map((r) => r.dataset))].filter(isBenchmarkKey);
  const reference = new Map<string, RunRecord>();
  for (const key of keys) {
    const ref = runs.find((r) => r.dataset === key && r.hp === SIZE_TIME_REFERENCE.hp && r.seed === SIZE_TIME_REFERENCE.seed);
    if (!ref?.train.time?.length || datasetInfo(key).evalSets.some((s) => !ref.evals[s]?.time?.length)) return null;
    reference.set(key, ref);
  }
  const latency = new Map<string, number[]>();
  for (const { key, sets } of SIZE_LATENCY_SETS) {
    const family = datasetInfo(key).family;
    if (!keys.some((k) => datasetInfo(k).family === family)) continue;
    // get_metrics(is_random=False): the pass time at the last epoch summed over epochs, averaged over hp-01 seeds
    const hp01 = runs.filter((r) => r.dataset === key && r.hp === SIZE_TIME_REFERENCE.hp);
    const perBatch = sets.map((s) => {
      const all = hp01.map((r) => r.evals[s]?.time?.reduce((a, b) => a + b, 0));
      if (all.length === 0 || all.some((t) => t === undefined)) return null;
      return mean(all as number[]) / Math.ceil(datasetInfo(key).images[s]! / EVAL_BATCH);
    });
    if (perBatch.some((t) => t === null)) return null;
    const value = (perBatch as number[]).reduce((a, b) => a + b, 0) / perBatch.length;
    for (const k of keys) if (datasetInfo(k).family === family) latency.set(k, [value]);
  }
  if (keys.some((k) => !latency.has(k))) return null;
  return runs.map((r) => {
    const ref = reference.get(r.dataset);
    if (ref === undefined) return r;
    const trainPerEpoch = mean(ref.train.time!);
    const evals: Partial<Record<EvalSet, EvalCurve>> = {};
    for (const [set, curve] of Object.entries(r.evals) as [EvalSet, EvalCurve][]) {
      const perEpoch = mean(ref.evals[set]!.time!);
      evals[set] = { ...curve, time: curve.epochs.map(() => perEpoch), timeAllEpochs: new Array<number>(r.epochs).fill(perEpoch) };
    }
    return {
      ...r,
      train: { ...r.train, time: new Array<number>(trainedEpochs(r.train)).fill(trainPerEpoch) },
      evals,
      latency: latency.get(r.dataset)!,
      provenance: { ...r.provenance, timesEstimated: true },
    };
  });
}

/** A search space's time correction and, for the report of archs it left alone, the run it needs. */
export interface TimeCorrection {
  correct(runs: readonly RunRecord[]): CorrectionResult;
  /** "a 12-epoch cifar10-valid seed-777 run" */
  reference: string;
}

/** Each space's correction, as its original collect script applies it (tss-collect.py, sss-collect.py). */
export const TIME_CORRECTIONS: Readonly<Record<SpaceName, TimeCorrection>> = {
  tss: {
    correct: correctTimes,
    reference: `a ${TIME_REFERENCE_RUN.hp}-epoch ${TIME_REFERENCE_RUN.dataset} seed-${TIME_REFERENCE_RUN.seed} run`,
  },
  sss: {
    correct: correctSizeTimes,
    reference: `an hp-${SIZE_TIME_REFERENCE.hp} seed-${SIZE_TIME_REFERENCE.seed} run (with every eval set's times) of each benchmark key it has`,
  },
};
