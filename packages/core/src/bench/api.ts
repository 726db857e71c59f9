/**
 * Query API over a benchmark store with NATS-Bench v1.8 semantics (spec §6.5), idiomatic TS names
 * (mapping to the Python names: docs/api-mapping.md). Floats are bit-exact with the original: means are Python
 * `sum/len` over trials in seed order, totals are sequential sums.
 *
 *   const bench = NasBench.open("bench.sqlite", { rng: new PyRandom(0) });   // or new NasBench(store, opts)
 *   bench.space                                        the store's search space (tss or sss, space/search-space.ts)
 *   bench.size                                         15625 (tss) or 32768 (sss)
 *   bench.arch(i) → string;  bench.indexOf(archOrIndex) → number (−1 for an unknown arch string)
 *   bench.hps → string[]     bench.evaluatedIndexes() → number[]
 *   bench.getMoreInfo(arch, dataset, { hp, iepoch?, trial?, rng? }) → MoreInfo
 *       hp is REQUIRED ('12' | '200' for tss, '01' | '12' | '90' for sss, or another stored name). trial: 'mean' (default), 'random' (one seed drawn with
 *       rng.randbelow(#seeds), like random.choice), or a seed number. Keys: trainLoss, trainAccuracy, trainPerTime,
 *       trainAllTime, comment?, validLoss/Accuracy/PerTime/AllTime?, testLoss/…?, valtestLoss/…?
 *   bench.getMetrics(arch, dataset, set, { hp, iepoch?, trial?, rng? }) → { iepoch, loss, accuracy, curTime, allTime }
 *       set: 'train' | 'x-valid' | 'x-test' | 'ori-test' | 'valid' (alias of x-valid); 'random' → rng.randbelow(#seeds)
 *   bench.simulateTrainEval(arch, dataset, { hp, iepoch?, accountTime? = true, rng? })
 *       → { validAccuracy, latency, timeCost, usedTime }   dataset: 'cifar10' | 'cifar100' | 'ImageNet16-120'
 *   bench.usedTime, bench.resetTime()
 *   bench.getCostInfo(arch, dataset, { hp }) → CostInfo;  bench.getLatency(arch, dataset, { hp }) → number | null
 *   bench.getNetConfig(arch, dataset) → tss { name: 'infer.tiny', C, N, archStr, numClasses }
 *                                       sss { name: 'infer.shape.tiny', channels, genotype, numClasses }
 *   bench.getTotalEpoch(arch, dataset, { hp }) → number
 *   bench.findBest(dataset, set, { hp, flopMax?, paramMax? }) → { index, accuracy }   (index −1 when none qualifies)
 *   bench.statistics(dataset, hp) → Map<trials, archCount>
 *   bench.uniqueStr(arch) → string (tss only, like the original);  bench.queryInfoStr(arch, hp) → string
 *   bench.invalidate()   drop caches after writing runs through bench.store (results are cached per instance)
 * Errors: BenchQueryError (unknown dataset / set / hp / seed / epoch / index, listing what is valid) and its subclass
 * MetricUnavailableError (the record has no value there — where the original raises KeyError/ValueError).
 */
import {
  type NetConfig,
  PyRandom,
  type RandomSource,
  resolveIn,
  type SearchSpace,
  searchSpace,
  uniqueStr as spaceUniqueStr,
} from "../space/index.js";
import { BenchQueryError, MetricUnavailableError, SpaceMismatchError, unknownChoice } from "./errors.js";
import {
  RECORD_DATASET_KEYS,
  SEARCH_DATASETS,
  datasetInfo,
  hasTestHalves,
  isSearchDataset,
  remapSearchSet,
  searchTrainKey,
  type EvalSet,
  type RecordDatasetKey,
  type RunRecord,
} from "../registry/index.js";
import { copyMetric, copyWithAbsent, type DecodedRun, type EpochMetrics, legacyFix, meanMetrics, metricsAt, metricsOrProblem, pyFixed, pyMean, runLatency, runTimes } from "./semantics.js";
import { RANKING_COSTS_UNDEFINED, RANKING_VALUE_MISSING, type RankingMetric, type RankingSummary, type RankingTop } from "./ranking.js";
import { type BenchSource, openStoreSource } from "./source.js";

export type Trial = "mean" | "random" | number;
export type MetricSet = "train" | EvalSet | "valid";
export type ArchRef = number | string;

export interface QueryOptions {
  hp: string;
  iepoch?: number;
  trial?: Trial;
  /** overrides the instance's generator for this call */
  rng?: RandomSource;
}

export interface MoreInfo {
  trainLoss: number;
  trainAccuracy: number;
  trainPerTime: number | null;
  trainAllTime: number | null;
  comment?: string;
  validLoss?: number;
  validAccuracy?: number;
  validPerTime?: number | null;
  validAllTime?: number | null;
  testLoss?: number;
  testAccuracy?: number;
  testPerTime?: number | null;
  testAllTime?: number | null;
  valtestLoss?: number;
  valtestAccuracy?: number;
  valtestPerTime?: number | null;
  valtestAllTime?: number | null;
}

export interface CostInfo {
  flops: number;
  params: number;
  /** seconds per batch of 256; null when no trial has a latency */
  latency: number | null;
  trainTimePerEpoch: number | null;
  trainTimeTotal: number | null;
  /** per eval set, in the record's order (the original's 'T-<set>@epoch' / 'T-<set>@total') */
  evalTimes: Partial<Record<EvalSet, { perEpoch: number | null; total: number | null }>>;
}

export type { NetConfig, SizeNetConfig, TopologyNetConfig } from "../space/index.js";

export interface SimulatedResult {
  validAccuracy: number;
  /** seconds per batch of 256 */
  latency: number | null;
  timeCost: number;
  usedTime: number;
}

export interface NasBenchOptions {
  /** generator for trial 'random' (default: PyRandom(0), so runs are reproducible) */
  rng?: RandomSource;
  /** (arch, hp, dataset) groups kept decoded (default 2048) */
  cacheSize?: number;
  /** the search space the store must hold ('tss' | 'sss' | 'topology' | 'size'): another is a SpaceMismatchError */
  space?: string;
}

const RANKING_METRIC = { train: "train_acc", "x-valid": "xvalid_acc", "x-test": "xtest_acc", "ori-test": "oritest_acc" } as const;

const METRIC_SETS: readonly MetricSet[] = ["train", "x-valid", "x-test", "ori-test", "valid"];

/** The original's note on what the numbers of a CIFAR-10 key mean (only those two keys have one). */
function comment(dataset: RecordDatasetKey, hp: string): string | undefined {
  const info = datasetInfo(dataset);
  if (info.family !== "CIFAR-10") return undefined;
  const sets = info.trainSet === "train half" ? "train set" : "train+valid sets";
  return `In this dict, train-loss/accuracy/time is the metric on the ${sets} of CIFAR-10. The test-loss/accuracy/time is the performance of the CIFAR-10 test set after training on the ${sets} by ${hp} epochs. The per-time and total-time indicate the per epoch and total time costs, respectively.`;
}

export class NasBench {
  private readonly runCache = new Map<string, DecodedRun[]>();
  private readonly infoCache = new Map<string, MoreInfo>();
  private readonly bestCache = new Map<string, RankingSummary>();
  private readonly topCache = new Map<string, RankingTop | null>();
  private readonly cacheSize: number;
  private rng: RandomSource;
  private used = 0;
  private hpList: string[] | null = null;
  /** the search space of the store's archs: every index, string and space-dependent answer comes from it */
  readonly space: SearchSpace;

  constructor(
    /** the SQLite store (BenchStore) in Node, a browser export's source in a page */
    readonly store: BenchSource,
    opts: NasBenchOptions = {},
  ) {
    this.space = searchSpace(store.spaceName ?? "tss");
    if (opts.space !== undefined && searchSpace(opts.space) !== this.space) throw new SpaceMismatchError(store.path, this.space.name, searchSpace(opts.space).name);
    this.rng = opts.rng ?? new PyRandom(0);
    this.cacheSize = opts.cacheSize ?? 2048;
  }

  /** Node only: opens the SQLite store at `path` (registered by store.ts, so that this file stays browser-safe). */
  static open(path: string, opts: NasBenchOptions = {}): NasBench {
    const source = openStoreSource(path);
    try {
      return new NasBench(source, opts);
    } catch (e) {
      source.close();
      throw e;
    }
  }

  close(): void {
    this.store.close();
  }

  get size(): number {
    return this.space.size;
  }

  get usedTime(): number {
    return this.used;
  }

  resetTime(): void {
    this.used = 0;
  }

  /** Drops every cached result: call after writing runs through `bench.store` while this instance is in use. */
  invalidate(): void {
    this.runCache.clear();
    this.infoCache.clear();
    this.bestCache.clear();
    this.topCache.clear();
    this.hpList = null;
  }

  setRng(rng: RandomSource): void {
    this.rng = rng;
  }

  /** hp names stored, in import order. */
  get hps(): string[] {
    this.hpList ??= this.store.hps();
    return [...this.hpList];
  }

  evaluatedIndexes(): number[] {
    return this.store.evaluatedIndexes();
  }

  arch(index: number): string {
    return resolveIn(this.space, index).arch;
  }

  /** Index of an arch string (−1 when not in the space), or a checked index passed through (the original's rule). */
  indexOf(arch: ArchRef): number {
    if (typeof arch === "number") return this.resolve(arch);
    return this.space.indexOf(arch);
  }

  /** NATS `get_unique_str`: the topology space's isomorphism key; the size space has none (nor has the original). */
  uniqueStr(arch: ArchRef): string {
    if (!this.space.hasCellStrings) throw new BenchQueryError(`uniqueStr is defined for the topology search space only; this store holds the ${this.space.title}`);
    return spaceUniqueStr(this.arch(this.resolve(arch)), true);
  }

  private resolve(arch: ArchRef): number {
    const n = this.space.size;
    if (typeof arch === "number" && !(Number.isInteger(arch) && arch >= 0 && arch < n)) {
      throw new BenchQueryError(`invalid arch index ${arch}: valid indexes are 0..${n - 1}`);
    }
    // a checked index needs no arch string: queries by index never touch the index order
    return typeof arch === "number" ? arch : resolveIn(this.space, arch).index;
  }

  private checkHp(hp: unknown): string {
    if (typeof hp !== "string" && typeof hp !== "number") {
      throw new BenchQueryError(`hp is required (there is no default schedule): valid hps are ${this.hps.map((h) => `'${h}'`).join(", ")}`);
    }
    const name = String(hp);
    if (!this.hps.includes(name)) throw unknownChoice("hp", name, this.hps);
    return name;
  }

  private checkDataset(dataset: string): RecordDatasetKey {
    if (!(RECORD_DATASET_KEYS as readonly string[]).includes(dataset)) throw unknownChoice("dataset", dataset, RECORD_DATASET_KEYS);
    return dataset as RecordDatasetKey;
  }

  /** Decoded trials of (arch, hp, dataset), seed order; errors list what the arch does have. */
  private runs(index: number, hp: string, dataset: string): DecodedRun[] {
    const key = `${index}|${hp}|${dataset}`;
    let runs = this.runCache.get(key);
    if (runs !== undefined) return runs;
    runs = this.store.loadRuns(index, hp, dataset);
    if (runs.length === 0) {
      const hps = this.store.hpsOf(index);
      if (hps.length === 0) throw new BenchQueryError(`arch ${index} has no results in this store (it holds ${this.store.evaluatedIndexes().length} archs)`);
      if (!hps.includes(hp)) throw new BenchQueryError(`arch ${index} has no results for hp '${hp}': it has ${hps.map((h) => `'${h}'`).join(", ")}`);
      throw unknownChoice("dataset", dataset, this.store.datasetsOf(index, hp));
    }
    if (this.runCache.size >= this.cacheSize) this.runCache.delete(this.runCache.keys().next().value!);
    this.runCache.set(key, runs);
    return runs;
  }

  private pickSeed(runs: readonly DecodedRun[], trial: Trial | undefined, rng: RandomSource | undefined): number | "mean" {
    if (trial === undefined || trial === "mean") return "mean";
    const seeds = runs.map((r) => r.seed);
    if (trial === "random") return seeds[(rng ?? this.rng).randbelow(seeds.length)]!;
    if (typeof trial !== "number" || !Number.isInteger(trial)) {
      throw new BenchQueryError(`invalid trial ${String(trial)}: use 'mean', 'random' or one of the seeds ${seeds.join(", ")}`);
    }
    if (!seeds.includes(trial)) throw unknownChoice("seed", trial, seeds);
    return trial;
  }

  /** ArchResults.get_metrics: every trial is evaluated first (any missing value raises), then averaged or selected. */
  private metricsOf(runs: readonly DecodedRun[], set: MetricSet, iepoch: number | undefined, pick: number | "mean"): EpochMetrics {
    const m = this.metricsOrProblem(runs, set, iepoch, pick);
    if (typeof m === "string") throw new MetricUnavailableError(m);
    return m;
  }

  private metricsOrProblem(runs: readonly DecodedRun[], set: MetricSet, iepoch: number | undefined, pick: number | "mean"): EpochMetrics | string {
    const s = set === "valid" ? "x-valid" : set;
    const all: EpochMetrics[] = [];
    for (const r of runs) {
      const m = metricsOrProblem(r, s, iepoch);
      if (typeof m === "string") return m;
      all.push(m);
    }
    if (pick === "mean") return meanMetrics(all);
    return all[runs.findIndex((r) => r.seed === pick)]!;
  }

  getMetrics(arch: ArchRef, dataset: string, set: MetricSet, opts: QueryOptions): EpochMetrics {
    const index = this.resolve(arch);
    const hp = this.checkHp(opts?.hp);
    const ds = this.checkDataset(dataset);
    if (!METRIC_SETS.includes(set)) throw unknownChoice("set", set, METRIC_SETS);
    const runs = this.runs(index, hp, ds);
    if (opts.trial === "random") {
      // get_metrics(is_random=True) evaluates all trials before drawing random.randint(0, n-1)
      const s = set === "valid" ? "x-valid" : set;
      const all = runs.map((r) => metricsAt(r, s, opts.iepoch));
      return all[(opts.rng ?? this.rng).randbelow(all.length)]!;
    }
    return this.metricsOf(runs, set, opts.iepoch, this.pickSeed(runs, opts.trial, opts.rng));
  }

  /**
   * NATS `get_more_info`. Migration trap: `trial` defaults to 'mean' (the mean over all seeds), while the original's
   * `is_random` defaults to True (one seed drawn at random). Pass `trial: 'random'` for the original's default.
   */
  getMoreInfo(arch: ArchRef, dataset: string, opts: QueryOptions): MoreInfo {
    const index = this.resolve(arch);
    const hp = this.checkHp(opts?.hp);
    const ds = this.checkDataset(dataset);
    const runs = this.runs(index, hp, ds);
    const pick = this.pickSeed(runs, opts.trial, opts.rng);
    const key = `${index}|${ds}|${hp}|${opts.iepoch ?? ""}|${pick}`;
    const cached = this.infoCache.get(key);
    if (cached !== undefined) return copyWithAbsent(cached);
    const info = this.computeMoreInfo(runs, ds, hp, opts.iepoch, pick);
    if (this.infoCache.size >= this.cacheSize * 4) this.infoCache.delete(this.infoCache.keys().next().value!);
    this.infoCache.set(key, info);
    return copyWithAbsent(info);
  }

  private computeMoreInfo(runs: DecodedRun[], ds: RecordDatasetKey, hp: string, iepoch: number | undefined, pick: number | "mean"): MoreInfo {
    const train = this.metricsOf(runs, "train", iepoch, pick);
    const total = train.iepoch + 1;
    const per = (m: EpochMetrics): number | null => (m.allTime === null ? null : m.allTime / total);
    // key order as the original's dict: loss, accuracy, per-time, all-time
    const info = {} as MoreInfo;
    copyMetric(info, "trainLoss", train, "loss", "train loss");
    copyMetric(info, "trainAccuracy", train, "accuracy", "train accuracy");
    info.trainPerTime = per(train);
    info.trainAllTime = train.allTime;
    // the original's try/except around optional sets: a missing set is simply left out
    const attempt = (set: EvalSet): EpochMetrics | null => {
      const m = this.metricsOrProblem(runs, set, iepoch, pick);
      return typeof m === "string" ? null : m;
    };
    let valid: EpochMetrics | null;
    let test: EpochMetrics | null;
    let valtest: EpochMetrics | null = null;
    const note = comment(ds, hp);
    const d = datasetInfo(ds);
    if (d.trainSet === "train half") {
      // x-valid is the other half of the training set, always there: not guarded in the original
      valid = this.metricsOf(runs, "x-valid", iepoch, pick);
      test = attempt(d.testSet);
    } else {
      // a key without test halves (cifar10, the embedded Fashion-MNIST) reports the whole original test set as test
      test = attempt(d.testSet);
      valid = attempt("x-valid");
      if (hasTestHalves(ds)) valtest = attempt("ori-test");
    }
    if (note !== undefined) info.comment = note;
    const put = (m: EpochMetrics | null, prefix: "valid" | "test" | "valtest", set: string): void => {
      if (m === null) return;
      copyMetric(info, `${prefix}Loss`, m, "loss", `${set} loss`);
      copyMetric(info, `${prefix}Accuracy`, m, "accuracy", `${set} accuracy`);
      info[`${prefix}PerTime`] = per(m);
      info[`${prefix}AllTime`] = m.allTime;
    };
    put(valid, "valid", "x-valid");
    put(test, "test", d.testSet);
    put(valtest, "valtest", "ori-test");
    return info;
  }

  simulateTrainEval(arch: ArchRef, dataset: string, opts: { hp: string; iepoch?: number; accountTime?: boolean; rng?: RandomSource }): SimulatedResult {
    const index = this.resolve(arch);
    if (!isSearchDataset(dataset)) throw unknownChoice("dataset", dataset, SEARCH_DATASETS);
    const hp = this.checkHp(opts?.hp);
    const rng = opts.rng;
    const info = this.getMoreInfo(index, searchTrainKey(dataset), { hp, iepoch: opts.iepoch, trial: "random", rng });
    let validAccuracy: number;
    let validPerTime: number | null | undefined;
    if (info.validAccuracy !== undefined) {
      validAccuracy = info.validAccuracy;
      validPerTime = info.validPerTime;
    } else {
      // NATS v1.5+: no validation value at this epoch → the valtest value, and the validation time of the last epoch
      if (info.valtestAccuracy === undefined) throw new MetricUnavailableError(`arch ${index} has neither x-valid nor ori-test on ${dataset} at that epoch`);
      validAccuracy = info.valtestAccuracy;
      validPerTime = this.getMoreInfo(index, dataset, { hp, trial: "random", rng }).validPerTime;
    }
    if (info.trainAllTime === null || validPerTime === null || validPerTime === undefined) {
      throw new MetricUnavailableError(`arch ${index} on ${dataset} (hp '${hp}') has no training/validation times to simulate with`);
    }
    const timeCost = info.trainAllTime + validPerTime;
    const latency = this.getLatency(index, dataset, { hp });
    if (opts.accountTime !== false) this.used += timeCost;
    return { validAccuracy, latency, timeCost, usedTime: this.used };
  }

  getCostInfo(arch: ArchRef, dataset: string, opts: { hp: string }): CostInfo {
    const index = this.resolve(arch);
    const hp = this.checkHp(opts?.hp);
    const runs = this.runs(index, hp, this.checkDataset(dataset));
    return this.costsOf(runs);
  }

  /** ArchResults.get_compute_costs, including the v1.6 legacy fix (inconsistent per-seed FLOPs → the seed-888 value). */
  private costsOf(runs: readonly DecodedRun[]): CostInfo {
    const flops = legacyFix(runs, (r) => r.flops);
    const params = legacyFix(runs, (r) => r.params);
    const lats = runs.map(runLatency).filter((x) => x > 0);
    const times = new Map<string, { perEpoch: (number | null)[]; total: (number | null)[] }>();
    for (const r of runs) {
      for (const [k, t] of runTimes(r)) {
        let slot = times.get(k);
        if (slot === undefined) times.set(k, (slot = { perEpoch: [], total: [] }));
        slot.perEpoch.push(t.perEpoch);
        slot.total.push(t.total);
      }
    }
    const meanOrNull = (xs: (number | null)[]): number | null => {
      if (xs.length === 0 || xs[0] === null) return null;
      if (xs.some((x) => x === null)) throw new MetricUnavailableError("trials disagree on whether times exist");
      return pyMean(xs as number[]);
    };
    const info: CostInfo = {
      flops: pyMean(flops),
      params: pyMean(params),
      latency: lats.length > 0 ? pyMean(lats) : null,
      trainTimePerEpoch: null,
      trainTimeTotal: null,
      evalTimes: {},
    };
    for (const [k, slot] of times) {
      const perEpoch = meanOrNull(slot.perEpoch);
      const total = meanOrNull(slot.total);
      if (k === "train") {
        info.trainTimePerEpoch = perEpoch;
        info.trainTimeTotal = total;
      } else info.evalTimes[k as EvalSet] = { perEpoch, total };
    }
    return info;
  }

  getLatency(arch: ArchRef, dataset: string, opts: { hp: string }): number | null {
    return this.getCostInfo(arch, dataset, opts).latency;
  }

  /** ArchResults.get_total_epoch(dataset): the schedule length, which all trials must share. */
  getTotalEpoch(arch: ArchRef, dataset: string, opts: { hp: string }): number {
    const index = this.resolve(arch);
    const runs = this.runs(index, this.checkHp(opts?.hp), this.checkDataset(dataset));
    const epochs = new Set(runs.map((r) => r.epochs));
    if (epochs.size > 1) throw new MetricUnavailableError(`trials of arch ${index} on ${dataset} have different epoch counts: ${[...epochs].join(", ")}`);
    return runs[runs.length - 1]!.epochs;
  }

  getNetConfig(arch: ArchRef, dataset: string): NetConfig {
    const index = this.resolve(arch);
    const ds = this.checkDataset(dataset);
    const first = this.store.hpsOf(index)[0];
    if (first === undefined) throw new BenchQueryError(`arch ${index} has no results in this store`);
    const run = this.runs(index, first, ds)[0]!;
    return this.space.netConfig(this.arch(index), { channel: run.channel, numCells: run.numCells, classNum: run.classNum });
  }

  statistics(dataset: string, hp: string): Map<number, number> {
    const ds = this.checkDataset(dataset);
    const name = this.checkHp(hp);
    const perArch = new Map<number, number>();
    for (const i of this.store.evaluatedIndexes()) perArch.set(i, 0);
    for (const row of this.store.trialCounts(name)) if (row.dataset === ds) perArch.set(row.arch_index, row.trials);
    const nums = new Map<number, number>();
    for (const n of perArch.values()) nums.set(n, (nums.get(n) ?? 0) + 1);
    return nums;
  }

  findBest(dataset: string, set: string, opts: { hp: string; flopMax?: number; paramMax?: number }): { index: number; accuracy: number | null } {
    const hp = this.checkHp(opts?.hp);
    const [ds, remapped] = remapSearchSet(this.checkDataset(dataset), set) as [RecordDatasetKey, string];
    // get_eval treats 'valid' as x-valid on every dataset; 'test' survives the remap only on cifar10-valid, which has none.
    const s = remapped === "valid" ? "x-valid" : remapped;
    if (s === "test") throw new MetricUnavailableError(`${ds} has no 'test' set: use 'ori-test' (the CIFAR-10 test set) or 'x-valid'`);
    if (!(["train", "x-valid", "x-test", "ori-test"] as const).includes(s as EvalSet)) {
      throw unknownChoice("set", set, ["train", "valid", "test", "x-valid", "x-test", "ori-test"]);
    }
    const { flopMax, paramMax } = opts;
    const top = this.bestTop(hp, ds, s as "train" | EvalSet);
    if (top !== null) {
      // best first: the answer is usually the first entry, read from a few pages of the store
      for (let k = 0; k < top.index.length; k++) {
        if (flopMax !== undefined && top.flops[k]! > flopMax) continue;
        if (paramMax !== undefined && top.params[k]! > paramMax) continue;
        return { index: top.index[k]!, accuracy: top.value[k]! };
      }
      if (top.index.length === top.total) return { index: -1, accuracy: null };
    }
    const sum = this.bestSummary(hp, ds, s as "train" | EvalSet);
    let best = -1;
    let bestAcc: number | null = null;
    for (let i = 0; i < sum.index.length; i++) {
      if ((sum.flags[i]! & RANKING_COSTS_UNDEFINED) !== 0) {
        throw new MetricUnavailableError(`arch ${sum.index[i]}: per-seed FLOPs/params disagree and there is no seed-888 trial (the original raises here)`);
      }
      if (flopMax !== undefined && sum.flops[i]! > flopMax) continue;
      if (paramMax !== undefined && sum.params[i]! > paramMax) continue;
      const acc = sum.value[i]!;
      if ((sum.flags[i]! & RANKING_VALUE_MISSING) !== 0) {
        throw new MetricUnavailableError(`arch ${sum.index[i]} has no '${s}' value at the last epoch on ${ds} (hp '${hp}'), so it cannot be ranked`);
      }
      if (best === -1 || bestAcc! < acc) {
        best = sum.index[i]!;
        bestAcc = acc;
      }
    }
    return { index: best, accuracy: bestAcc };
  }

  /** The best archs for (hp, dataset, set), best first, or null where only the full scan is exact; cached. */
  private bestTop(hp: string, ds: string, set: "train" | EvalSet): RankingTop | null {
    return cachedRanking(this.topCache, hp, ds, set, (metric) => this.store.rankingTop(hp, ds, metric));
  }

  /** Per-arch mean last-epoch accuracy and costs for (hp, dataset, set): the store's ranking summary, cached. */
  private bestSummary(hp: string, ds: string, set: "train" | EvalSet): RankingSummary {
    return cachedRanking(this.bestCache, hp, ds, set, (metric) => this.store.ranking(hp, ds, metric));
  }

  /** The original's `query_info_str_by_arch` summary (print_information of NATS). */
  queryInfoStr(arch: ArchRef, hp: string): string {
    const index = this.resolve(arch);
    const name = this.checkHp(hp);
    const datasets = this.store.datasetsOf(index, name);
    if (datasets.length === 0) throw new BenchQueryError(`arch ${index} has no results for hp '${name}'`);
    const order = RECORD_DATASET_KEYS.filter((d) => datasets.includes(d));
    const lines = [this.arch(index), `datasets : [${order.map((d) => `'${d}'`).join(", ")}], extra-info : arch-index=${index}`];
    const m = (x: EpochMetrics): string => `loss = ${pyFixed(x.loss, 3)} & top1 = ${pyFixed(x.accuracy, 2)}%`;
    for (const ds of order) {
      const runs = this.runs(index, name, ds);
      const c = this.costsOf(runs);
      const lat = c.latency !== null && c.latency > 0 ? pyFixed(c.latency * 1000, 2) : "None";
      lines.push(`${ds.padEnd(14)} FLOP=${pyFixed(c.flops, 2).padStart(6)} M, Params=${pyFixed(c.params, 3)} MB, latency=${lat} ms.`);
      const train = this.metricsOf(runs, "train", undefined, "mean");
      if (datasetInfo(ds).trainSet === "train half") {
        const valid = `${ds.padEnd(14)} train : [${m(train)}], valid : [${m(this.metricsOf(runs, "x-valid", undefined, "mean"))}]`;
        lines.push(this.space.summaryTestsTrainHalf ? `${valid}, test : [${m(this.metricsOf(runs, "ori-test", undefined, "mean"))}]` : valid);
      } else if (!hasTestHalves(ds)) {
        lines.push(`${ds.padEnd(14)} train : [${m(train)}], test  : [${m(this.metricsOf(runs, "ori-test", undefined, "mean"))}]`);
      } else {
        const v = this.metricsOf(runs, "x-valid", undefined, "mean");
        const t = this.metricsOf(runs, "x-test", undefined, "mean");
        lines.push(`${ds.padEnd(14)} train : [${m(train)}], valid : [${m(v)}], test : [${m(t)}]`);
      }
    }
    return lines.join("\n");
  }

  // ---- NATS-Bench parity (docs/api-mapping.md has a row for every public member of NATStopology) ----

  /** NATS `search_space_name`: 'topology' (tss) or 'size' (sss). */
  get searchSpaceName(): "topology" | "size" {
    return this.space.natsName;
  }

  /** NATS `is_topology`. */
  get isTopology(): boolean {
    return this.space.name === "tss";
  }

  /** NATS `is_size`. */
  get isSize(): boolean {
    return this.space.name === "sss";
  }

  /** NATS `full_train_epochs` / `full_epochs_in_paper`: the schedule of the paper's final numbers (tss '200', sss '90'). */
  get fullTrainEpochs(): number {
    return this.space.fullTrainEpochs;
  }

  /**
   * NATS `random()`: an index drawn uniformly from the whole space (evaluated or not), from `rng` or the instance's
   * generator. One `randbelow(size)`, which is what CPython's `random.randint(0, size - 1)` draws: with `PyRandom(s)`
   * the index equals the original's after `random.seed(s)`.
   */
  random(rng?: RandomSource): number {
    return (rng ?? this.rng).randbelow(this.space.size);
  }

  /** The hps an arch has results for, in hp order (NATS: the keys of `arch2infos_dict[index]`). */
  hpsOf(arch: ArchRef): string[] {
    return this.store.hpsOf(this.resolve(arch));
  }

  /** NATS `query_meta_info_by_index(i, hp).get_dataset_names()`: the record keys an arch has at `hp`, in the original's order. */
  datasetsOf(arch: ArchRef, opts: { hp: string }): RecordDatasetKey[] {
    const index = this.resolve(arch);
    const hp = this.checkHp(opts?.hp);
    const stored = this.store.datasetsOf(index, hp);
    return RECORD_DATASET_KEYS.filter((d) => stored.includes(d));
  }

  /** NATS `get_dataset_seeds(dataset)`: the seeds of the stored trials, ascending (the order means and draws use). */
  seedsOf(arch: ArchRef, dataset: string, opts: { hp: string }): number[] {
    const index = this.resolve(arch);
    return this.runs(index, this.checkHp(opts?.hp), this.checkDataset(dataset)).map((r) => r.seed);
  }

  /**
   * NATS `query_by_index(i, dataset, hp)`: every trial as stored, by seed (ascending): per-epoch train and eval curves,
   * times, FLOPs, params, latency and network config (the original's ResultsCount per seed). Records are read on each
   * call, not cached: the curves of a 200-epoch trial are large and most callers read them once.
   */
  queryByIndex(arch: ArchRef, dataset: string, opts: { hp: string }): Map<number, RunRecord> {
    const index = this.resolve(arch);
    const hp = this.checkHp(opts?.hp);
    const ds = this.checkDataset(dataset);
    const out = new Map<number, RunRecord>();
    const store = this.store;
    if (store.getRecord === undefined) {
      throw new BenchQueryError(`queryByIndex needs full records, which ${store.path} does not hold (a browser export keeps what the other queries read): open the SQLite store`);
    }
    for (const { seed } of this.runs(index, hp, ds)) {
      const record = store.getRecord(index, hp, ds, seed);
      // loadRuns just listed this seed: a missing record means the store changed under us (see invalidate())
      if (record === null) throw new BenchQueryError(`arch ${index} hp '${hp}' ${ds} seed ${seed} vanished from the store: call invalidate() after writing runs`);
      out.set(seed, record);
    }
    return out;
  }

  /** NATS `__repr__`: `NasBench(<evaluated>/<space size> architectures, hps=[...], file=<store file name>)`. */
  toString(): string {
    const file = this.store.path.split(/[\\/]/).pop() ?? this.store.path;
    return `NasBench(${this.store.evaluatedIndexes().length}/${this.space.size} architectures, hps=[${this.hps.map((h) => `'${h}'`).join(", ")}], file=${file})`;
  }
}

function cachedRanking<T>(cache: Map<string, T>, hp: string, ds: string, set: "train" | EvalSet, read: (metric: RankingMetric) => T): T {
  const key = `${hp}|${ds}|${set}`;
  if (cache.has(key)) return cache.get(key)!;
  const value = read(RANKING_METRIC[set]);
  cache.set(key, value);
  return value;
}

/** camelCase API keys → the original's keys ('trainLoss' → 'train-loss'), for JSON output. */
export function toOriginalKeys(info: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(info)) out[k.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase())] = v;
  return out;
}

/** CostInfo → the original's dict (`flops, params, latency, T-train@epoch, T-train@total, T-<set>@epoch, …`). */
export function costInfoToOriginal(c: CostInfo): Record<string, number | null> {
  const out: Record<string, number | null> = { flops: c.flops, params: c.params, latency: c.latency };
  out["T-train@epoch"] = c.trainTimePerEpoch;
  out["T-train@total"] = c.trainTimeTotal;
  for (const [set, t] of Object.entries(c.evalTimes)) {
    out[`T-${set}@epoch`] = t.perEpoch;
    out[`T-${set}@total`] = t.total;
  }
  return out;
}
