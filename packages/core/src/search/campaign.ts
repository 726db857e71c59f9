/**
 * Many seeded runs of one algorithm (the paper reports 500 per method) and their summary. Run i uses seed
 * `seed + i`, so any single run can be repeated on its own with `--runs 1 --seed <seed + i>`.
 */
import { UserError } from "../errors.js";
import { NUM_ARCHS, searchSpace, type SpaceName } from "../space/index.js";
import type { FinalAccuracyOracle, Optimum, SearchBenchmark, SearchDataset } from "./benchmark.js";
import { ALGORITHM_LABELS, defaultSettings, runAlgorithm, type AlgorithmName, type AlgorithmSettings } from "./algorithms.js";
import { SearchSession, type SearchResult } from "./session.js";
import { meanStd, type MeanStd } from "./stats.js";
import { checkWarmup, type ProxyPrior } from "./warmup.js";

export interface CampaignOptions {
  algorithm: AlgorithmName;
  benchmark: SearchBenchmark;
  oracle: FinalAccuracyOracle;
  dataset: SearchDataset;
  runs: number;
  seed: number;
  /** simulated seconds per run */
  budget: number;
  settings?: AlgorithmSettings;
  accountWallTime?: boolean;
  /** called after each run (progress bars) */
  onRun?: (done: number, total: number) => void;
  /** also find the space's best archs (`Campaign.optimum`), where the oracle can say (for plots and campaign files) */
  optimum?: boolean;
  /** the proxy scores REA's warm-up (`settings.rea.warmup`) ranks by; required with it, refused without it */
  prior?: ProxyPrior;
}

/** The benchmark cannot serve the campaign: raised before the first run, naming every gap. */
export class IncompleteBenchmarkError extends UserError {}

/** A best-so-far point with the 200-epoch numbers of the arch that is the answer from `time` on. */
export interface ReportedTracePoint {
  time: number;
  evaluations: number;
  archIndex: number;
  validAccuracy: number;
  testAccuracy: number;
}

export interface RunReport {
  run: number;
  seed: number;
  archIndex: number;
  arch: string;
  /** 12-epoch reward the search saw for its answer */
  reward: number;
  /** 200-epoch numbers of the answer (spec §7.4) */
  validAccuracy: number;
  testAccuracy: number;
  usedTime: number;
  evaluations: number;
  trace: ReportedTracePoint[];
}

export interface CampaignSummary {
  algorithm: AlgorithmName;
  /** the benchmark's search space: every arch index and string of the campaign is one of this space's */
  space: SpaceName;
  dataset: SearchDataset;
  budget: number;
  runs: number;
  firstSeed: number;
  /** the settings every run used (the defaults where none were given) */
  settings: AlgorithmSettings;
  accountWallTime: boolean;
  valid: MeanStd;
  test: MeanStd;
  evaluations: MeanStd;
  usedTime: MeanStd;
  /** real seconds the campaign took */
  wallSeconds: number;
}

export interface Campaign {
  summary: CampaignSummary;
  reports: RunReport[];
  results: SearchResult[];
  /** the space's best archs by the final numbers, when asked for and the oracle can tell */
  optimum?: Optimum;
}

export function runCampaign(options: CampaignOptions): Campaign {
  if (!Number.isInteger(options.runs) || options.runs < 1) throw new RangeError(`runs must be a positive integer, got ${options.runs}`);
  const space = options.benchmark.space ?? searchSpace("tss");
  const gaps = options.benchmark.missingFor?.(options.dataset) ?? [];
  if (gaps.length > 0) {
    throw new IncompleteBenchmarkError(
      `${ALGORITHM_LABELS[options.algorithm]} on ${options.dataset} cannot run on this benchmark: it lacks ${gaps.join("; ")}. ` +
        `A search may visit any of the ${space.size.toLocaleString("en-US")} archs of the ${space.title}, so it needs the whole space (import the full benchmark, e.g. 'aa-nas import')`,
    );
  }
  const given = options.settings ?? defaultSettings(space.name);
  checkWarmupCampaign(options, given);
  const started = performance.now();
  // a copy: the summary hands these out, and the defaults are shared module constants
  const settings: AlgorithmSettings = { rea: { ...given.rea }, reinforce: { ...given.reinforce }, bohb: { ...given.bohb } };
  const accountWallTime = options.accountWallTime ?? false;
  const results: SearchResult[] = [];
  const reports: RunReport[] = [];
  for (let run = 0; run < options.runs; run++) {
    const seed = options.seed + run;
    const session = new SearchSession({
      benchmark: options.benchmark,
      dataset: options.dataset,
      budget: options.budget,
      seed,
      accountWallTime,
      ...(options.prior === undefined ? {} : { prior: options.prior }),
    });
    const result = runAlgorithm(options.algorithm, session, settings);
    results.push(result);
    reports.push(reportRun(run, result, options.oracle));
    options.onRun?.(run + 1, options.runs);
  }
  const summary: CampaignSummary = {
    algorithm: options.algorithm,
    space: space.name,
    dataset: options.dataset,
    budget: options.budget,
    runs: options.runs,
    firstSeed: options.seed,
    settings,
    accountWallTime,
    valid: meanStd(reports.map((r) => r.validAccuracy)),
    test: meanStd(reports.map((r) => r.testAccuracy)),
    evaluations: meanStd(reports.map((r) => r.evaluations)),
    usedTime: meanStd(reports.map((r) => r.usedTime)),
    wallSeconds: (performance.now() - started) / 1000,
  };
  const optimum = options.optimum === true ? options.oracle.optimum?.(options.dataset) : undefined;
  return optimum === undefined ? { summary, reports, results } : { summary, reports, results, optimum };
}

/**
 * A warm-up is REA's (the other algorithms have no initial population to warm up) and needs the proxy's score for
 * every arch a pool may draw, i.e. the whole space: refused up front otherwise, as a benchmark with gaps is.
 */
function checkWarmupCampaign(options: CampaignOptions, settings: AlgorithmSettings): void {
  const warmup = settings.rea.warmup;
  if (warmup === undefined) {
    if (options.prior !== undefined) throw new UserError("a proxy prior was given without REA's warm-up setting (settings.rea.warmup)");
    return;
  }
  if (options.algorithm !== "rea") {
    throw new UserError(`the zero-cost warm-up is an option of REA only (it ranks REA's initial population); ${ALGORITHM_LABELS[options.algorithm]} has none to warm up`);
  }
  checkWarmup(warmup, settings.rea.populationSize);
  if (options.prior?.proxy !== warmup.proxy) throw new UserError(`REA's warm-up by '${warmup.proxy}' needs that proxy's scores (campaign option 'prior')`);
  const missing = options.prior.missingArchs();
  if (missing.length > 0) {
    throw new IncompleteBenchmarkError(
      `REA's warm-up on ${options.dataset} cannot run on this benchmark: it lacks '${warmup.proxy}' scores on ${options.dataset} for ` +
        `${missing.length.toLocaleString("en-US")} of ${NUM_ARCHS.toLocaleString("en-US")} archs (arch ${missing.slice(0, 3).join(", ")}${missing.length > 3 ? ", …" : ""}). ` +
        `A warm-up pool may draw any arch, so it needs the whole space (score it with 'aa-nas zero-cost compute --all' or 'aa-nas sweep plan-zero-cost --all')`,
    );
  }
}

export function reportRun(run: number, result: SearchResult, oracle: FinalAccuracyOracle): RunReport {
  const final = oracle.finalAccuracy(result.archIndex, result.dataset);
  return {
    run,
    seed: result.seed,
    archIndex: result.archIndex,
    arch: result.arch,
    reward: result.reward,
    validAccuracy: final.valid,
    testAccuracy: final.test,
    usedTime: result.usedTime,
    evaluations: result.evaluations,
    trace: result.trace.map((p) => {
      const acc = oracle.finalAccuracy(p.archIndex, result.dataset);
      return { time: p.time, evaluations: p.evaluations, archIndex: p.archIndex, validAccuracy: acc.valid, testAccuracy: acc.test };
    }),
  };
}

/** The JSON form of a campaign (`aa-nas search --json` prints exactly this). */
export interface CampaignJson {
  algorithm: AlgorithmName;
  /**
   * the search space the campaign ran on (the store's): an arch index means a different arch in each space, so a
   * reader keeps campaigns of different spaces apart
   */
  space: SpaceName;
  dataset: SearchDataset;
  budget: number;
  runs: number;
  firstSeed: number;
  /** the algorithm's own settings (`{}` for random search, which has none) */
  settings: AlgorithmSettings[keyof AlgorithmSettings] | Record<string, never>;
  accountWallTime: boolean;
  summary: { valid: MeanStd; test: MeanStd; evaluations: MeanStd; usedTime: MeanStd; wallSeconds: number };
  results: RunReport[];
}

export function campaignToJson(campaign: Campaign): CampaignJson {
  const s = campaign.summary;
  return {
    algorithm: s.algorithm,
    space: s.space,
    dataset: s.dataset,
    budget: s.budget,
    runs: s.runs,
    firstSeed: s.firstSeed,
    settings: s.algorithm === "rs" ? {} : s.settings[s.algorithm],
    accountWallTime: s.accountWallTime,
    summary: { valid: s.valid, test: s.test, evaluations: s.evaluations, usedTime: s.usedTime, wallSeconds: s.wallSeconds },
    results: campaign.reports,
  };
}
