/**
 * Many seeded runs of one algorithm (the paper reports 500 per method) and their summary. Run i uses seed
 * `seed + i`, so any single run can be repeated on its own with `--runs 1 --seed <seed + i>`.
 */
import { UserError } from "../errors.js";
import { NUM_ARCHS } from "../space/index.js";
import type { FinalAccuracyOracle, Optimum, SearchBenchmark, SearchDataset } from "./benchmark.js";
import { ALGORITHM_LABELS, DEFAULT_SETTINGS, runAlgorithm, type AlgorithmName, type AlgorithmSettings } from "./algorithms.js";
import { SearchSession, type SearchResult } from "./session.js";
import { meanStd, type MeanStd } from "./stats.js";

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
  const gaps = options.benchmark.missingFor?.(options.dataset) ?? [];
  if (gaps.length > 0) {
    throw new IncompleteBenchmarkError(
      `${ALGORITHM_LABELS[options.algorithm]} on ${options.dataset} cannot run on this benchmark: it lacks ${gaps.join("; ")}. ` +
        `A search may visit any of the ${NUM_ARCHS.toLocaleString("en-US")} archs, so it needs the whole space (import the full benchmark, e.g. 'aa-nas import')`,
    );
  }
  const started = performance.now();
  // a copy: the summary hands these out, and the defaults are shared module constants
  const given = options.settings ?? DEFAULT_SETTINGS;
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
    });
    const result = runAlgorithm(options.algorithm, session, settings);
    results.push(result);
    reports.push(reportRun(run, result, options.oracle));
    options.onRun?.(run + 1, options.runs);
  }
  const summary: CampaignSummary = {
    algorithm: options.algorithm,
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
