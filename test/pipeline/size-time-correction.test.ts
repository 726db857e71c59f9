/**
 * The size space's time correction (nats-sss spec §3.2, sss-collect.py): every hp and seed of a key takes the per-epoch
 * train and eval times of that key's hp-01 seed-777 run, and each family one latency per batch of 256 from the hp-01
 * pass times (CIFAR-10: cifar10-valid's x-valid / 98 and ori-test / 40; CIFAR-100: ori-test / 40, x-test / 20,
 * x-valid / 20; ImageNet16: ori-test / 24, x-test / 12, x-valid / 12).
 */
import { describe, expect, it } from "vitest";
import { correctSizeTimes } from "../../packages/engine/src/pipeline/time-correction.js";
import { datasetInfo, type RecordDatasetKey, type RunRecord } from "../../packages/core/src/registry/index.js";

let clock = 1;
/** a run whose every time is a distinct made-up number (so a time taken from the wrong run shows) */
function run(dataset: RecordDatasetKey, hp: string, seed: number): RunRecord {
  const epochs = Number(hp);
  const times = () => Array.from({ length: epochs }, () => (clock += 0.37));
  const evals: RunRecord["evals"] = {};
  for (const set of datasetInfo(dataset).evalSets) evals[set] = { epochs: [...Array(epochs).keys()], loss: Array(epochs).fill(1), acc: Array(epochs).fill(50), time: times() };
  return {
    archIndex: 668,
    arch: "8:16:24:32:40",
    hp,
    dataset,
    seed,
    epochs,
    params: 0.1,
    flops: 15,
    latency: [clock],
    config: { channel: 8, numCells: 1, classNum: datasetInfo(dataset).classes },
    train: { loss: Array(epochs).fill(2), acc1: Array(epochs).fill(10), acc5: Array(epochs).fill(50), time: times() },
    evals,
    provenance: { seedImputed: false, timesEstimated: false, device: "cpu", source: "aa-nas train" },
  };
}

const KEYS = ["cifar10-valid", "cifar10", "cifar100", "ImageNet16-120"] as const;
const runsOf = (): RunRecord[] => [
  ...KEYS.map((k) => run(k, "01", 777)),
  ...KEYS.flatMap((k) => [777, 888, 999].map((s) => run(k, "12", s))),
  ...KEYS.map((k) => run(k, "90", 777)),
  run("fashion-mnist", "01", 777),
];

describe("size-space time correction", () => {
  it("gives every hp and seed of a key the hp-01 seed-777 times, and each family the original's latency", () => {
    const runs = runsOf();
    const { runs: out, uncorrected } = correctSizeTimes(runs);
    expect(uncorrected).toEqual([]);
    const ref = (k: RecordDatasetKey) => runs.find((r) => r.dataset === k && r.hp === "01")!;
    const t = (k: RecordDatasetKey, set: "x-valid" | "x-test" | "ori-test") => ref(k).evals[set]!.time![0]!;
    const latency: Record<string, number> = {
      "cifar10-valid": (t("cifar10-valid", "x-valid") / 98 + t("cifar10-valid", "ori-test") / 40) / 2,
      cifar100: (t("cifar100", "ori-test") / 40 + t("cifar100", "x-test") / 20 + t("cifar100", "x-valid") / 20) / 3,
      "ImageNet16-120": (t("ImageNet16-120", "ori-test") / 24 + t("ImageNet16-120", "x-test") / 12 + t("ImageNet16-120", "x-valid") / 12) / 3,
    };
    latency.cifar10 = latency["cifar10-valid"]!; // one CIFAR-10 latency, from cifar10-valid's sets
    for (const r of out.filter((x) => x.dataset !== "fashion-mnist")) {
      const base = ref(r.dataset);
      expect(r.train.time).toEqual(Array(r.epochs).fill(base.train.time![0]));
      for (const [set, curve] of Object.entries(r.evals)) {
        const perEpoch = base.evals[set as "ori-test"]!.time![0];
        expect(curve.time).toEqual(Array(r.epochs).fill(perEpoch));
        expect(curve.timeAllEpochs).toEqual(Array(r.epochs).fill(perEpoch));
      }
      expect(r.latency).toEqual([latency[r.dataset]]);
      expect(r.provenance.timesEstimated).toBe(true);
    }
    // outside the benchmark: measured times kept
    expect(out.find((r) => r.dataset === "fashion-mnist")).toEqual(runs.find((r) => r.dataset === "fashion-mnist"));
  });

  it("leaves an arch unchanged, and reports it, when a key lacks its hp-01 seed-777 run", () => {
    const runs = runsOf().filter((r) => !(r.dataset === "cifar100" && r.hp === "01"));
    const { runs: out, uncorrected } = correctSizeTimes(runs);
    expect(uncorrected).toEqual([668]);
    expect(out).toEqual(runs);
  });
});
