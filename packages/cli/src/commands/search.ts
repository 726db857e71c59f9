/**
 * `aa-nas search <algorithm>`: the one entry point for all ten NAS algorithms. Benchmark-driven ones (REA, RS,
 * REINFORCE, BOHB) run many seeded searches on a benchmark store of either space (tss or sss: the store says which) and
 * print each run's answer with its full-schedule (tss 200, sss 90 epochs) valid/test accuracy and the paper-style mean ± std summary; weight-sharing ones are handed to search-ws.ts.
 */
import type { Command, Option } from "commander";
import { WS_DATASETS, datasetInfo, searchTrainKey } from "@aa-nas/core/registry/index.js";
import { UserError, listChoices } from "@aa-nas/core/errors.js";
import {
  ALGORITHM_LABELS,
  ALGORITHMS,
  CAMPAIGN_DEFAULTS,
  DEFAULT_SETTINGS,
  SEARCH_DATASETS,
  campaignToJson,
  formatMeanStd,
  mergeSettings,
  parseAlgorithm,
  parseSearchDataset,
  searchCampaign,
  NATS_BUDGETS,
  SSS_NATS_BUDGETS,
  type SettingsOverrides,
  type AlgorithmName,
  type AlgorithmSettings,
  type Campaign,
  type CampaignSource,
  type SearchDataset,
  DEFAULT_WARMUP_POOL,
} from "@aa-nas/core/search/index.js";
import { PROXY_NAMES, parseProxyNames, type ProxyName } from "@aa-nas/core/bench/zero-cost-types.js";
import { campaignToFile, writeCampaignFile } from "@aa-nas/core/search/campaign-file.js";
import { WS_ALGORITHMS, WS_SEARCH_OPTIONS, addWeightSharingOptions, isWeightSharingAlgorithm, runWeightSharingSearchCommand, type WsCliOptions } from "./search-ws.js";
import { parseInteger, parseNumber } from "../options.js";
import { checkOutputFile } from "../output-path.js";
import { progressBar } from "../progress.js";
import { registerSearchReportCommand } from "./search-report.js";

export interface SearchCommandOptions {
  bench?: string;
  dataset?: string;
  runs: string;
  /** absent: the store's space's default (tss 12000 s, sss its 'nats' budgets) */
  budget?: string;
  seed: string;
  json?: boolean;
  progress?: boolean;
  lr?: string;
  population?: string;
  tournament?: string;
  accountWallTime?: boolean;
  out?: string;
  warmup?: string;
  warmupPool?: string;
}

/** Options that only the benchmark-driven searches take (commander's names), to reject them for a supernet search. */
const API_ONLY_OPTIONS = ["runs", "budget", "lr", "population", "tournament", "accountWallTime", "out", "warmup", "warmupPool"] as const;

export function registerSearchCommands(program: Command): void {
  const cmd = program
    .command("search")
    .description(
      "run NAS: benchmark-driven (REA, random search, REINFORCE, BOHB) on a simulated time budget, or weight-sharing " +
        "by training a supernet with the libtorch engine: cells of the topology space (DARTS-V1/V2, GDAS, SETN, ENAS, RSPS) " +
        "or channel widths of the size space (TAS, FBNet-V2, TuNAS)",
    )
    .argument("<algorithm>", `one of ${[...ALGORITHMS, ...WS_ALGORITHMS].join(", ")}`)
    .option("--bench <db>", "benchmark store: queried by benchmark-driven searches (required there); looks up a weight-sharing search's answer")
    .option("--dataset <name>", `benchmark-driven: ${SEARCH_DATASETS.join(", ")} (default ${SEARCH_DATASETS[0]}, searches on ${searchTrainKey(SEARCH_DATASETS[0])}); weight-sharing: ${WS_DATASETS.join(", ")} (default ${WS_DATASETS[0]})`)
    .option("--seed <S>", "seed (of the first run for benchmark-driven searches)", String(CAMPAIGN_DEFAULTS.seed))
    .option("--json", "print one JSON object (benchmark-driven: per-run results with best-so-far traces)")
    .option("--no-progress", "no progress bars on stderr")
    .option("--runs <n>", "[benchmark-driven] independent searches; run i uses seed S + i", String(CAMPAIGN_DEFAULTS.runs))
    .option(
      "--budget <seconds|paper|nats>",
      `[benchmark-driven] simulated seconds per search; tss: 'paper' = ${CAMPAIGN_DEFAULTS.budget} (default), 'nats' = ${SEARCH_DATASETS.map((d) => NATS_BUDGETS[d]).join("/")} by dataset; ` +
        `sss: 'nats' = 'paper' = ${SEARCH_DATASETS.map((d) => SSS_NATS_BUDGETS[d]).join("/")} by dataset (default)`,
    )
    .option("--lr <rate>", `[REINFORCE] Adam learning rate (default ${DEFAULT_SETTINGS.reinforce.learningRate})`)
    .option("--population <n>", `[REA] population size (default ${DEFAULT_SETTINGS.rea.populationSize})`)
    .option("--tournament <n>", `[REA] tournament (sample) size (default ${DEFAULT_SETTINGS.rea.tournamentSize})`)
    .option("--warmup <proxy>", `[REA] not the paper's protocol: start from the best --population of a pool of --warmup-pool archs ranked by this zero-cost proxy's scores in the store (free: no simulated time); ${PROXY_NAMES.join(", ")}`)
    .option("--warmup-pool <n>", `[REA] archs drawn and ranked by --warmup (default ${DEFAULT_WARMUP_POOL})`)
    .option("--account-wall-time", "[REA, REINFORCE] add the algorithm's own wall time to the simulated clock, as the originals did (not reproducible)")
    .option("--out <file>", "[benchmark-driven] also write the campaign file: settings, every evaluation of every run, best-so-far traces, the optimum (docs/search.md); compare files with 'aa-nas search report'");
  addWeightSharingOptions(cmd);
  registerSearchReportCommand(cmd);
  // each family's own options, to name the ones given to an algorithm of the other family
  const apiOnly = cmd.options.filter((o) => (API_ONLY_OPTIONS as readonly string[]).includes(o.attributeName()));
  const wsOnly = cmd.options.filter((o) => WS_SEARCH_OPTIONS.some((w) => w.flags === o.flags));
  const givenOf = (options: readonly Option[]): string => options.filter((o) => cmd.getOptionValueSource(o.attributeName()) === "cli").map((o) => o.long!).join(", ");

  cmd.action(async (algorithm: string, opts: SearchCommandOptions & WsCliOptions) => {
    const lower = algorithm.toLowerCase();
    if (isWeightSharingAlgorithm(lower)) {
      const wrong = givenOf(apiOnly);
      if (wrong !== "") throw new UserError(`${wrong} only apply to the benchmark-driven searches (${ALGORITHMS.join(", ")}), not to ${algorithm}`);
      await runWeightSharingSearchCommand(lower, opts);
      return;
    }
    const name = parseAnyAlgorithm(algorithm);
    const wrong = givenOf(wsOnly);
    if (wrong !== "") throw new UserError(`${wrong} only apply to the weight-sharing searches (${WS_ALGORITHMS.join(", ")}), not to ${name}`);
    if (opts.bench === undefined) throw new UserError(`${name} queries a benchmark store: give --bench <db> (build one with 'aa-nas import' or 'aa-nas merge')`);
    const dataset = parseSearchDataset(opts.dataset ?? CAMPAIGN_DEFAULTS.dataset);
    // checked before the first run: a campaign of hours must not fail at its save
    const out = opts.out === undefined ? undefined : checkOutputFile(opts.out);
    // the library entry opens the store (and closes it), as it does for a script given a path
    const campaign = runSearchCommand(name, dataset, opts, opts.bench);
    if (out !== undefined) writeCampaignFile(out, campaignToFile(campaign, { createdBy: `aa-nas search ${name}`, source: opts.bench }));
    process.stdout.write(opts.json ? `${JSON.stringify(campaignToJson(campaign))}\n` : formatCampaign(campaign));
    if (out !== undefined && !opts.json) process.stdout.write(`campaign file: ${out}\n`);
  });
}

function parseAnyAlgorithm(s: string): AlgorithmName {
  try {
    return parseAlgorithm(s);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    throw new UserError(`unknown search algorithm '${s}'; valid: ${listChoices([...ALGORITHMS, ...WS_ALGORITHMS])}`);
  }
}

/** The settings the options change; the rest are the store's space's paper settings. */
export function overridesFrom(opts: SearchCommandOptions): SettingsOverrides {
  const lr = parseNumber(opts.lr, "--lr", { min: 0, above: true });
  const rea: SettingsOverrides["rea"] = {};
  if (opts.population !== undefined) rea.populationSize = parseInteger(opts.population, "--population");
  if (opts.tournament !== undefined) rea.tournamentSize = parseInteger(opts.tournament, "--tournament");
  return { rea, reinforce: lr === undefined ? {} : { learningRate: lr } };
}

/** The tss settings the options give (what a campaign on a tss store runs with). */
export function settingsFrom(opts: SearchCommandOptions): AlgorithmSettings {
  return mergeSettings(overridesFrom(opts));
}

function warmupFrom(opts: SearchCommandOptions): { proxy: ProxyName; pool: number } | undefined {
  if (opts.warmup === undefined) {
    if (opts.warmupPool !== undefined) throw new UserError("--warmup-pool sizes the pool of --warmup <proxy>: give --warmup too");
    return undefined;
  }
  const [proxy, ...more] = parseProxyNames(opts.warmup);
  if (proxy === undefined || more.length > 0 || opts.warmup.trim() === "all") throw new UserError(`--warmup takes one proxy, got '${opts.warmup}'; valid: ${listChoices(PROXY_NAMES)}`);
  return { proxy, pool: opts.warmupPool === undefined ? DEFAULT_WARMUP_POOL : parseInteger(opts.warmupPool, "--warmup-pool") };
}

/** Parses the options and runs the campaign through the library entry (tests pass any benchmark as the source). */
export function runSearchCommand(algorithm: AlgorithmName, dataset: SearchDataset, opts: SearchCommandOptions, source: CampaignSource): Campaign {
  const runs = parseInteger(opts.runs, "--runs");
  const seed = parseInteger(opts.seed, "--seed", 0);
  // a given budget is checked before the store is opened; 'paper' / 'nats' / the default take the store's space
  const budget = opts.budget;
  const settings = overridesFrom(opts);
  const warmup = warmupFrom(opts);
  const bar = progressBar(`${ALGORITHM_LABELS[algorithm]} on ${dataset}`, { quiet: opts.progress === false });
  bar.start(runs, "runs");
  try {
    return searchCampaign(algorithm, source, {
      dataset,
      runs,
      seed,
      ...(budget === undefined ? {} : { budget }),
      settings,
      accountWallTime: opts.accountWallTime ?? false,
      onRun: (done) => bar.update(done),
      // the campaign file records the optimum, the plot's reference line
      optimum: opts.out !== undefined,
      ...(warmup === undefined ? {} : { warmup }),
    });
  } finally {
    bar.stop();
  }
}

export function formatCampaign(campaign: Campaign): string {
  const s = campaign.summary;
  const lines = [`${"run".padStart(4)} ${"seed".padStart(7)} ${"index".padStart(6)}  ${"valid".padStart(6)} ${"test".padStart(6)} ${"time(s)".padStart(8)} ${"evals".padStart(5)}  arch`];
  for (const r of campaign.reports) {
    lines.push(
      `${String(r.run).padStart(4)} ${String(r.seed).padStart(7)} ${String(r.archIndex).padStart(6)}  ${r.validAccuracy.toFixed(2).padStart(6)} ` +
        `${r.testAccuracy.toFixed(2).padStart(6)} ${r.usedTime.toFixed(1).padStart(8)} ${String(r.evaluations).padStart(5)}  ${r.arch}`,
    );
  }
  const [validLabel, testLabel] = [`valid (${searchTrainKey(s.dataset)} x-valid)`, `test (${s.dataset} ${datasetInfo(s.dataset).testSet})`];
  lines.push(
    "",
    `${ALGORITHM_LABELS[s.algorithm]} on ${s.dataset}${s.space === "tss" ? "" : " (size space)"}: ${s.runs} runs, seeds ${s.firstSeed}…${s.firstSeed + s.runs - 1}, budget ${s.budget} s`,
    `  ${validLabel}: ${formatMeanStd(s.valid)}`,
    `  ${testLabel}: ${formatMeanStd(s.test)}`,
    ...(s.algorithm === "rea" && s.settings.rea.warmup !== undefined
      ? [`  warm-up (not the paper's protocol): initial population = best ${s.settings.rea.populationSize} of ${s.settings.rea.warmup.pool} archs by ${s.settings.rea.warmup.proxy}`]
      : []),
    `  evaluations per run: ${formatMeanStd(s.evaluations, 1)}, simulated time used: ${formatMeanStd(s.usedTime, 0)} s, wall ${s.wallSeconds.toFixed(2)} s`,
  );
  return `${lines.join("\n")}\n`;
}
