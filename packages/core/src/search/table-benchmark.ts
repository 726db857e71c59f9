/**
 * An in-memory benchmark: per dataset and arch index, the 12-epoch reward of each trial, the simulated cost of one
 * evaluation and the 200-epoch valid/test means. Tests fill it with synthetic numbers; the reproduction harness fills it
 * from the all-architecture tables.
 */
import { UserError } from "../errors.js";
import type { RandomSource } from "../space/index.js";
import { NUM_ARCHS } from "../space/index.js";
import type { FinalAccuracy, FinalAccuracyOracle, Optimum, ProxyEvaluation, SearchBenchmark, SearchDataset } from "./benchmark.js";

export interface DatasetTable {
  /** rewards[archIndex] = the 12-epoch x-valid accuracy of each trial (at least one) */
  rewards: readonly (readonly number[])[];
  /** simulated seconds of one 12-epoch evaluation, per arch */
  cost: ArrayLike<number>;
  /** 200-epoch mean valid / test accuracy, per arch */
  valid: ArrayLike<number>;
  test: ArrayLike<number>;
}

export class TableBenchmark implements SearchBenchmark, FinalAccuracyOracle {
  constructor(readonly tables: Partial<Record<SearchDataset, DatasetTable>>) {}

  private table(dataset: SearchDataset): DatasetTable {
    const t = this.tables[dataset];
    if (t === undefined) {
      const have = Object.keys(this.tables).join(", ") || "none";
      throw new UserError(`this benchmark has no data for '${dataset}' (it has: ${have})`);
    }
    return t;
  }

  /** A random trial, drawn like the original's `random.choice(seeds)` (a draw even when there is one trial). */
  simulate(archIndex: number, dataset: SearchDataset, rng: RandomSource): ProxyEvaluation {
    const t = this.table(dataset);
    const trials = t.rewards[archIndex];
    const cost = t.cost[archIndex];
    if (trials === undefined || trials.length === 0 || cost === undefined) {
      throw new UserError(`arch ${archIndex} has no 12-epoch result on ${dataset} in this benchmark`);
    }
    return { reward: trials[rng.randbelow(trials.length)]!, cost };
  }

  finalAccuracy(archIndex: number, dataset: SearchDataset): FinalAccuracy {
    const t = this.table(dataset);
    const valid = t.valid[archIndex];
    const test = t.test[archIndex];
    if (valid === undefined || test === undefined) throw new UserError(`arch ${archIndex} has no 200-epoch result on ${dataset}`);
    return { valid, test };
  }

  missingFor(dataset: SearchDataset): string[] {
    const t = this.tables[dataset];
    if (t === undefined) return [`a table for '${dataset}' (it has: ${Object.keys(this.tables).join(", ") || "none"})`];
    let absent = 0;
    for (let i = 0; i < NUM_ARCHS; i++) {
      const trials = t.rewards[i];
      if (trials === undefined || trials.length === 0 || t.cost[i] === undefined || t.valid[i] === undefined || t.test[i] === undefined) absent++;
    }
    return absent === 0 ? [] : [`results for ${absent} of ${NUM_ARCHS} archs on ${dataset}`];
  }

  /** The best valid and best test numbers by a scan of the table (the first arch wins a tie). */
  optimum(dataset: SearchDataset): Optimum {
    const t = this.table(dataset);
    const best = (values: ArrayLike<number>) => {
      let archIndex = 0;
      for (let i = 1; i < values.length; i++) if (values[i]! > values[archIndex]!) archIndex = i;
      return { archIndex, accuracy: values[archIndex]! };
    };
    return { valid: best(t.valid), test: best(t.test) };
  }
}
