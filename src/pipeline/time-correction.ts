/**
 * The time correction that built file v1.1 and NATS-tss (spec §5.5), for records trained here: per architecture, all
 * runs of every hp get pseudo train / eval times derived from the 12-epoch cifar10-valid seed-777 run, and latencies are
 * unified per dataset. Runs whose arch lacks that reference run are returned unchanged (and reported).
 */
import type { EvalCurve, EvalSet, RunRecord } from "../bench/record.js";

const TRAIN_IMAGES: Record<string, number> = { "cifar10-valid": 25000, cifar10: 50000, cifar100: 50000, "ImageNet16-120": 151700 };
const EVAL_IMAGES: Record<string, Partial<Record<EvalSet, number>>> = {
  "cifar10-valid": { "x-valid": 25000, "ori-test": 10000 },
  cifar10: { "ori-test": 10000 },
  cifar100: { "x-valid": 5000, "x-test": 5000, "ori-test": 10000 },
  "ImageNet16-120": { "x-valid": 3000, "x-test": 3000, "ori-test": 6000 },
};

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
    const ref = archRuns.find((r) => r.hp === "12" && r.dataset === "cifar10-valid" && r.seed === 777);
    const oriTest = ref?.evals["ori-test"]?.time;
    const xValid = ref?.evals["x-valid"]?.time;
    if (!ref?.train.time?.length || !oriTest?.length || !xValid?.length) {
      uncorrected.push(archIndex);
      out.push(...archRuns);
      continue;
    }
    const perTrainImage = mean(ref.train.time) / 25000;
    const perEvalImage = (mean(oriTest) + mean(xValid)) / (25000 + 10000);
    const latency = unifiedLatencies(archRuns);
    for (const r of archRuns) {
      const trainPerEpoch = perTrainImage * (TRAIN_IMAGES[r.dataset] ?? 0);
      const evals: Partial<Record<EvalSet, EvalCurve>> = {};
      for (const [set, curve] of Object.entries(r.evals) as [EvalSet, EvalCurve][]) {
        const perEpoch = perEvalImage * (EVAL_IMAGES[r.dataset]?.[set] ?? 0);
        evals[set] = { ...curve, time: curve.epochs.map(() => perEpoch), timeAllEpochs: new Array<number>(r.epochs).fill(perEpoch) };
      }
      out.push({
        ...r,
        train: { ...r.train, time: r.train.loss.map(() => trainPerEpoch) },
        evals,
        latency: latency.get(r.dataset) ?? r.latency,
        provenance: { ...r.provenance, timesEstimated: true },
      });
    }
  }
  return { runs: out, uncorrected };
}

/** cifar10-valid and cifar10 share the mean of their two latencies; the other keys keep their own (200-epoch means). */
function unifiedLatencies(runs: readonly RunRecord[]): Map<string, number[]> {
  const perDataset = (d: string): number | null => {
    const vals = runs.filter((r) => r.dataset === d && r.hp === "200" && r.latency?.length).map((r) => mean(r.latency!));
    return vals.length ? mean(vals) : null;
  };
  const m = new Map<string, number[]>();
  const c10v = perDataset("cifar10-valid");
  const c10 = perDataset("cifar10");
  if (c10v !== null && c10 !== null) {
    m.set("cifar10-valid", [(c10v + c10) / 2]);
    m.set("cifar10", [(c10v + c10) / 2]);
  }
  for (const d of ["cifar100", "ImageNet16-120"]) {
    const v = perDataset(d);
    if (v !== null) m.set(d, [v]);
  }
  return m;
}
