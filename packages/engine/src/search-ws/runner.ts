/**
 * Runs one weight-sharing search end to end: seed, build the supernet of the algorithm's space (and ENAS's controller)
 * so the initial weights follow `torch.manual_seed(seed)` as the originals' `prepare_seed`, then the algorithm's
 * epochs with a checkpoint after each, and its final selection. Every random choice is drawn from (seed, epoch) — the data plans from CPython-
 * exact streams, libtorch's generator (Gumbel noise, controller samples) reseeded at each epoch start — so a search
 * resumed from the checkpoint of epoch e continues exactly as the uninterrupted one.
 */
import { performance } from "node:perf_hooks";
import type { Device } from "../tensor/device.js";
import { manualSeed } from "../tensor/runtime.js";
import { DEFAULT_CHANNEL, DEFAULT_NUM_CELLS } from "../models/structure.js";
import { tidy } from "../tensor/scope.js";
import { UserError } from "@aa-nas/core/errors.js";
import type { AlgorithmRun, EpochReport } from "./algorithm.js";
import { checkpointExists, loadSearchCheckpoint, saveSearchCheckpoint, type CheckpointContent, type RunIdentity } from "./checkpoint.js";
import { createWeightOptimizer, type SearchContext, type WsProgress } from "./context.js";
import { Controller } from "./controller.js";
import { createDarts } from "./darts.js";
import { createEnas } from "./enas.js";
import { createGdas } from "./gdas.js";
import { createRsps } from "./rsps.js";
import type { SearchData } from "./search-data.js";
import { createSetn } from "./setn.js";
import { TSS_WS_ALGORITHMS, WS_ALGORITHM_LABELS, defaultSettings, isSizeWsAlgorithm, wsAlgorithmSpace, type SizeWsAlgorithm, type WsAlgorithm, type WsSettings } from "./settings.js";
import { SizeSupernet, sizeGenotypeOf } from "./size-supernet.js";
import { createSizeSearch, type SizeSearchContext } from "./size-search.js";
import type { Module } from "../tensor/nn/module.js";
import type { SGD } from "../tensor/optim/sgd.js";
import type { Tensor } from "../tensor/tensor.js";
import { Supernet, genotypeOf, type Genotype } from "./supernet.js";
import { NUM_EDGES, OPS, SIZE_CELLS_PER_STAGE, SIZE_MAX_WIDTH, type SpaceName } from "@aa-nas/core/space/index.js";

export interface WsSearchOptions {
  algorithm: WsAlgorithm;
  data: SearchData;
  seed: number;
  /** defaults: `defaultSettings(algorithm)` */
  settings?: WsSettings;
  /** channels of the first stage (default DEFAULT_CHANNEL, the paper's 16) */
  channel?: number;
  /** search cells per stage (default DEFAULT_NUM_CELLS, the paper's 5) */
  numCells?: number;
  /** `--bn`: track_running_stats of the search cells' BatchNorms (default false, the scripts' `BN=0`) */
  trackRunningStats?: boolean;
  device?: Device;
  /** run only up to (excluding) this epoch — the schedules still span settings.weight.epochs */
  stopEpoch?: number;
  /** cap on the steps of each training phase per epoch (quick runs, tests) */
  maxSteps?: number | null;
  /** cap on the batches of each valid pass */
  evalBatches?: number | null;
  /** checkpoint file, rewritten after every epoch */
  checkpointPath?: string;
  /** continue from `checkpointPath` when it exists */
  resume?: boolean;
  /** recorded in the checkpoint identity (the data subset the caller applied) */
  subset?: number | null;
  onProgress?: (p: WsProgress) => void;
  onEpoch?: (e: WsEpochSummary) => void | Promise<void>;
}

export interface WsEpochSummary extends Omit<EpochReport, "ops"> {
  epoch: number;
  genotype: Genotype;
  /** softmax(α) per edge, where the algorithm has α */
  alphas?: number[][];
  seconds: number;
}

export interface WsSearchResult {
  algorithm: WsAlgorithm;
  /** the space the answer lies in: topology cells or size-space configs */
  space: SpaceName;
  /** the supernet's first-stage channels and cells per stage (size space: its width, 64, and 1) */
  channel: number;
  numCells: number;
  label: string;
  dataset: string;
  seed: number;
  epochs: number;
  /** epochs run by this call (after a resume: the remaining ones) */
  epochsRun: number;
  genotype: Genotype;
  selectionAcc?: number;
  history: WsEpochSummary[];
  /** seconds of search (training phases + per-epoch selection), summed over all epochs incl. before a resume */
  searchSeconds: number;
  /** final softmax(α), where the algorithm has α */
  alphas?: number[][];
  settings: WsSettings;
  resumedFrom: number | null;
}

type TssAlgorithm = (typeof TSS_WS_ALGORITHMS)[number];
const HAS_ALPHA: Record<TssAlgorithm, boolean> = { "darts-v1": true, "darts-v2": true, gdas: true, setn: true, enas: false, rsps: false };

/** libtorch seed of epoch e: distinct from the build seed and from every other epoch. */
export function epochTorchSeed(seed: number, epoch: number): bigint {
  return (BigInt(seed) << 20n) + BigInt(epoch) + 1n;
}

export async function runWeightSharingSearch(o: WsSearchOptions): Promise<WsSearchResult> {
  const settings = o.settings ?? defaultSettings(o.algorithm);
  const epochs = settings.weight.epochs;
  if (!Number.isInteger(epochs) || epochs < 1) throw new UserError(`epochs must be a positive integer, got ${epochs}`);
  const space = wsAlgorithmSpace(o.algorithm);
  if (space === "sss" && (o.channel !== undefined || o.numCells !== undefined)) {
    throw new UserError(`${WS_ALGORITHM_LABELS[o.algorithm]} searches the size space, whose supernet has every width at ${SIZE_MAX_WIDTH}: channel and numCells do not apply`);
  }
  const device = o.device ?? "cpu";
  const channel = space === "sss" ? SIZE_MAX_WIDTH : (o.channel ?? DEFAULT_CHANNEL);
  const numCells = space === "sss" ? SIZE_CELLS_PER_STAGE : (o.numCells ?? DEFAULT_NUM_CELLS);
  const trackRunningStats = o.trackRunningStats ?? false;
  const stopEpoch = Math.min(o.stopEpoch ?? epochs, epochs);

  manualSeed(o.seed);
  const common = {
    data: o.data,
    settings,
    seed: o.seed,
    device,
    maxSteps: o.maxSteps ?? null,
    evalBatches: o.evalBatches ?? null,
    progress: (p: WsProgress) => o.onProgress?.(p),
  };
  const algorithm = o.algorithm;
  const built = isSizeWsAlgorithm(algorithm)
    ? buildSizeSearch(algorithm, o.data, common, trackRunningStats)
    : buildTopologySearch(algorithm, o.data, common, { channel, numCells, trackRunningStats });
  const { net, run, wOptimizer } = built;
  const content: CheckpointContent = {
    modules: { net, ...run.parts().modules },
    optimizers: { wopt: wOptimizer, ...run.parts().optimizers },
  };
  const identity: RunIdentity = {
    algorithm: o.algorithm,
    dataset: o.data.dataset,
    seed: o.seed,
    epochs,
    channel,
    numCells,
    trackRunningStats,
    subset: o.subset ?? null,
  };

  let history: WsEpochSummary[] = [];
  let searchSeconds = 0;
  let startEpoch = 0;
  let resumedFrom: number | null = null;
  try {
    if (o.resume) {
      if (o.checkpointPath === undefined) throw new UserError("resume needs a checkpoint location (--save-dir)");
      if (checkpointExists(o.checkpointPath)) {
        const header = loadSearchCheckpoint<WsEpochSummary>(o.checkpointPath, content, identity);
        history = header.history;
        searchSeconds = header.searchSeconds;
        run.restore(header.state);
        startEpoch = header.epoch + 1;
        resumedFrom = header.epoch;
      }
    }
    for (let epoch = startEpoch; epoch < stopEpoch; epoch++) {
      manualSeed(epochTorchSeed(o.seed, epoch));
      const started = performance.now();
      const report = run.runEpoch(epoch);
      const seconds = (performance.now() - started) / 1000;
      searchSeconds += seconds;
      const { ops, ...rest } = report;
      const summary: WsEpochSummary = { ...rest, epoch, genotype: built.genotype(ops), seconds };
      const alphas = built.alphas();
      if (alphas !== null) summary.alphas = alphas;
      history.push(summary);
      if (o.checkpointPath !== undefined) {
        saveSearchCheckpoint(o.checkpointPath, content, { identity, epoch, history, searchSeconds, state: run.state() });
      }
      await o.onEpoch?.(summary);
      // let the event loop flush progress output and signals between epochs
      await new Promise((resolve) => setImmediate(resolve));
    }
    const last = history[history.length - 1];
    const finalStart = performance.now();
    manualSeed(epochTorchSeed(o.seed, epochs));
    const final = run.finish(last ? last.genotype.ops : null);
    searchSeconds += (performance.now() - finalStart) / 1000;
    const result: WsSearchResult = {
      algorithm: o.algorithm,
      space,
      channel,
      numCells,
      label: WS_ALGORITHM_LABELS[o.algorithm],
      dataset: o.data.dataset,
      seed: o.seed,
      epochs,
      epochsRun: stopEpoch - startEpoch,
      genotype: built.genotype(final.ops),
      history,
      searchSeconds,
      settings,
      resumedFrom,
    };
    if (final.selectionAcc !== undefined) result.selectionAcc = final.selectionAcc;
    const alphas = built.alphas();
    if (alphas !== null) result.alphas = alphas;
    return result;
  } finally {
    run.dispose();
    wOptimizer.dispose();
    built.dispose();
  }
}

type CommonContext = Omit<SearchContext, "net" | "wOptimizer" | "schedule">;

/** A search ready to run: its network, weight optimizer, algorithm, and how its answers read. */
interface BuiltSearch {
  net: Module;
  wOptimizer: SGD;
  run: AlgorithmRun;
  /** the genotype of an epoch's or the final choice (op indices for cells, width indices for size configs) */
  genotype(ops: readonly number[]): Genotype;
  /** softmax(α) per row, where the algorithm has α */
  alphas(): number[][] | null;
  dispose(): void;
}

/** The topology supernet (and ENAS's controller), built so the initial weights follow the seed as the originals'. */
function buildTopologySearch(
  algorithm: TssAlgorithm,
  data: SearchData,
  common: CommonContext,
  shape: { channel: number; numCells: number; trackRunningStats: boolean },
): BuiltSearch {
  const net = new Supernet({
    C: shape.channel,
    N: shape.numCells,
    numClasses: data.classNum,
    inputChannels: data.shape[0],
    trackRunningStats: shape.trackRunningStats,
    archParameters: HAS_ALPHA[algorithm],
  });
  const c = common.settings.controller;
  const controller =
    algorithm === "enas"
      ? new Controller({ numEdges: NUM_EDGES, numOps: OPS.length, lstmSize: c.lstmSize, lstmLayers: c.lstmLayers, tanhConstant: c.tanhConstant, temperature: c.temperature })
      : null;
  if (common.device !== "cpu") {
    net.to(common.device);
    controller?.to(common.device);
  }
  const { optimizer: wOptimizer, schedule } = createWeightOptimizer(net, common.settings);
  const ctx: SearchContext = { ...common, net, wOptimizer, schedule };
  return {
    net,
    wOptimizer,
    run: createAlgorithm(algorithm, ctx, controller),
    genotype: genotypeOf,
    alphas: () => (net.alpha === null ? null : softmaxRows(net.alpha)),
    dispose: () => {
      controller?.dispose();
      net.dispose();
    },
  };
}

/** The size space's channel-masked supernet (α drawn after the weights, as `set_algo` does). */
function buildSizeSearch(algorithm: SizeWsAlgorithm, data: SearchData, common: CommonContext, trackRunningStats: boolean): BuiltSearch {
  const net = new SizeSupernet({ numClasses: data.classNum, inputChannels: data.shape[0], trackRunningStats });
  if (common.device !== "cpu") net.to(common.device);
  const { optimizer: wOptimizer, schedule } = createWeightOptimizer(net, common.settings);
  const ctx: SizeSearchContext = { ...common, net, wOptimizer, schedule };
  return {
    net,
    wOptimizer,
    run: createSizeSearch(ctx, algorithm),
    genotype: sizeGenotypeOf,
    alphas: () => softmaxRows(net.alpha),
    dispose: () => net.dispose(),
  };
}

function createAlgorithm(algorithm: TssAlgorithm, ctx: SearchContext, controller: Controller | null): AlgorithmRun {
  switch (algorithm) {
    case "darts-v1":
      return createDarts(ctx, false);
    case "darts-v2":
      return createDarts(ctx, true);
    case "gdas":
      return createGdas(ctx);
    case "setn":
      return createSetn(ctx);
    case "rsps":
      return createRsps(ctx);
    case "enas":
      return createEnas(ctx, controller!);
  }
}

/** softmax(α) row by row, as plain numbers. */
function softmaxRows(alpha: Tensor): number[][] {
  const width = alpha.size(1);
  const values = Array.from(tidy(() => alpha.detach().softmax(-1).toFloat32Array()));
  return Array.from({ length: alpha.size(0) }, (_, r) => values.slice(r * width, (r + 1) * width));
}
