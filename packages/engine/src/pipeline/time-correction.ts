/**
 * The time correction that built file v1.1 and NATS-tss (spec §5.5), for records trained here: per architecture, all
 * benchmark runs of every hp get pseudo train / eval times derived from the 12-epoch cifar10-valid seed-777 run
 * (TIME_REFERENCE_RUN), and latencies are unified per dataset. Runs whose arch lacks that reference run are returned
 * unchanged (and reported); runs on keys outside the benchmark (fashion-mnist) keep their measured times.
 */
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
