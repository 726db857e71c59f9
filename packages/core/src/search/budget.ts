/**
 * Simulated time budgets (spec §7.3): the NAS-Bench-201 paper gives every method 12,000 s; the NATS-Bench re-runs use
 * 20,000 / 40,000 / 120,000 s for cifar10 / cifar100 / ImageNet16-120.
 */
import { SEARCH_DATASETS, datasetInfo, type SearchDataset } from "../registry/index.js";
import { UserError } from "../errors.js";

export const PAPER_BUDGET = 12000;

export const NATS_BUDGETS: Readonly<Record<SearchDataset, number>> = Object.fromEntries(
  SEARCH_DATASETS.map((d) => [d, datasetInfo(d).natsBudget ?? PAPER_BUDGET]),
) as Record<SearchDataset, number>;

/** `'paper'`, `'nats'` (by dataset) or a positive number of seconds. */
export function resolveBudget(spec: string | number, dataset: SearchDataset): number {
  if (typeof spec === "number") return checkSeconds(spec, String(spec));
  const s = spec.trim().toLowerCase();
  if (s === "paper") return PAPER_BUDGET;
  if (s === "nats") return NATS_BUDGETS[dataset];
  return checkSeconds(Number(s), spec);
}

function checkSeconds(x: number, written: string): number {
  if (!Number.isFinite(x) || x <= 0) {
    throw new UserError(
      `bad time budget '${written}': give a positive number of simulated seconds, 'paper' (${PAPER_BUDGET} s) or 'nats' ` +
        `(${SEARCH_DATASETS.map((d) => NATS_BUDGETS[d]).join(" / ")} s for ${SEARCH_DATASETS.join(" / ")})`,
    );
  }
  return x;
}
