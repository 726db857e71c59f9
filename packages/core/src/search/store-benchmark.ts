/**
 * A benchmark store seen through the query API (`NasBench`) as a search benchmark:
 * - reward and cost: `simulateTrainEval(arch, dataset, { hp: '12', accountTime: false, rng })` — the run's own generator
 *   draws the trial and the run's own SimulatedClock does the accounting (the API's clock is left untouched);
 *   (an iepoch, for the size space's BOHB budgets, is passed on);
 * - final numbers: the space's full_train_epochs hp (tss '200', sss '90'), mean over trials (spec §7.4): cifar10 → cifar10-valid x-valid and cifar10 ori-test,
 *   cifar100 / ImageNet16-120 → x-valid and x-test (x-valid = 2·ori-test − x-test where the store lacks it, see
 *   validFromHalves).
 */
import { searchTrainKey } from "../registry/index.js";
import { listChoices } from "../errors.js";
import { SPACE_NAMES, searchSpace, type SearchSpace } from "../space/index.js";
import { NasBench, type MoreInfo } from "../bench/api.js";
import { absentMetrics } from "../bench/semantics.js";
// NasBench.open reads SQLite through the store module, which registers its opener when loaded (bench/source.ts)
import "../bench/store.js";
import type { RandomSource } from "../space/index.js";
import type { FinalAccuracy, FinalAccuracyOracle, Optimum, OptimumArch, ProxyEvaluation, SearchBenchmark, SearchDataset } from "./benchmark.js";
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

/**
 * A mean x-valid this store does not hold (the lite store drops a per-seed x-valid whose table derivation falls outside
 * [0, 100], and with it the mean over seeds), from the other two sets: on cifar100 / ImageNet16-120 x-valid and x-test
 * are the two equal halves of ori-test, so for means over the same trials x-valid = 2·ori-test − x-test exactly (up to
 * rounding). Undefined where the key has no such halves or they are not stored either.
 */
function validFromHalves(info: MoreInfo): number | undefined {
  const absent = absentMetrics(info);
  if (absent.includes("valtestAccuracy") || absent.includes("testAccuracy")) return undefined;
  return info.valtestAccuracy === undefined || info.testAccuracy === undefined ? undefined : 2 * info.valtestAccuracy - info.testAccuracy;
}

export class StoreSearchBenchmark implements OpenedSearchBenchmark {
  private readonly finals = new Map<string, FinalAccuracy>();
  readonly proxyHp: string;
  readonly finalHp: string;
  readonly space: SearchSpace;

  constructor(
    readonly bench: NasBench,
    options: StoreBenchmarkOptions = {},
  ) {
    this.space = bench.space;
    this.proxyHp = options.proxyHp ?? "12";
    this.finalHp = options.finalHp ?? String(this.space.fullTrainEpochs);
  }

  simulate(archIndex: number, dataset: SearchDataset, rng: RandomSource, iepoch?: number): ProxyEvaluation {
    const r = this.bench.simulateTrainEval(archIndex, dataset, { hp: this.proxyHp, iepoch, accountTime: false, rng });
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
      const valid = absentMetrics(validInfo).includes("validAccuracy") ? validFromHalves(validInfo) : validInfo.validAccuracy;
      if (valid === undefined || testInfo.testAccuracy === undefined) {
        throw new MetricUnavailableError(`arch ${archIndex} has no hp-'${hp}' valid and test accuracy on ${dataset} in this store`);
      }
      f = { valid, test: testInfo.testAccuracy };
      this.finals.set(key, f);
    }
    return f;
  }

  /**
   * A search may visit any arch, so it needs, for every arch of the space: proxy-hp runs on the key it trains on, and
   * final-hp runs on that key (valid numbers) and on the dataset's own key (test numbers). Read from the store's
   * per-(arch, dataset) trial counts: one query per hp, no run is decoded.
   */
  missingFor(dataset: SearchDataset): string[] {
    const trainKey = searchTrainKey(dataset);
    const needs: Array<[hp: string, key: string, what: string]> = [[this.proxyHp, trainKey, "the searches' proxy training"]];
    needs.push([this.finalHp, trainKey, "the answers' valid accuracy"]);
    if (trainKey !== dataset) needs.push([this.finalHp, dataset, "the answers' test accuracy"]);
    const stored = this.bench.hps;
    const archsByHp = new Map<string, Map<string, Set<number>>>();
    const gaps: string[] = [];
    for (const [hp, key, what] of needs) {
      if (!stored.includes(hp)) {
        const gap = `hp '${hp}' results for ${what} (the store holds ${stored.length === 0 ? "no runs" : `hp ${listChoices(stored)}`})`;
        if (!gaps.some((g) => g.startsWith(`hp '${hp}' results for`))) gaps.push(gap);
        continue;
      }
      let byKey = archsByHp.get(hp);
      if (byKey === undefined) {
        byKey = new Map();
        for (const row of this.bench.store.trialCounts(hp)) {
          if (row.trials <= 0) continue;
          let archs = byKey.get(row.dataset);
          if (archs === undefined) byKey.set(row.dataset, (archs = new Set()));
          archs.add(row.arch_index);
        }
        archsByHp.set(hp, byKey);
      }
      const archs = byKey.get(key);
      if (archs === undefined) {
        gaps.push(`hp '${hp}' results on ${key} for ${what} (hp '${hp}' is stored for ${listChoices([...byKey.keys()].sort())} only)`);
        continue;
      }
      const size = this.space.size;
      if (archs.size < size) {
        const absent: number[] = [];
        for (let i = 0; i < size && absent.length < 3; i++) if (!archs.has(i)) absent.push(i);
        gaps.push(
          `hp '${hp}' results on ${key} for ${what} for ${(size - archs.size).toLocaleString("en-US")} of ${size.toLocaleString("en-US")} archs ` +
            `(arch ${absent.join(", ")}${size - archs.size > absent.length ? ", …" : ""})`,
        );
      }
    }
    return gaps;
  }

  /** The space's best final numbers, read from the store's rankings as `find_best(dataset, 'valid' | 'test')`. */
  optimum(dataset: SearchDataset): Optimum {
    const best = (set: "valid" | "test"): OptimumArch => {
      const { index, accuracy } = this.bench.findBest(dataset, set, { hp: this.finalHp });
      if (index < 0 || accuracy === null) throw new MetricUnavailableError(`this store has no hp-'${this.finalHp}' ${set} accuracy on ${dataset} to find the best arch by`);
      return { archIndex: index, accuracy };
    };
    return { valid: best("valid"), test: best("test") };
  }

  close(): void {
    this.bench.close();
  }
}

/**
 * Opens a store file (of either space) for searching; the decoded-run cache is sized for whole-space searches of the
 * larger space (it fills only as runs are read).
 */
export function openSearchBenchmark(path: string, options: StoreBenchmarkOptions = {}): StoreSearchBenchmark {
  const largest = Math.max(...SPACE_NAMES.map((n) => searchSpace(n).size));
  return new StoreSearchBenchmark(NasBench.open(path, { cacheSize: 4 * largest }), options);
}
