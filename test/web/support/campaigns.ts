/** Campaign files for the explorer tests: real `aa-nas search --json` outputs (via the search command's own JSON writer) on a synthetic table benchmark, and hand-written size-space ones. */
import { campaignToJson, searchCampaign, TableBenchmark, type AlgorithmName, type DatasetTable } from "../../../packages/core/src/search/index.js";
import { NUM_ARCHS, PyRandom, sizeArchAt } from "../../../packages/core/src/space/index.js";
import { syntheticAccuracy } from "./synthetic-store.js";

let bench: TableBenchmark | null = null;

function table(): DatasetTable {
  const rewards: number[][] = [];
  const cost = new Float64Array(NUM_ARCHS);
  const valid = new Float64Array(NUM_ARCHS);
  const test = new Float64Array(NUM_ARCHS);
  for (let i = 0; i < NUM_ARCHS; i++) {
    const r = syntheticAccuracy(i, "cifar10-valid", 12);
    rewards.push([r - 0.3, r + 0.3]);
    cost[i] = 150 + (i % 97);
    valid[i] = syntheticAccuracy(i, "cifar10-valid", 200);
    test[i] = syntheticAccuracy(i, "cifar10", 200);
  }
  return { rewards, cost, valid, test };
}

/** The JSON text `aa-nas search <algorithm> --dataset cifar10 --runs <runs> --budget <budget> --json` would print. */
export function searchJson(algorithm: AlgorithmName, runs: number, budget: number, seed = 1): string {
  bench ??= new TableBenchmark({ cifar10: table() });
  const campaign = searchCampaign(algorithm, bench, { dataset: "cifar10", runs, seed, budget });
  return JSON.stringify(campaignToJson(campaign));
}

/**
 * A hand-written size-space campaign file (the shape `aa-nas search <algorithm> --json` prints on an sss store): each
 * run's best-so-far trace walks through configs drawn from `archs` with rising accuracies. The runs view reads traces
 * and never re-runs a search, so no 32,768-config store is needed to make one; no `optimum` is recorded, so the view's
 * optimum line can only come from the served store.
 */
export function sssCampaignJson(algorithm: string, dataset: string, archs: readonly number[], opts: { runs: number; budget: number; seed?: number }): string {
  const first = opts.seed ?? 1;
  const rng = new PyRandom(first * 7919 + algorithm.length);
  const results = Array.from({ length: opts.runs }, (_, r) => {
    const trace = Array.from({ length: 4 }, (_, k) => {
      const archIndex = archs[Math.floor(rng.random() * archs.length)]!;
      const validAccuracy = 55 + 5 * k + rng.random() * 3;
      return { time: (opts.budget * k) / 4 + 1, evaluations: 3 * k + 1, archIndex, validAccuracy, testAccuracy: validAccuracy + 0.5 };
    });
    const last = trace[trace.length - 1]!;
    return { run: r, seed: first + r, archIndex: last.archIndex, arch: sizeArchAt(last.archIndex), validAccuracy: last.validAccuracy, testAccuracy: last.testAccuracy, usedTime: opts.budget, trace };
  });
  return JSON.stringify({ space: "sss", algorithm, dataset, budget: opts.budget, firstSeed: first, results });
}
