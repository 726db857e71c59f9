/**
 * BOHB's model-based proposal (Falkner et al. 2018; hpbandster `config_generators/bohb.py`) for a space of independent
 * categorical parameters. Per budget it keeps every (config, loss); once a budget has enough results it fits a "good"
 * KDE on the best top_n_percent (at least min_points_in_model) and a "bad" KDE on the rest, and proposes configurations
 * from the model of the largest budget that has one: draw num_samples candidates by perturbing random good points
 * (each categorical value kept with probability 1 − bandwidth, otherwise redrawn uniformly) and return the one that
 * minimises bad(x)/good(x). Until any model exists (and with probability random_fraction after that) proposals are
 * uniform.
 */
import type { RandomSource } from "../../space/index.js";
import { AitchisonAitkenKde } from "./kde.js";

export interface ConfigGeneratorOptions {
  /** number of categorical parameters (6 edges) */
  dims: number;
  /** categories per parameter (5 ops) */
  choices: number;
  topNPercent: number;
  /** default dims + 1, hpbandster's minimum */
  minPointsInModel?: number;
  numSamples: number;
  randomFraction: number;
  /** widens only continuous parameters in hpbandster; kept for fidelity, unused for categorical spaces */
  bandwidthFactor: number;
  minBandwidth: number;
}

export interface KdePair {
  good: AitchisonAitkenKde;
  bad: AitchisonAitkenKde;
}

export interface Proposal {
  config: number[];
  modelBased: boolean;
}

/** Python's two-argument `max(a, b)`: returns `a` unless `b > a` (so a NaN first argument survives). */
function pyMax(a: number, b: number): number {
  return b > a ? b : a;
}

export class BohbConfigGenerator {
  private readonly observations = new Map<number, { configs: number[][]; losses: number[] }>();
  private readonly models = new Map<number, KdePair>();
  readonly minPointsInModel: number;

  constructor(readonly options: ConfigGeneratorOptions) {
    this.minPointsInModel = Math.max(options.minPointsInModel ?? options.dims + 1, options.dims + 1);
  }

  /** The model used for proposals (largest budget with a model), or undefined before any exists. */
  currentModel(): { budget: number; model: KdePair } | undefined {
    let budget = -Infinity;
    for (const b of this.models.keys()) if (b > budget) budget = b;
    const model = this.models.get(budget);
    return model === undefined ? undefined : { budget, model };
  }

  observationCount(budget: number): number {
    return this.observations.get(budget)?.configs.length ?? 0;
  }

  /** Registers a finished evaluation and refits that budget's model when it has enough points. */
  newResult(budget: number, config: readonly number[], loss: number): void {
    let obs = this.observations.get(budget);
    if (obs === undefined) {
      obs = { configs: [], losses: [] };
      this.observations.set(budget, obs);
    }
    // hpbandster ignores results on budgets below the largest modelled one (they are not even stored).
    const current = this.currentModel();
    if (current !== undefined && current.budget > budget) return;

    obs.configs.push([...config]);
    obs.losses.push(Number.isFinite(loss) ? loss : Infinity);
    const n = obs.configs.length;
    if (n <= this.minPointsInModel - 1) return;

    const nGood = Math.max(this.minPointsInModel, Math.floor((this.options.topNPercent * n) / 100));
    const nBad = Math.max(this.minPointsInModel, Math.floor(((100 - this.options.topNPercent) * n) / 100));
    const order = obs.losses.map((_, i) => i).sort((a, b) => obs.losses[a]! - obs.losses[b]! || a - b);
    const good = order.slice(0, nGood).map((i) => obs.configs[i]!);
    const bad = order.slice(nGood, nGood + nBad).map((i) => obs.configs[i]!);
    if (good.length <= this.options.dims || bad.length <= this.options.dims) return;

    this.models.set(budget, {
      good: AitchisonAitkenKde.fit(good, this.options.minBandwidth),
      bad: AitchisonAitkenKde.fit(bad, this.options.minBandwidth),
    });
  }

  uniform(rng: RandomSource): number[] {
    return Array.from({ length: this.options.dims }, () => rng.randbelow(this.options.choices));
  }

  propose(rng: RandomSource): Proposal {
    const current = this.currentModel();
    // As in hpbandster, the random-fraction draw happens only once a model exists.
    if (current === undefined || rng.random() < this.options.randomFraction) return { config: this.uniform(rng), modelBased: false };

    const { good, bad } = current.model;
    let best = Infinity;
    let bestVector: number[] | null = null;
    for (let i = 0; i < this.options.numSamples; i++) {
      const datum = good.data[rng.randbelow(good.n)]!;
      const vector = datum.map((m, d) => {
        const bw = pyMax(good.bandwidth[d]!, this.options.minBandwidth);
        return rng.random() < 1 - bw ? m : rng.randbelow(this.options.choices);
      });
      const l = good.pdf(vector);
      const val = pyMax(1e-32, bad.pdf(vector)) / pyMax(l, 1e-32);
      if (!Number.isFinite(val) && Number.isFinite(l)) {
        // hpbandster: a value the bad KDE has never seen makes g(x) infinite; take the candidate as is.
        bestVector = vector;
        break;
      }
      if (val < best) {
        best = val;
        bestVector = vector;
      }
    }
    return bestVector === null ? { config: this.uniform(rng), modelBased: false } : { config: bestVector, modelBased: true };
  }
}
