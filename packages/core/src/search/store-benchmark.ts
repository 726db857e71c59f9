/**
 * A benchmark store seen through the query API (`NasBench`) as a search benchmark:
 * - reward and cost: `simulateTrainEval(arch, dataset, { hp: '12', accountTime: false, rng })` — the run's own generator
 *   draws the trial and the run's own SimulatedClock does the accounting (the API's clock is left untouched);
 * - final numbers: hp '200', mean over trials (spec §7.4): cifar10 → cifar10-valid x-valid and cifar10 ori-test,
 *   cifar100 / ImageNet16-120 → x-valid and x-test.
 */
import { searchTrainKey } from "../registry/index.js";
import { NasBench } from "../bench/api.js";
// NasBench.open reads SQLite through the store module, which registers its opener when loaded (bench/source.ts)
import "../bench/store.js";
import type { RandomSource } from "../space/index.js";
import type { FinalAccuracy, FinalAccuracyOracle, ProxyEvaluation, SearchBenchmark, SearchDataset } from "./benchmark.js";
import { MetricUnavailableError } from "../bench/errors.js";

export interface OpenedSearchBenchmark extends SearchBenchmark, FinalAccuracyOracle {
  close?(): void;
}

export interface StoreBenchmarkOptions {
  /** hp of the proxy training the searches see */
  proxyHp?: string;
  /** hp of the numbers a found arch is judged by */
  finalHp?: string;
}

export class StoreSearchBenchmark implements OpenedSearchBenchmark {
  private readonly finals = new Map<string, FinalAccuracy>();
  readonly proxyHp: string;
  readonly finalHp: string;

  constructor(
    readonly bench: NasBench,
    options: StoreBenchmarkOptions = {},
  ) {
    this.proxyHp = options.proxyHp ?? "12";
    this.finalHp = options.finalHp ?? "200";
  }

  simulate(archIndex: number, dataset: SearchDataset, rng: RandomSource): ProxyEvaluation {
    const r = this.bench.simulateTrainEval(archIndex, dataset, { hp: this.proxyHp, accountTime: false, rng });
    return { reward: r.validAccuracy, cost: r.timeCost };
  }

  finalAccuracy(archIndex: number, dataset: SearchDataset): FinalAccuracy {
    const key = `${archIndex}|${dataset}`;
    let f = this.finals.get(key);
    if (f === undefined) {
      const hp = this.finalHp;
      // valid numbers come from the key the name searches on (cifar10: cifar10-valid), test numbers from its own key
      const validKey = searchTrainKey(dataset);
      const validInfo = this.bench.getMoreInfo(archIndex, validKey, { hp, trial: "mean" });
      const testInfo = validKey === dataset ? validInfo : this.bench.getMoreInfo(archIndex, dataset, { hp, trial: "mean" });
      if (validInfo.validAccuracy === undefined || testInfo.testAccuracy === undefined) {
        throw new MetricUnavailableError(`arch ${archIndex} has no hp-'${hp}' valid and test accuracy on ${dataset} in this store`);
      }
      f = { valid: validInfo.validAccuracy, test: testInfo.testAccuracy };
      this.finals.set(key, f);
    }
    return f;
  }

  close(): void {
    this.bench.close();
  }
}

/** Opens a store file for searching; the decoded-run cache is sized for whole-space searches. */
export function openSearchBenchmark(path: string, options: StoreBenchmarkOptions = {}): StoreSearchBenchmark {
  return new StoreSearchBenchmark(NasBench.open(path, { cacheSize: 4 * 15625 }), options);
}
