/**
 * Times benchmark-driven campaigns on a generated full-size sss store (test/search/sss-store.ts: all 32,768 configs,
 * cifar10, SYNTHETIC numbers — no real sss benchmark is available here, so the accuracies say nothing about the paper).
 *   perf/sss/search-campaign.sh [--store <path>] [--algorithm rea] [--runs 500]
 * Writes the store at --store when it does not exist (and reports how long that took), then runs the campaign through
 * the library entry (`searchCampaign`, the NATS sss defaults: budget 20,000 s, answers at hp 90) and prints the wall
 * time and the summary.
 */
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { formatMeanStd, searchCampaign, type AlgorithmName } from "../../packages/core/src/search/index.js";
import { writeSssSearchStore } from "../../test/search/sss-store.js";

const { values } = parseArgs({
  options: { store: { type: "string", default: "/tmp/aa-nas-sss-search.db" }, algorithm: { type: "string", default: "rea" }, runs: { type: "string", default: "500" } },
});
const store = values.store;
if (!existsSync(store)) {
  const t = performance.now();
  const runs = writeSssSearchStore(store, ["cifar10"]);
  console.log(`wrote ${store}: ${runs} runs in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
const t = performance.now();
const campaign = searchCampaign(values.algorithm as AlgorithmName, store, { dataset: "cifar10", runs: Number(values.runs), seed: 1 });
const s = campaign.summary;
console.log(
  `${s.algorithm} × ${s.runs} runs on the synthetic sss store, cifar10, budget ${s.budget} s: ${((performance.now() - t) / 1000).toFixed(1)} s wall ` +
    `(store open included); evaluations/run ${formatMeanStd(s.evaluations, 1)}; synthetic valid ${formatMeanStd(s.valid)}, test ${formatMeanStd(s.test)}`,
);
