/**
 * BOHB (Falkner et al. 2018) as the paper ran it (A@ad34af9:exps/algos/BOHB.py on hpbandster): Hyperband brackets over
 * budgets 12…200 with eta 3, configurations proposed by the KDE model, one worker, so evaluations happen strictly one
 * after another. The worker ignores the budget — every evaluation is the 12-epoch proxy at full cost — so budgets only
 * decide which configurations get re-evaluated. The answer is hpbandster's incumbent: the lowest loss (100 − reward)
 * among runs on the max budget, ties to the earliest. The configuration space is the search space's categorical
 * encoding (tss: 6 edges × 5 ops; sss: layer-0..layer-4 × 8 widths). On sss (NATS-algos/bohb.py) the budgets are
 * epochs of the 12-epoch proxy: budget b evaluates epoch int(b) − 1 (1.33 / 4 / 12 → 0 / 3 / 11) at that epoch's cost
 * (`epochBudgets`).
 */
import { BestSoFar, requireAnswer, type Answer } from "../answer.js";
import type { SearchResult, SearchSession } from "../session.js";
import { BohbConfigGenerator } from "./config-generator.js";
import { hyperbandBudgets, successiveHalvingPlan } from "./hyperband.js";

export interface BohbOptions {
  eta: number;
  minBudget: number;
  maxBudget: number;
  /** Hyperband iterations (`n_iters`); the time budget normally ends the search first */
  maxIterations: number;
  numSamples: number;
  randomFraction: number;
  bandwidthFactor: number;
  minBandwidth: number;
  topNPercent: number;
  /**
   * Budget b evaluates epoch int(b) − 1 of the proxy schedule, at that epoch's cost (the size space's BOHB); absent or
   * false, every evaluation is the whole proxy schedule and budgets only decide which configs are re-evaluated (tss).
   */
  epochBudgets?: boolean;
}

export const BOHB_DEFAULTS: Readonly<BohbOptions> = {
  eta: 3,
  minBudget: 12,
  maxBudget: 200,
  maxIterations: 50,
  numSamples: 4,
  randomFraction: 0,
  bandwidthFactor: 3,
  minBandwidth: 0.3,
  topNPercent: 15,
};

/** One BOHB evaluation, for tests and diagnostics. */
export interface BohbRun {
  iteration: number;
  stage: number;
  budget: number;
  /** position of the config within its iteration (hpbandster's config id is (iteration, 0, this)) */
  configId: number;
  config: number[];
  modelBased: boolean;
  loss: number;
}

interface Config {
  id: number;
  config: number[];
  modelBased: boolean;
  loss: number;
}

export function bohb(session: SearchSession, options: BohbOptions = BOHB_DEFAULTS, onRun?: (run: BohbRun) => void): SearchResult {
  const generator = new BohbConfigGenerator({
    dims: session.space.choices.positions,
    choices: session.space.choices.values,
    topNPercent: options.topNPercent,
    numSamples: options.numSamples,
    randomFraction: options.randomFraction,
    bandwidthFactor: options.bandwidthFactor,
    minBandwidth: options.minBandwidth,
  });
  const budgets = hyperbandBudgets(options.minBudget, options.maxBudget, options.eta);
  const maxBudget = budgets[budgets.length - 1]!;
  const incumbent: { answer: Answer | null; loss: number } = { answer: null, loss: Infinity };
  const anyBest = new BestSoFar();

  /** Runs one configuration on one budget; null once the time budget is spent. */
  const run = (iteration: number, stage: number, budget: number, c: Omit<Config, "loss">): number | null => {
    const archIndex = session.space.indexOfChoices(c.config);
    const reward = options.epochBudgets === true ? session.evaluate(archIndex, Math.trunc(budget) - 1) : session.evaluate(archIndex);
    if (reward === null) return null;
    const loss = 100 - reward;
    generator.newResult(budget, c.config, loss);
    anyBest.offer(archIndex, reward);
    if (budget === maxBudget && loss < incumbent.loss) {
      incumbent.answer = { archIndex, reward };
      incumbent.loss = loss;
      session.setAnswer(archIndex, reward);
    }
    onRun?.({ iteration, stage, budget, configId: c.id, config: c.config, modelBased: c.modelBased, loss });
    return loss;
  };

  search: for (let iteration = 0; iteration < options.maxIterations; iteration++) {
    const plan = successiveHalvingPlan(iteration, budgets, options.eta);
    let stageConfigs: Config[] = [];
    // Stage 0: configurations are proposed one at a time, each after the previous result updated the model.
    for (let id = 0; id < plan.numConfigs[0]!; id++) {
      const proposal = generator.propose(session.rng);
      const loss = run(iteration, 0, plan.budgets[0]!, { ...proposal, id });
      if (loss === null) break search;
      stageConfigs.push({ id, config: proposal.config, modelBased: proposal.modelBased, loss });
    }
    for (let stage = 1; stage < plan.numConfigs.length; stage++) {
      // Promote the best numConfigs[stage] (stable ranking: ties keep the lower id), run them in id order.
      const keep = plan.numConfigs[stage]!;
      const ranked = [...stageConfigs].sort((a, b) => a.loss - b.loss || a.id - b.id).slice(0, keep);
      const promoted = stageConfigs.filter((c) => ranked.includes(c));
      const next: Config[] = [];
      for (const c of promoted) {
        const loss = run(iteration, stage, plan.budgets[stage]!, c);
        if (loss === null) break search;
        next.push({ ...c, loss });
      }
      stageConfigs = next;
    }
  }
  // hpbandster would have no incumbent (and the original script would fail) if no run reached the max budget; fall
  // back to the best run on any budget.
  return session.finish("bohb", requireAnswer(incumbent.answer ?? anyBest.current, session));
}
