/**
 * The generation pipeline's commands: `train` (ranges with resume), `merge` (records → store) and `demo` (the README's
 * main job). Training needs the native engine, which is imported inside the actions so the rest of the CLI works
 * without libtorch.
 */
import type { Command } from "commander";
import { listChoices, UserError } from "../../errors.js";
import { jobPlan } from "../../space/index.js";
import { parseRange, parseSeeds } from "../../pipeline/plan.js";
import { mergeRecords, type MergeReport } from "../../pipeline/merge.js";
import { DATASET_KEYS, RECORD_DATASET_KEYS } from "../../core/index.js";
import { progressBar } from "../progress.js";
import { integerOption } from "../options.js";

export function registerPipelineCommands(program: Command): void {
  program
    .command("train")
    .description("train index ranges of architectures × seeds × datasets into one record file per (arch, seed), resumable")
    .option("--range <A-B>", "arch index range, inclusive (e.g. 0-389; see `aa-nas meta` for the original job plan)")
    .option("--arch-index <i>", "a single arch index")
    .requiredOption("--seeds <seeds...>", "seeds, e.g. 777 888 999")
    .requiredOption("--datasets <keys...>", `dataset keys: ${RECORD_DATASET_KEYS.join(", ")}`)
    .requiredOption("--hp <epochs>", "schedule length: 12 or 200 for the benchmark (any positive number of epochs)")
    .option("--mode <mode>", "new: skip finished (arch, seed) records; cover: train them again", "new")
    .requiredOption("--out <dir>", "results directory")
    .option("--data-dir <dir>", "dataset directory (default $AA_NAS_DATA, $TORCH_HOME/cifar.python or ~/.cache/aa-nas/data)")
    .option("--channel <C>", "channels of the first stage", integerOption("--channel"), 16)
    .option("--num-cells <N>", "cells per stage", integerOption("--num-cells"), 5)
    .option("--train-subset <n>", "train on the first n images only (quick runs)", integerOption("--train-subset"))
    .option("--eval-subset <n>", "evaluate on the first n images of each eval set", integerOption("--eval-subset"))
    .option("--device <device>", "cpu or cuda", "cpu")
    .option("--save-weights", "save final weights (safetensors) next to the records")
    .option("--json", "print a JSON summary on stdout")
    .action(async (o: TrainCliOptions) => {
      const archIndexes = archSelection(o);
      if (o.mode !== "new" && o.mode !== "cover") throw new UserError(`--mode must be 'new' or 'cover', got '${o.mode}'`);
      const { trainCommand } = await import("../../pipeline/train-cli.js");
      await trainCommand({ ...o, archIndexes, seeds: parseSeeds(o.seeds), mode: o.mode });
    });

  program
    .command("merge")
    .description("merge record files into the benchmark store (idempotent) and report what is missing or damaged")
    .argument("<results...>", "results directories (or record files) written by `aa-nas train`")
    .requiredOption("--out <db>", "benchmark store (SQLite) to create or extend")
    .option("--on-conflict <mode>", "when a stored run differs from the record: error, replace or skip", "error")
    .option("--time-correction", "apply the v1.1 / NATS pseudo-time correction (spec §5.5)")
    .option("--expect-range <A-B>", "report (arch, seed, dataset) triples of this range that are missing")
    .option("--expect-seeds <seeds...>", "seeds expected (with --expect-range)", ["777", "888", "999"])
    .option("--expect-datasets <keys...>", "datasets expected (with --expect-range)", [...DATASET_KEYS])
    .option("--hp <epochs>", "hp expected (with --expect-range)", "200")
    .option("--json", "print the report as JSON")
    .action((inputs: string[], o: MergeCliOptions) => {
      if (!["error", "replace", "skip"].includes(o.onConflict)) {
        throw new UserError(`--on-conflict must be ${listChoices(["error", "replace", "skip"])}, got '${o.onConflict}'`);
      }
      const report = mergeRecords({
        inputs,
        out: o.out,
        onConflict: o.onConflict as "error" | "replace" | "skip",
        timeCorrection: o.timeCorrection === true,
        ...(o.expectRange
          ? { expect: { archIndexes: parseRange(o.expectRange), seeds: parseSeeds(o.expectSeeds), datasets: o.expectDatasets, hp: o.hp } }
          : {}),
      });
      printMergeReport(report, o.out, o.json === true);
      if (report.corrupt.length > 0) process.exitCode = 2;
    });

  program
    .command("demo")
    .description("the main job on the embedded Fashion-MNIST: train a handful of archs briefly, merge, print the table")
    .option("--out <dir>", "working directory", "aa-nas-demo")
    .option("--archs <indexes...>", "arch indexes to train", ["11472", "1462", "1835", "0", "284"])
    .option("--hp <epochs>", "epochs of the cosine schedule", "4")
    .option("--train-subset <n>", "training images", integerOption("--train-subset"), 3072)
    .option("--eval-subset <n>", "test images", integerOption("--eval-subset"), 1000)
    .option("--seed <seed>", "seed", "777")
    .option("--data-dir <dir>", "folder with Fashion-MNIST IDX files (default: Debian's dataset-fashion-mnist)")
    .action(async (o: DemoCliOptions) => {
      const { demoCommand } = await import("../../pipeline/demo.js");
      await demoCommand({
        out: o.out,
        archIndexes: o.archs.map((a) => archSelection({ archIndex: a })[0]!),
        hp: o.hp,
        trainSubset: o.trainSubset,
        evalSubset: o.evalSubset,
        seed: parseSeeds([o.seed])[0]!,
        ...(o.dataDir ? { dataDir: o.dataDir } : {}),
      });
    });
}

export interface TrainCliOptions {
  range?: string;
  archIndex?: string;
  seeds: string[];
  datasets: string[];
  hp: string;
  mode: string;
  out: string;
  dataDir?: string;
  channel: number;
  numCells: number;
  trainSubset?: number;
  evalSubset?: number;
  device: string;
  saveWeights?: boolean;
  json?: boolean;
}

interface MergeCliOptions {
  out: string;
  onConflict: string;
  timeCorrection?: boolean;
  expectRange?: string;
  expectSeeds: string[];
  expectDatasets: string[];
  hp: string;
  json?: boolean;
}

interface DemoCliOptions {
  out: string;
  archs: string[];
  hp: string;
  trainSubset: number;
  evalSubset: number;
  seed: string;
  dataDir?: string;
}

function archSelection(o: { range?: string; archIndex?: string }): number[] {
  if (o.range !== undefined && o.archIndex !== undefined) throw new UserError("give either --range or --arch-index, not both");
  if (o.archIndex !== undefined) {
    const r = parseRange(`${o.archIndex}-${o.archIndex}`);
    return r;
  }
  if (o.range !== undefined) return parseRange(o.range);
  const first = jobPlan()[0]!;
  throw new UserError(`give --range A-B (e.g. --range ${first.start}-${first.end}) or --arch-index I`);
}

function printMergeReport(r: MergeReport, out: string, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    return;
  }
  const log = progressBar("merge");
  log.log(
    `merged ${r.files} record file(s) into ${out}: ${r.inserted} run(s) added, ${r.unchanged} already present, ` +
      `${r.replaced} replaced, ${r.skipped} skipped`,
  );
  for (const c of r.corrupt) log.log(`aa-nas: ${c.error}`);
  if (r.uncorrected.length) log.log(`time correction skipped for ${r.uncorrected.length} arch(s) without a 12-epoch cifar10-valid seed-777 run`);
  if (r.missing.length) {
    log.log(`${r.missing.length} (arch, seed, dataset) triple(s) missing, e.g.:`);
    for (const m of r.missing.slice(0, 10)) log.log(`  arch ${m.archIndex} seed ${m.seed} ${m.dataset}`);
  }
}
