/**
 * `aa-nas train` (arch index ranges) and `aa-nas train-net` (one architecture, by name, index or string): the same
 * driver (`trainRange`), the same options and the same output — one checksummed record file per (arch, seed) and,
 * with --save-weights (always for train-net), one weights file per dataset key beside it. The engine is imported
 * inside the action so the rest of the CLI runs without libtorch.
 */
import type { Command } from "commander";
import { DATASET_KEYS, RECORD_DATASET_KEYS } from "@aa-nas/core/registry/index.js";
import { UserError } from "@aa-nas/core/errors.js";
import { resolveCell } from "@aa-nas/engine/models/cell-archs.js";
import { DEFAULT_CHANNEL, DEFAULT_NUM_CELLS } from "@aa-nas/engine/models/structure.js";
import type { SearchSpace } from "@aa-nas/core/space/index.js";
import { resolveSpaceArch } from "@aa-nas/engine/models/space-network.js";
import type { TrainRangeResult } from "@aa-nas/engine/pipeline/train-range.js";
import { DATA_DIR_HELP, SPACE_HELP, parseSpace, seedsFor, channelOption, numCellsOption, dataLocation, integerOption, parseArchSelection, parseChoice, parseDatasets, parseDevice, parseHp } from "../options.js";
import { progressBar } from "../progress.js";
import { checkOutputFolder } from "../output-path.js";

interface TrainCliOptions {
  space: string;
  seeds?: string[];
  datasets: string[];
  /** train requires it; train-net defaults to the space's full schedule */
  hp?: string;
  epochs?: number;
  mode: string;
  out: string;
  dataDir?: string;
  splitDir?: string;
  channel: number;
  numCells: number;
  trainSubset?: number;
  evalSubset?: number;
  device: string;
  replicas?: number;
  saveWeights?: boolean;
  json?: boolean;
}

/** train-net's seeds for an hp without a released seed set */
const TRAIN_NET_SEEDS = [777, 888, 999] as const;

/**
 * The options both commands share; `defaults` holds train-net's (train requires them). --seeds defaults, in both, to
 * the seeds the space's benchmark was trained with at that hp; train-net's --hp to the space's full schedule.
 */
function trainingOptions(c: Command, defaults?: { datasets: string[]; out: string }): Command {
  const opt = (flags: string, help: string, value?: string | string[]) =>
    defaults === undefined ? c.requiredOption(flags, help) : c.option(flags, help, value);
  const seedDefault = defaults === undefined ? "" : `, otherwise ${TRAIN_NET_SEEDS.join(" ")}`;
  c.option("--seeds <seeds...>", `seeds, e.g. 777 888 999 (each trains every dataset key); default: the benchmark's seeds of --hp (tss 200: 777 888 999; sss 01 and 90: 777, 12: 777 888 999)${seedDefault}`);
  opt("--datasets <keys...>", `dataset keys, trained in this order: ${RECORD_DATASET_KEYS.join(", ")}`, defaults?.datasets);
  if (defaults === undefined) c.requiredOption("--hp <epochs>", "schedule length in epochs: 12 or 200 for tss's benchmark, 01, 12 or 90 for sss's (any positive number)");
  else c.option("--hp <epochs>", "schedule length in epochs (any positive number); default: the benchmark's full schedule, 200 for tss, 90 for sss");
  opt("--out <dir>", "results folder: arch-XXXXXX-seed-YYYY.json records (and -<dataset>.safetensors weights)", defaults?.out);
  return c
    .option("--space <space>", SPACE_HELP, "tss")
    .option("--mode <mode>", "new: skip (arch, seed) pairs whose record is finished; cover: train them again", "new")
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .option("--split-dir <dir>", "folder with the downloaded split files (default: the data dir)")
    .option("--channel <C>", "channels of the first stage", channelOption, DEFAULT_CHANNEL)
    .option("--num-cells <N>", "cells per stage", numCellsOption, DEFAULT_NUM_CELLS)
    .option("--train-subset <n>", "train on the first n images only (quick runs; not comparable to the benchmark)", integerOption("--train-subset"))
    .option("--eval-subset <n>", "evaluate on the first n images of each eval set", integerOption("--eval-subset"))
    .option("--device <device>", "cpu, cuda or cuda:<index>", "cpu")
    .option(
      "--replicas <n>",
      "CPU: split each batch over n one-thread replicas (default: one per thread, AA_NAS_THREADS or the CPU count); 1 = one replica on all threads",
      integerOption("--replicas"),
    )
    .option("--json", "print a JSON summary on stdout");
}

export function registerTrainCommands(program: Command): void {
  trainingOptions(
    program
      .command("train")
      .description("train index ranges of architectures × seeds × datasets into one record file per (arch, seed), resumable")
      .option("--range <A-B>", "arch index range, inclusive (e.g. 0-389; see `aa-nas meta` for the original job plan)")
      .option("--arch-index <i>", "a single arch index")
      .option("--save-weights", "save each dataset key's final weights next to the record (for eval-net)"),
  ).action(async (o: TrainCliOptions & { range?: string; archIndex?: string }, cmd: Command) => {
    const space = spaceOf(o, cmd);
    await trainCommand(parseArchSelection(o, space.size), o, space);
  });

  trainingOptions(
    program
      .command("train-net")
      .description("train one architecture on dataset keys and seeds as the benchmark did (spec §3); writes records and weights as `train --save-weights`")
      .argument("<arch>", "resnet, all_c3x3, all_c1x1, all_idnt, a benchmark index 0..15624, or an arch string; with --space sss: a config like 8:16:24:32:40 or its index 0..32767")
      .option("--epochs <n>", "the same as --hp <n>", integerOption("--epochs")),
    { datasets: [...DATASET_KEYS], out: "aa-nas-train" },
  ).action(async (arch: string, o: TrainCliOptions, cmd: Command) => {
    if (o.epochs !== undefined) {
      if (cmd.getOptionValueSource("hp") === "cli" && o.hp !== String(o.epochs)) throw new UserError(`give --hp or --epochs, not both (--hp ${o.hp}, --epochs ${o.epochs})`);
      o.hp = String(o.epochs);
    }
    const space = spaceOf(o, cmd);
    // tss also takes the named cells (resnet, all_c3x3, …)
    const index = space.name === "sss" ? resolveSpaceArch(space.name, arch).index : resolveCell(arch).index;
    await trainCommand([index], { ...o, hp: o.hp ?? String(space.fullTrainEpochs), saveWeights: true }, space, TRAIN_NET_SEEDS);
  });
}

function spaceOf(o: TrainCliOptions, cmd: Command): SearchSpace {
  return parseSpace(o.space, (k) => cmd.getOptionValueSource(k) === "cli");
}

async function trainCommand(archIndexes: number[], o: TrainCliOptions, space: SearchSpace, fallbackSeeds?: readonly number[]): Promise<TrainRangeResult> {
  checkOutputFolder(o.out);
  const hp = parseHp(o.hp ?? "");
  const seeds = seedsFor(o.seeds, space, hp, fallbackSeeds);
  const datasets = parseDatasets(o.datasets);
  const mode = parseChoice(o.mode, "--mode", ["new", "cover"] as const);
  const [{ checkDevice }, { trainRange }, { defaultReplicas }] = await Promise.all([
    import("@aa-nas/engine/tensor/device.js"),
    import("@aa-nas/engine/pipeline/train-range.js"),
    import("@aa-nas/engine/train/train-run.js"),
  ]);
  const device = checkDevice(parseDevice(o.device));
  const pairs = progressBar("archs×seeds", { quiet: o.json === true });
  const epoch = progressBar("epoch", { quiet: o.json === true });
  const started = Date.now();
  const result = await trainRange({
    archIndexes,
    seeds,
    datasets,
    hp,
    mode,
    outDir: o.out,
    data: dataLocation(o),
    space: space.name,
    channel: o.channel,
    numCells: o.numCells,
    trainSubset: o.trainSubset ?? null,
    evalSubset: o.evalSubset ?? null,
    device,
    replicas: o.replicas ?? defaultReplicas(device),
    saveWeights: o.saveWeights === true,
    events: {
      onPairStart: (e) => {
        const label = `arch ${e.archIndex} seed ${e.seed}${e.skipped ? " (done, skipped)" : ""}`;
        if (e.done === 0) pairs.start(e.total, label);
        pairs.update(e.done, label);
      },
      onDatasetStart: (e) => {
        if (e.resumeEpoch > 0) pairs.log(`arch ${e.archIndex} seed ${e.seed} ${e.dataset}: resuming at epoch ${e.resumeEpoch}/${e.epochs}`);
      },
      onProgress: (p) => {
        if (p.batch === 1) epoch.start(p.batches, `${p.dataset} ${p.phase}${p.set ? ` ${p.set}` : ""} epoch ${p.epoch + 1}/${p.epochs}`);
        epoch.update(p.batch);
      },
      onEpoch: (e) => {
        const t = e.record.train;
        const evals = Object.entries(e.record.evals)
          .map(([set, c]) => `${set} ${c.acc![c.acc!.length - 1]!.toFixed(2)}%`)
          .join(", ");
        epoch.log(
          `arch ${e.archIndex} seed ${e.seed} ${e.dataset} epoch ${e.epoch + 1}/${e.epochs}: ` +
            `train loss ${t.loss![e.epoch]!.toFixed(4)} top1 ${t.acc1![e.epoch]!.toFixed(2)}%; ${evals}`,
        );
      },
    },
  });
  epoch.stop();
  pairs.stop();
  const summary = { ...result, seconds: (Date.now() - started) / 1000 };
  if (o.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else process.stderr.write(`trained ${result.written.length} record(s), skipped ${result.skipped.length} finished, in ${summary.seconds.toFixed(1)} s\n`);
  return result;
}
