/** The four benchmark-driven algorithms by their CLI names, with the paper's settings as defaults. */
import { UserError, listChoices } from "../errors.js";
import { bohb, BOHB_DEFAULTS, type BohbOptions } from "./bohb/bohb.js";
import { randomSearch } from "./random-search.js";
import { regularizedEvolution, REA_DEFAULTS, type ReaOptions } from "./rea.js";
import { reinforce, REINFORCE_DEFAULTS, type ReinforceOptions } from "./reinforce.js";
import type { SearchResult, SearchSession } from "./session.js";
import type { SpaceName } from "../space/index.js";

export const ALGORITHMS = ["rea", "rs", "reinforce", "bohb"] as const;
export type AlgorithmName = (typeof ALGORITHMS)[number];

export const ALGORITHM_LABELS: Readonly<Record<AlgorithmName, string>> = {
  rea: "REA",
  rs: "RS",
  reinforce: "REINFORCE",
  bohb: "BOHB",
};

export interface AlgorithmSettings {
  rea: ReaOptions;
  reinforce: ReinforceOptions;
  bohb: BohbOptions;
}

export const DEFAULT_SETTINGS: Readonly<AlgorithmSettings> = {
  rea: REA_DEFAULTS,
  reinforce: REINFORCE_DEFAULTS,
  bohb: BOHB_DEFAULTS,
};

/**
 * Where a space's paper settings differ from tss's defaults: sss BOHB runs budgets 1…12 (1.33 / 4 / 12) as epochs
 * of the 12-epoch proxy and n_iters = 300 (NATS-algos/bohb.py, spec §4.1): its evaluations are cheap, so 50 iterations
 * (337 evaluations) would end a search long before the time budget does; REA, RS and REINFORCE keep tss's settings.
 */
export const SPACE_SETTINGS: Readonly<Record<SpaceName, { bohb: Partial<BohbOptions> }>> = {
  tss: { bohb: {} },
  sss: { bohb: { minBudget: 1, maxBudget: 12, maxIterations: 300, epochBudgets: true } },
};

/** The paper's settings of every algorithm in `space`. */
export function defaultSettings(space: SpaceName = "tss"): AlgorithmSettings {
  return { rea: { ...REA_DEFAULTS }, reinforce: { ...REINFORCE_DEFAULTS }, bohb: { ...BOHB_DEFAULTS, ...SPACE_SETTINGS[space].bohb } };
}

export function parseAlgorithm(s: string): AlgorithmName {
  const lower = s.toLowerCase();
  const alias: Record<string, AlgorithmName> = { random: "rs", "r-ea": "rea", "regularized-evolution": "rea" };
  const name = alias[lower] ?? lower;
  if (!(ALGORITHMS as readonly string[]).includes(name)) {
    throw new UserError(`unknown search algorithm '${s}'; valid algorithms: ${listChoices(ALGORITHMS)}`);
  }
  return name as AlgorithmName;
}

export function runAlgorithm(name: AlgorithmName, session: SearchSession, settings: AlgorithmSettings = DEFAULT_SETTINGS): SearchResult {
  switch (name) {
    case "rs":
      return randomSearch(session);
    case "rea":
      return regularizedEvolution(session, settings.rea);
    case "reinforce":
      return reinforce(session, settings.reinforce);
    case "bohb":
      return bohb(session, settings.bohb);
  }
}
