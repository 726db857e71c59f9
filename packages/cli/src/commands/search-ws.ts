/**
 * `aa-nas search <darts-v1|darts-v2|gdas|setn|enas|rsps|tas|fbnet-v2|tunas>`: a weight-sharing search that trains a
 * supernet (needs the engine, imported lazily so `aa-nas --help` and the pure-TS commands work without libtorch),
 * prints the found cell (topology searches) or channel config (size searches) and, with `--bench`, its benchmark
 * accuracies (tss hp 200, sss hp 90) from a store of the algorithm's space.
 *
 * The `search` command (search.ts) routes these algorithm names here.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { SEARCH_DATASETS, WS_DATASETS, datasetInfo } from "@aa-nas/core/registry/index.js";
import { UserError } from "@aa-nas/core/errors.js";
import { DEFAULT_CHANNEL, DEFAULT_NUM_CELLS, NETWORK_LIMITS } from "@aa-nas/engine/models/structure.js";
import {
  WS_ALGORITHMS,
  WS_ALGORITHM_LABELS,
  defaultSettings,
  isWsAlgorithm,
  parseWsAlgorithm,
  wsAlgorithmSpace,
  type WsAlgorithm,
  type WsSettings,
} from "@aa-nas/engine/search-ws/settings.js";
import { SIZE_CANDIDATES, SIZE_MAX_WIDTH, searchSpace } from "@aa-nas/core/space/index.js";
import { DATA_DIR_HELP, dataLocation, parseChoice, parseDevice, parseNumber, parseOptionalInteger } from "../options.js";
import { progressBar } from "../progress.js";
import { checkOutputFolder } from "../output-path.js";

export { WS_ALGORITHMS };

export function isWeightSharingAlgorithm(name: string): name is WsAlgorithm {
  return isWsAlgorithm(name);
}

/** Options of a weight-sharing search (commander's camelCase names). */
export interface WsCliOptions {
  dataset?: string;
  seed?: string;
  epochs?: string;
  dataSubset?: string;
  bn?: string;
  bench?: string;
  json?: boolean;
  progress?: boolean;
  dataDir?: string;
  channel?: string;
  numCells?: string;
  saveDir?: string;
  resume?: boolean;
  device?: string;
  maxSteps?: string;
  evalBatches?: string;
  batchSize?: string;
  archLearningRate?: string;
  archWeightDecay?: string;
  tauMax?: string;
  tauMin?: string;
  selectNum?: string;
  controllerEntropyWeight?: string;
  controllerBlDec?: string;
  controllerTrainSteps?: string;
  controllerNumAggregate?: string;
  controllerNumSamples?: string;
  warmupRatio?: string;
}

export interface WsOptionSpec {
  flags: string;
  description: string;
}

/**
 * Options a weight-sharing search accepts beyond the search command's `--dataset`, `--seed`, `--bench`, `--json`
 * and `--no-progress` (which it shares with the benchmark-driven searches).
 */
export const WS_SEARCH_OPTIONS: readonly WsOptionSpec[] = [
  { flags: "--epochs <n>", description: "[weight-sharing] search epochs (paper: DARTS 50, GDAS/SETN/ENAS/RSPS 250, TAS/FBNet-V2/TuNAS 100)" },
  { flags: "--data-subset <n>", description: "[weight-sharing] use only the first n images of the train and of the valid half" },
  { flags: "--bn <0|1>", description: "[weight-sharing] track_running_stats of the search cells' BatchNorms (default 0)" },
  { flags: "--data-dir <dir>", description: `[weight-sharing] ${DATA_DIR_HELP}` },
  { flags: "--channel <C>", description: `[topology searches] channels of the first stage (default ${DEFAULT_CHANNEL})` },
  { flags: "--num-cells <N>", description: `[topology searches] search cells per stage (default ${DEFAULT_NUM_CELLS})` },
  { flags: "--save-dir <dir>", description: "[weight-sharing] write a checkpoint after every epoch here" },
  { flags: "--resume", description: "[weight-sharing] continue from the checkpoint in --save-dir" },
  { flags: "--device <cpu|cuda>", description: "[weight-sharing] where to train (default cpu)" },
  { flags: "--max-steps <n>", description: "[weight-sharing] cap the training steps of each phase per epoch (quick runs)" },
  { flags: "--eval-batches <n>", description: "[weight-sharing] cap the batches of each valid pass" },
  { flags: "--batch-size <n>", description: "[weight-sharing] training batch size (paper: 64; ENAS 128)" },
  { flags: "--arch-learning-rate <lr>", description: "[weight-sharing] Adam lr on α (DARTS, GDAS, SETN, TAS, FBNet-V2, TuNAS; default 3e-4)" },
  { flags: "--arch-weight-decay <wd>", description: "[weight-sharing] Adam weight decay on α (default 1e-3; TuNAS 0)" },
  { flags: "--tau-max <t>", description: "[GDAS, TAS, FBNet-V2] initial Gumbel temperature (default 10)" },
  { flags: "--tau-min <t>", description: "[GDAS, TAS, FBNet-V2] final Gumbel temperature (default 0.1)" },
  {
    flags: "--warmup-ratio <r|none>",
    description: "[TAS, FBNet-V2, TuNAS] fraction of the epochs with the controller off, training random widths (default 0.3, as the published runs; none = no warm-up)",
  },
  { flags: "--select-num <n>", description: "[SETN, RSPS] candidates scored at the end (default 100)" },
  { flags: "--controller-entropy-weight <w>", description: "[ENAS] entropy bonus in the reward (default 1e-4)" },
  { flags: "--controller-bl-dec <d>", description: "[ENAS] baseline decay (default 0.99)" },
  { flags: "--controller-train-steps <n>", description: "[ENAS] controller updates per epoch (default 50)" },
  { flags: "--controller-num-aggregate <n>", description: "[ENAS] samples averaged per update (default 20)" },
  { flags: "--controller-num-samples <n>", description: "[ENAS] candidates sampled at the end (default 100)" },
];

/** Adds WS_SEARCH_OPTIONS to a command (the search command, or a standalone one in tests). */
export function addWeightSharingOptions(cmd: Command): Command {
  for (const o of WS_SEARCH_OPTIONS) cmd.option(o.flags, o.description);
  return cmd;
}

/** The algorithm's paper settings with the command-line overrides applied. */
export function settingsFromOptions(algorithm: WsAlgorithm, o: WsCliOptions): WsSettings {
  const s = defaultSettings(algorithm);
  const epochs = parseOptionalInteger(o.epochs, "--epochs");
  const batch = parseOptionalInteger(o.batchSize, "--batch-size");
  if (epochs !== undefined) s.weight.epochs = epochs;
  if (batch !== undefined) {
    // where the config has no separate test_batch_size, the valid loader uses the training batch size
    if (s.weight.testBatchSize === s.weight.batchSize) s.weight.testBatchSize = batch;
    s.weight.batchSize = batch;
  }
  const positive = { min: 0, above: true };
  s.arch.lr = parseNumber(o.archLearningRate, "--arch-learning-rate", positive) ?? s.arch.lr;
  s.arch.weightDecay = parseNumber(o.archWeightDecay, "--arch-weight-decay", { min: 0 }) ?? s.arch.weightDecay;
  s.tauMax = parseNumber(o.tauMax, "--tau-max", positive) ?? s.tauMax;
  s.tauMin = parseNumber(o.tauMin, "--tau-min", positive) ?? s.tauMin;
  if (s.tauMin > s.tauMax) throw new UserError(`--tau-min ${s.tauMin} is above --tau-max ${s.tauMax}`);
  s.selectNum = parseOptionalInteger(o.selectNum, "--select-num") ?? s.selectNum;
  const c = s.controller;
  c.entropyWeight = parseNumber(o.controllerEntropyWeight, "--controller-entropy-weight", { min: 0 }) ?? c.entropyWeight;
  c.baselineDecay = parseNumber(o.controllerBlDec, "--controller-bl-dec", { min: 0, max: 1 }) ?? c.baselineDecay;
  c.trainSteps = parseOptionalInteger(o.controllerTrainSteps, "--controller-train-steps") ?? c.trainSteps;
  c.numAggregate = parseOptionalInteger(o.controllerNumAggregate, "--controller-num-aggregate") ?? c.numAggregate;
  c.numSamples = parseOptionalInteger(o.controllerNumSamples, "--controller-num-samples") ?? c.numSamples;
  if (o.warmupRatio !== undefined) s.warmupRatio = o.warmupRatio === "none" ? null : parseNumber(o.warmupRatio, "--warmup-ratio", { min: 0, max: 1 })!;
  return s;
}

/** Options of one family given to an algorithm of the other: refused before any data is loaded. */
function checkSpaceOptions(algorithm: WsAlgorithm, o: WsCliOptions): void {
  const label = WS_ALGORITHM_LABELS[algorithm];
  if (wsAlgorithmSpace(algorithm) === "sss") {
    const given = [o.channel === undefined ? null : "--channel", o.numCells === undefined ? null : "--num-cells"].filter((f) => f !== null);
    if (given.length > 0) throw new UserError(`${given.join(", ")} do not apply to ${label}: it searches the size space, whose supernet has every width at ${SIZE_MAX_WIDTH}`);
  } else if (o.warmupRatio !== undefined) {
    throw new UserError(`--warmup-ratio applies to the size searches (TAS, FBNet-V2, TuNAS), not to ${label}`);
  }
}

/**
 * Runs the search the options describe and prints the answer (text, or one JSON object with `--json`). The engine,
 * the datasets and the benchmark store are loaded here, lazily.
 */
export async function runWeightSharingSearchCommand(algorithmName: string, o: WsCliOptions): Promise<void> {
  const algorithm = parseWsAlgorithm(algorithmName);
  const space = wsAlgorithmSpace(algorithm);
  checkSpaceOptions(algorithm, o);
  const settings = settingsFromOptions(algorithm, o);
  const trackRunningStats = parseChoice(o.bn ?? "0", "--bn", ["0", "1"] as const) === "1";
  const seed = parseOptionalInteger(o.seed ?? "1", "--seed", 0)!;
  const subset = parseOptionalInteger(o.dataSubset, "--data-subset") ?? null;
  const channel = parseOptionalInteger(o.channel, "--channel", NETWORK_LIMITS.channel.min, NETWORK_LIMITS.channel.max);
  const numCells = parseOptionalInteger(o.numCells, "--num-cells", NETWORK_LIMITS.numCells.min, NETWORK_LIMITS.numCells.max);
  const maxSteps = parseOptionalInteger(o.maxSteps, "--max-steps") ?? null;
  const evalBatches = parseOptionalInteger(o.evalBatches, "--eval-batches") ?? null;
  if (o.resume && o.saveDir === undefined) throw new UserError("--resume needs --save-dir (the folder holding the checkpoint)");
  if (o.saveDir !== undefined) checkOutputFolder(o.saveDir, { flag: "--save-dir" });

  const ws = await import("@aa-nas/engine/search-ws/index.js");
  const engine = await import("@aa-nas/engine/tensor/index.js");
  const dataset = ws.parseWsDataset(o.dataset ?? WS_DATASETS[0]);
  const device = engine.checkDevice(parseDevice(o.device ?? "cpu"));
  const data = ws.loadSearchData(dataset, { dataDir: dataLocation(o).dataDir, subset });
  let checkpointPath: string | undefined;
  if (o.saveDir !== undefined) {
    mkdirSync(o.saveDir, { recursive: true });
    checkpointPath = join(o.saveDir, `${algorithm}-${dataset}-seed${seed}.safetensors`);
  }

  const bar = progressBar(WS_ALGORITHM_LABELS[algorithm], { quiet: o.progress === false || o.json === true });
  let barKey = "";
  const result = await ws.runWeightSharingSearch({
    algorithm,
    data,
    seed,
    settings,
    ...(channel === undefined ? {} : { channel }),
    ...(numCells === undefined ? {} : { numCells }),
    trackRunningStats,
    device,
    maxSteps,
    evalBatches,
    subset,
    ...(checkpointPath === undefined ? {} : { checkpointPath }),
    resume: o.resume ?? false,
    onProgress: (p) => {
      const key = `${p.epoch}:${p.phase}`;
      const label = `epoch ${p.epoch + 1}/${p.epochs} ${p.phase.padEnd(10)} loss ${p.loss === undefined ? "-" : p.loss.toFixed(3)}`;
      if (key !== barKey) bar.start(p.steps, label);
      barKey = key;
      bar.update(p.step, label);
    },
    onEpoch: (e) => {
      bar.stop();
      barKey = "";
      if (!o.json) process.stderr.write(`${formatEpoch(e)}\n`);
    },
  });
  bar.stop();

  let benchmark: import("@aa-nas/engine/search-ws/bench-lookup.js").BenchmarkAccuracies | null = null;
  if (o.bench !== undefined) {
    const { NasBench } = await import("@aa-nas/core/bench/api.js");
    // NasBench.open reads SQLite through the store module, which registers its opener when loaded (bench/source.ts)
    await import("@aa-nas/core/bench/store.js");
    // a store of the other space is refused, not misread
    const bench = NasBench.open(o.bench, { space });
    try {
      benchmark = ws.lookupBenchmark(bench, result.genotype.index, String(searchSpace(space).fullTrainEpochs));
    } finally {
      bench.close();
    }
  }
  const run = { trackRunningStats, channel: result.channel, numCells: result.numCells, subset };
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ ...result, ...run, benchmark })}\n`);
    return;
  }
  process.stdout.write(formatResult(result, run, benchmark));
}

type SearchResultLike = Awaited<ReturnType<typeof import("@aa-nas/engine/search-ws/runner.js").runWeightSharingSearch>>;
type EpochLike = SearchResultLike["history"][number];

const pct = (v: number | null | undefined): string => (v === null || v === undefined ? "  –  " : v.toFixed(2).padStart(6));

export function formatEpoch(e: EpochLike): string {
  const parts = [`epoch ${String(e.epoch).padStart(3)}`, `loss ${e.searchLoss.toFixed(3)}`, `acc ${pct(e.searchAcc)}%`];
  if (e.archAcc !== undefined) parts.push(`arch ${pct(e.archAcc)}%`);
  if (e.validAcc !== undefined) parts.push(`valid ${pct(e.validAcc)}%`);
  if (e.extra?.tau !== undefined) parts.push(`tau ${e.extra.tau.toFixed(2)}`);
  if (e.extra?.controller === 0) parts.push(`warm-up p(full) ${(e.extra.warmup ?? 0).toFixed(2)}`);
  if (e.extra?.baseline !== undefined) parts.push(`baseline ${e.extra.baseline.toFixed(2)}`);
  parts.push(`${e.seconds.toFixed(1)} s`, `${e.genotype.arch} (${e.genotype.index})`);
  return parts.join("  ");
}

export function formatResult(
  r: SearchResultLike,
  run: { trackRunningStats: boolean; channel: number; numCells: number; subset: number | null },
  bench: import("@aa-nas/engine/search-ws/bench-lookup.js").BenchmarkAccuracies | null,
): string {
  const lines = [
    `${r.label} on ${r.dataset}${run.subset === null ? "" : ` (first ${run.subset} images per half)`}, seed ${r.seed}, ${r.epochs} epoch${r.epochs === 1 ? "" : "s"}, ` +
      `${r.space === "sss" ? `size space, supernet width ${run.channel}` : `C=${run.channel} N=${run.numCells}`} BN=${run.trackRunningStats ? 1 : 0}` +
      `${r.resumedFrom === null ? "" : `, resumed after epoch ${r.resumedFrom}`}: ${r.searchSeconds.toFixed(1)} s`,
    `genotype  ${r.genotype.arch}`,
    `index     ${r.genotype.index}`,
  ];
  if (r.selectionAcc !== undefined) lines.push(`selected on one valid batch with ${r.selectionAcc.toFixed(2)}% top-1`);
  if (r.alphas !== undefined && r.space === "sss") {
    lines.push(`softmax(α) per position (widths ${SIZE_CANDIDATES.join(", ")}):`);
    r.alphas.forEach((row, k) => lines.push(`  C${k + 1}  ${row.map((p) => p.toFixed(4)).join("  ")}`));
  } else if (r.alphas !== undefined) {
    lines.push("softmax(α) per edge (none, skip, conv1x1, conv3x3, avgpool):");
    const edges = ["1<-0", "2<-0", "2<-1", "3<-0", "3<-1", "3<-2"];
    r.alphas.forEach((row, e) => lines.push(`  ${edges[e]}  ${row.map((p) => p.toFixed(4)).join("  ")}`));
  }
  if (bench !== null) {
    const columns = SEARCH_DATASETS.map((d) => `${datasetInfo(d).title} valid ${pct(bench.table[d].valid)} test ${pct(bench.table[d].test)}`);
    lines.push(`benchmark (hp ${bench.hp}, mean over trials): ${columns.join(" | ")}`);
    for (const m of bench.missing) lines.push(`  not in the store: ${m}`);
  }
  return `${lines.join("\n")}\n`;
}
