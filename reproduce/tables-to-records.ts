/**
 * The peer tables as RunRecords, so the harness can run on a real store. What the tables lack is filled as follows
 * (every record says so in `provenance.source`, and `timesEstimated` is set on all of them):
 * - losses, train accuracies and top-5 are not in any table: stored as NaN (constant curves, 8 bytes each);
 * - times are the v1.1 / NATS pseudo times of spec §5.5: per-epoch train time from the 200-epoch train-all-time / 200
 *   (dataset ratios 1 / 2 / 2 / 6.068 are in the table itself), eval time per epoch N_set·e with e = κ·T (tables.ts);
 * - hp 12 (mini-bench): only the MEAN over the 12-epoch trials is known. cifar10-valid had two trials (seeds 111, 777):
 *   both records carry the mean, so a random-trial query returns the mean either way. ori-test of cifar100 /
 *   ImageNet16-120 = (x-valid + x-test)/2 (equal halves: exact for one trial). cifar10-valid ori-test is unknown and
 *   left out (the original API omits sets a record lacks);
 * - hp 200: per-seed cifar10-valid x-valid and cifar100 / ImageNet16-120 ori-test are real per-seed values; the test
 *   numbers (cifar10 ori-test, x-test) are only known as means and are copied to every seed; x-valid of cifar100 /
 *   ImageNet16-120 per seed = 2·ori-test(seed) − mean x-test, whose mean over seeds is exact. cifar10-valid ori-test
 *   is unknown and left out. Archs with two trials are labelled seeds 777, 888 by the table's generator:
 *   `seedImputed` is set for them;
 * - params / FLOPs: the closed form (spec §2.5) — the hp-200 table column carries the known NATS legacy bug;
 * - latency: unknown (null).
 */
import { archAt, archCosts } from "../packages/core/src/space/index.js";
import { TABLE_SOURCE_PREFIX, datasetInfo, type DatasetKey, type EvalCurve, type EvalSet, type RunRecord } from "../packages/core/src/registry/index.js";
import { TABLE_FILES, perEpochTime, type PeerTables, SEEDS_200 } from "./tables.js";

/** Images per split (spec §5.5): train images set the per-epoch train time, eval images the per-epoch eval time. */
const TRAIN_IMAGES: Record<DatasetKey, number> = { "cifar10-valid": 25000, cifar10: 50000, cifar100: 50000, "ImageNet16-120": 151700 };
const EVAL_IMAGES: Record<DatasetKey, Partial<Record<EvalSet, number>>> = {
  "cifar10-valid": { "x-valid": 25000, "ori-test": 10000 },
  cifar10: { "ori-test": 10000 },
  cifar100: { "x-valid": 5000, "x-test": 5000, "ori-test": 10000 },
  "ImageNet16-120": { "x-valid": 3000, "x-test": 3000, "ori-test": 6000 },
};

const filled = (n: number, v: number): number[] => new Array<number>(n).fill(v);

interface RecordSpec {
  dataset: DatasetKey;
  hp: "12" | "200";
  seed: number;
  seedImputed: boolean;
  /** final-epoch accuracy per eval set that the tables give */
  acc: Partial<Record<EvalSet, number>>;
  note: string;
}

function makeRecord(tables: PeerTables, archIndex: number, spec: RecordSpec): RunRecord {
  const epochs = spec.hp === "12" ? 12 : 200;
  const arch = archAt(archIndex);
  const T = perEpochTime(tables, archIndex);
  const trainPerEpoch = (T / 25000) * TRAIN_IMAGES[spec.dataset];
  // T/25000·N reproduces the table's own dataset ratios (2 for cifar100, 6.068 = 151700/25000 for ImageNet16-120).
  const evalPerImage = tables.evalTimeRatio.kappa * T;
  const evals: Partial<Record<EvalSet, EvalCurve>> = {};
  for (const [set, acc] of Object.entries(spec.acc) as [EvalSet, number][]) {
    const perEpoch = evalPerImage * EVAL_IMAGES[spec.dataset][set]!;
    evals[set] = { epochs: [epochs - 1], loss: [NaN], acc: [acc], time: [perEpoch], timeAllEpochs: filled(epochs, perEpoch) };
  }
  const costs = archCosts(arch, spec.dataset);
  return {
    archIndex,
    arch,
    hp: spec.hp,
    dataset: spec.dataset,
    seed: spec.seed,
    epochs,
    params: costs.params,
    flops: costs.flops,
    latency: null,
    config: { channel: 16, numCells: 5, classNum: datasetInfo(spec.dataset).classes },
    train: { loss: filled(epochs, NaN), acc1: filled(epochs, NaN), acc5: null, time: filled(epochs, trainPerEpoch) },
    evals,
    provenance: { seedImputed: spec.seedImputed, timesEstimated: true, device: null, source: `${TABLE_SOURCE_PREFIX}${spec.note}` },
  };
}

/** All RunRecords the tables support for one arch (17 for a 3-trial arch, 13 for a 2-trial arch). */
export function recordsForArch(tables: PeerTables, i: number): RunRecord[] {
  const c = tables.columns;
  const mini = TABLE_FILES.twelveEpoch;
  const out: RunRecord[] = [];
  const half = (v: number, t: number): number => (v + t) / 2;

  for (const seed of [111, 777]) {
    out.push(
      makeRecord(tables, i, {
        dataset: "cifar10-valid",
        hp: "12",
        seed,
        seedImputed: false,
        acc: { "x-valid": c.cifar10.valid12[i]! },
        note: `${mini} (mean of seeds 111 and 777, copied to each)`,
      }),
    );
  }
  out.push(makeRecord(tables, i, { dataset: "cifar10", hp: "12", seed: 111, seedImputed: false, acc: { "ori-test": c.cifar10.test12[i]! }, note: mini }));
  for (const d of ["cifar100", "ImageNet16-120"] as const) {
    const v = c[d].valid12[i]!;
    const t = c[d].test12[i]!;
    out.push(
      makeRecord(tables, i, {
        dataset: d,
        hp: "12",
        seed: 111,
        seedImputed: false,
        acc: { "x-valid": v, "x-test": t, "ori-test": half(v, t) },
        note: `${mini} (ori-test = (x-valid + x-test)/2)`,
      }),
    );
  }

  const trials = tables.trials[i]!;
  const seeds = SEEDS_200.slice(0, trials);
  const seedImputed = trials < 3;
  const perSeed = TABLE_FILES.perSeed;
  const test = TABLE_FILES.test200;
  seeds.forEach((seed, k) => {
    out.push(
      makeRecord(tables, i, {
        dataset: "cifar10-valid",
        hp: "200",
        seed,
        seedImputed,
        acc: { "x-valid": c.cifar10.perSeed200[k]![i]! },
        note: perSeed,
      }),
    );
    out.push(
      makeRecord(tables, i, {
        dataset: "cifar10",
        hp: "200",
        seed,
        seedImputed,
        acc: { "ori-test": c.cifar10.test200[i]! },
        note: `${test} (mean over trials, copied to each seed)`,
      }),
    );
    for (const d of ["cifar100", "ImageNet16-120"] as const) {
      const ori = c[d].perSeed200[k]![i]!;
      const xtest = c[d].test200[i]!;
      // exact for the means; per seed an estimate, which for 5 of 78,838 trials (one diverged seed of an
      // ImageNet16-120 arch, e.g. arch 818 seed 888: −3.79) is no accuracy at all: those are stored as unknown
      const derived = 2 * ori - xtest;
      const valid = derived >= 0 && derived <= 100 ? derived : Number.NaN;
      out.push(
        makeRecord(tables, i, {
          dataset: d,
          hp: "200",
          seed,
          seedImputed,
          acc: { "ori-test": ori, "x-test": xtest, "x-valid": valid },
          note:
            `${perSeed} + ${test} (x-test = mean over trials copied to each seed; x-valid = 2·ori-test − x-test` +
            (Number.isNaN(valid) ? `, here ${derived}, outside [0, 100], so unknown)` : ")"),
        }),
      );
    }
  });
  return out;
}
