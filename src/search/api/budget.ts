/**
 * Simulated time budgets (spec §7.3): the NAS-Bench-201 paper gives every method 12,000 s; the NATS-Bench re-runs use
 * 20,000 / 40,000 / 120,000 s for cifar10 / cifar100 / ImageNet16-120.
 */
import { UserError } from "../../errors.js";
import type { SearchDataset } from "./benchmark.js";

export const PAPER_BUDGET = 12000;

export const NATS_BUDGETS: Readonly<Record<SearchDataset, number>> = {
  cifar10: 20000,
  cifar100: 40000,
  "ImageNet16-120": 120000,
};

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
        `(${NATS_BUDGETS.cifar10} / ${NATS_BUDGETS.cifar100} / ${NATS_BUDGETS["ImageNet16-120"]} s for cifar10 / cifar100 / ImageNet16-120)`,
    );
  }
  return x;
}
