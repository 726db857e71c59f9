/**
 * Regularized (aging) evolution, Real et al. 2019, as in A@bb2f405:exps/algos/R_EA.py: a population of random cells;
 * each cycle draws a tournament with replacement, mutates one edge of its best member, appends the child and retires
 * the oldest member (the mutation is the space's: tss changes one edge to a different op, sss sets one width to a
 * uniform candidate, possibly its own). The answer is the best reward in the whole history. With `warmup` (not the paper's protocol) the
 * initial population is the best `populationSize` of a pool ranked by a zero-cost proxy (warmup.ts).
 */
import { sampleIndex } from "../space/index.js";
import { BestSoFar, requireAnswer } from "./answer.js";
import type { SearchResult, SearchSession } from "./session.js";
import { checkWarmup, warmupPopulation, type WarmupSettings } from "./warmup.js";

export interface ReaOptions {
  populationSize: number;
  tournamentSize: number;
  /** initial population from a proxy-ranked pool; the session must carry the proxy's prior. Absent: the paper's REA */
  warmup?: WarmupSettings;
}

export const REA_DEFAULTS: Readonly<ReaOptions> = { populationSize: 10, tournamentSize: 3 };

/** A member of the population; `historyIndex` is its position in `session.history`. */
export interface Individual {
  archIndex: number;
  reward: number;
  historyIndex: number;
}

/** The population as a queue: the newest member is appended, the oldest retired (aging, not the worst). */
export class AgingPopulation {
  private readonly members: Individual[] = [];

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`population size must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.members.length;
  }

  get full(): boolean {
    return this.members.length >= this.capacity;
  }

  /** Appends `x`; when over capacity retires and returns the oldest member. */
  push(x: Individual): Individual | undefined {
    this.members.push(x);
    return this.members.length > this.capacity ? this.members.shift() : undefined;
  }

  /** `max(sample, key=accuracy)` over `k` members drawn with replacement; ties keep the first drawn. */
  tournament(k: number, rng: { randbelow(n: number): number }): Individual {
    let best: Individual | undefined;
    for (let i = 0; i < k; i++) {
      const candidate = this.members[rng.randbelow(this.members.length)]!;
      if (best === undefined || candidate.reward > best.reward) best = candidate;
    }
    if (best === undefined) throw new RangeError("tournament needs a non-empty population and k ≥ 1");
    return best;
  }

  snapshot(): readonly Individual[] {
    return [...this.members];
  }
}

/** What each evolution cycle did; exposed for tests and diagnostics. */
export interface ReaCycle {
  parent: Individual;
  child: Individual;
  retired: Individual | undefined;
}

export function regularizedEvolution(
  session: SearchSession,
  options: ReaOptions = REA_DEFAULTS,
  onCycle?: (cycle: ReaCycle) => void,
): SearchResult {
  const population = new AgingPopulation(options.populationSize);
  const best = new BestSoFar();
  const admit = (archIndex: number, reward: number): Individual => {
    const x = { archIndex, reward, historyIndex: session.history.length - 1 };
    if (best.offer(archIndex, reward)) session.setAnswer(archIndex, reward);
    return x;
  };

  if (options.warmup === undefined) {
    while (!population.full) {
      const archIndex = sampleIndex(session.space, session.rng);
      const reward = session.evaluate(archIndex);
      if (reward === null) return session.finish("rea", requireAnswer(best.current, session));
      population.push(admit(archIndex, reward));
    }
  } else {
    const prior = session.options.prior;
    if (prior?.proxy !== options.warmup.proxy) throw new Error(`REA's warm-up needs the '${options.warmup.proxy}' prior on its session, got ${prior === undefined ? "none" : `'${prior.proxy}'`}`);
    checkWarmup(options.warmup, options.populationSize);
    // the pool's scores are free; only the chosen members' evaluations are charged
    const stopBookkeeping = session.startBookkeeping();
    const { chosen } = warmupPopulation(session.rng, prior, options.warmup.pool, options.populationSize);
    stopBookkeeping();
    for (const archIndex of chosen) {
      const reward = session.evaluate(archIndex);
      if (reward === null) return session.finish("rea", requireAnswer(best.current, session));
      population.push(admit(archIndex, reward));
    }
  }

  for (;;) {
    const stopBookkeeping = session.startBookkeeping();
    const parent = population.tournament(options.tournamentSize, session.rng);
    const childIndex = session.space.mutate(parent.archIndex, session.rng);
    stopBookkeeping();
    const reward = session.evaluate(childIndex);
    if (reward === null) break;
    const child = admit(childIndex, reward);
    const retired = population.push(child);
    onCycle?.({ parent, child, retired });
  }
  return session.finish("rea", requireAnswer(best.current, session));
}
