/**
 * A zero-cost warm-up of REA's initial population (docs/search.md): instead of `populationSize` uniform draws, REA
 * draws a pool of `pool` distinct archs, ranks them by a proxy's stored score and evaluates the best `populationSize`
 * of them. Scoring the pool charges nothing to the simulated clock: proxies are free in this protocol (they are
 * computed once for the whole space, ahead of any search). Off by default; the paper's protocol has no warm-up.
 */
import { UserError } from "../errors.js";
import { NUM_ARCHS, indexOf, sampleArch, type RandomSource } from "../space/index.js";

/** A free score per arch; higher ranks first. */
export interface ProxyPrior {
  /** the proxy's name (recorded with the campaign's settings) */
  readonly proxy: string;
  /** the arch's score; NaN where undefined (ranked last) */
  score(archIndex: number): number;
  /** archs the prior has no score for (a search may visit any arch, so a campaign refuses a prior with gaps) */
  missingArchs(): number[];
}

/** What REA's settings record of a warm-up: the proxy and the pool size. */
export interface WarmupSettings {
  proxy: string;
  pool: number;
}

/** Pool size when none is given: our choice, about 6% of the space, 100 times REA's default population. */
export const DEFAULT_WARMUP_POOL = 1000;

/** A prior from a table of scores (e.g. `proxyScoreTable` of a store). */
export function tablePrior(proxy: string, scores: ReadonlyMap<number, number>): ProxyPrior {
  return {
    proxy,
    score: (archIndex) => scores.get(archIndex) ?? NaN,
    missingArchs: () => {
      const missing: number[] = [];
      for (let i = 0; i < NUM_ARCHS; i++) if (!scores.has(i)) missing.push(i);
      return missing;
    },
  };
}

export function checkWarmup(w: WarmupSettings, populationSize: number): void {
  if (!Number.isInteger(w.pool) || w.pool < populationSize || w.pool > NUM_ARCHS) {
    throw new UserError(`the warm-up pool must be an integer from the population size (${populationSize}) to ${NUM_ARCHS}, got ${w.pool}`);
  }
}

/**
 * `pool` distinct archs drawn uniformly with `rng` (a repeated draw is drawn again), ranked by `prior` (higher first,
 * NaN last, ties in draw order); returns the first `take`, best first, and the ranked pool.
 */
export function warmupPopulation(rng: RandomSource, prior: ProxyPrior, pool: number, take: number): { chosen: number[]; ranked: number[] } {
  const drawn = new Set<number>();
  while (drawn.size < pool) drawn.add(indexOf(sampleArch(rng)));
  const order = [...drawn];
  const key = (a: number): number => {
    const s = prior.score(a);
    return Number.isNaN(s) ? -Infinity : s;
  };
  const ranked = order
    .map((archIndex, position) => ({ archIndex, position, score: key(archIndex), nan: Number.isNaN(prior.score(archIndex)) }))
    .sort((a, b) => Number(a.nan) - Number(b.nan) || b.score - a.score || a.position - b.position)
    .map((x) => x.archIndex);
  return { chosen: ranked.slice(0, take), ranked };
}
