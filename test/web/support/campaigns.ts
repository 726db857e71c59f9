/** Real `aa-nas search --json` outputs (via the search command's own JSON writer) on a synthetic table benchmark. */
import { campaignToJson, searchCampaign, TableBenchmark, type AlgorithmName, type DatasetTable } from "../../../packages/core/src/search/index.js";
import { NUM_ARCHS } from "../../../packages/core/src/space/index.js";
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
