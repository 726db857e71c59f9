/**
 * Simulated time budgets (spec §7.3): the NAS-Bench-201 paper gives every method 12,000 s; the NATS-Bench re-runs use
 * 20,000 / 40,000 / 120,000 s for cifar10 / cifar100 / ImageNet16-120 on tss, and 20,000 / 40,000 / 60,000 s on sss
 * (NATS sss spec §4.1, run-all.sh). The size space has no NAS-Bench-201 budget: its paper is NATS-Bench, so 'paper'
 * means the same budgets as 'nats' there, and they are its default.
 */
import { SEARCH_DATASETS, datasetInfo, type SearchDataset } from "../registry/index.js";
import { UserError } from "../errors.js";
import type { SpaceName } from "../space/index.js";

export const PAPER_BUDGET = 12000;

export const NATS_BUDGETS: Readonly<Record<SearchDataset, number>> = Object.fromEntries(
  SEARCH_DATASETS.map((d) => [d, datasetInfo(d).natsBudget ?? PAPER_BUDGET]),
) as Record<SearchDataset, number>;

export const SSS_NATS_BUDGETS: Readonly<Record<SearchDataset, number>> = { cifar10: 20000, cifar100: 40000, "ImageNet16-120": 60000 };

/** What 'paper' and 'nats' mean in each space, and which one a campaign takes when no budget is given. */
export const SPACE_BUDGETS: Readonly<Record<SpaceName, { paper: (d: SearchDataset) => number; nats: Readonly<Record<SearchDataset, number>>; default: "paper" | "nats" }>> = {
  tss: { paper: () => PAPER_BUDGET, nats: NATS_BUDGETS, default: "paper" },
  sss: { paper: (d) => SSS_NATS_BUDGETS[d], nats: SSS_NATS_BUDGETS, default: "nats" },
};

/** `'paper'`, `'nats'` (by dataset, in `space`) or a positive number of seconds. */
export function resolveBudget(spec: string | number, dataset: SearchDataset, space: SpaceName = "tss"): number {
  if (typeof spec === "number") return checkSeconds(spec, String(spec), space);
  const s = spec.trim().toLowerCase();
  if (s === "paper") return SPACE_BUDGETS[space].paper(dataset);
  if (s === "nats") return SPACE_BUDGETS[space].nats[dataset];
  return checkSeconds(Number(s), spec, space);
}

function checkSeconds(x: number, written: string, space: SpaceName): number {
  if (!Number.isFinite(x) || x <= 0) {
    const b = SPACE_BUDGETS[space];
    const byDataset = (f: (d: SearchDataset) => number): string => `${SEARCH_DATASETS.map(f).join(" / ")} s for ${SEARCH_DATASETS.join(" / ")}`;
    const paper = new Set(SEARCH_DATASETS.map(b.paper)).size === 1 ? `${b.paper(SEARCH_DATASETS[0])} s` : byDataset(b.paper);
    throw new UserError(`bad time budget '${written}': give a positive number of simulated seconds, 'paper' (${paper}) or 'nats' (${byDataset((d) => b.nats[d])})`);
  }
  return x;
}
