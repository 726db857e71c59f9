/**
 * `aa-nas train-net`: train one architecture as the benchmark did, writing records and final weights per seed.
 * The engine (libtorch) is imported inside the actions so the rest of the CLI runs without it.
 */
import type { Command } from "commander";
import { UserError } from "../../errors.js";
import { DATASET_KEYS, parseRecordDatasetKey, RECORD_DATASET_KEYS, type RecordDatasetKey } from "../../core/index.js";
import { defaultDataDir } from "../../data/training-data.js";
import type { EpochEvent, TrainProgress } from "../../train/train-run.js";
import { progressBar } from "../progress.js";
import { integerOption } from "../options.js";

function splitList(values: string[] | string): string[] {
  return (Array.isArray(values) ? values : [values]).flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) => v !== "");
}

function parseSeeds(values: string[]): number[] {
  return splitList(values).map((s) => {
    if (!/^\d+$/.test(s)) throw new UserError(`seed must be a non-negative integer, got '${s}'`);
    return Number(s);
  });
}

export function parseDevice(value: string): "cpu" | "cuda" | `cuda:${number}` {
  if (value === "cpu" || value === "cuda" || /^cuda:\d+$/.test(value)) return value as "cpu" | "cuda" | `cuda:${number}`;
  throw new UserError(`unknown device '${value}'; valid: 'cpu', 'cuda' or 'cuda:<index>'`);
}

interface TrainNetCliOptions {
  channel: number;
  numCells: number;
  datasets: string[];
  seeds: string[];
  hp: string;
  epochs?: number;
  dataDir: string;
  splitDir?: string;
  device: string;
  replicas?: number;
  out: string;
  trainSubset?: number;
  evalSubset?: number;
  json?: boolean;
}

function epochLine(e: EpochEvent & { seed: number; dataset: string }): string {
  const t = e.record.train;
  const evals = Object.entries(e.record.evals)
    .map(([name, c]) => `${name} ${c!.acc[c!.acc.length - 1]!.toFixed(2)}% (loss ${c!.loss[c!.loss.length - 1]!.toFixed(4)})`)
    .join(", ");
  return (
    `${e.dataset} seed ${e.seed} epoch ${e.epoch + 1}/${e.record.epochs}: train loss ${t.loss[e.epoch]!.toFixed(5)}, ` +
    `top-1 ${t.acc1[e.epoch]!.toFixed(2)}%, top-5 ${t.acc5![e.epoch]!.toFixed(2)}%, ${t.time![e.epoch]!.toFixed(1)} s; ${evals}`
  );
}

export function registerTrainNetCommands(program: Command): void {
  program
    .command("train-net")
    .description("train one architecture on dataset keys and seeds exactly as the benchmark did (spec §3); writes records and weights per seed")
    .argument("<arch>", "resnet, all_c3x3, all_c1x1, all_idnt, a benchmark index 0..15624, or an arch string")
    .option("--channel <n>", "channels of the first stage (C)", integerOption("--channel"), 16)
    .option("--num-cells <n>", "cells per stage (N)", integerOption("--num-cells"), 5)
    .option("--datasets <keys...>", `dataset keys: ${RECORD_DATASET_KEYS.join(", ")}`, [...DATASET_KEYS])
    .option("--seeds <seeds...>", "seeds (each trains every dataset key)", ["777", "888", "999"])
    .option("--hp <name>", "hyper-parameter setting: 12 or 200 epochs (also 01, 90)", "200")
    .option("--epochs <n>", "shorter cosine schedule of N epochs (the record's hp becomes N)", integerOption("--epochs"))
    .option("--data-dir <dir>", "folder with cifar-10-batches-py/, cifar-100-python/, ImageNet16/ and the split files", defaultDataDir())
    .option("--split-dir <dir>", "folder with the downloaded split files (default: the data dir)")
    .option("--device <device>", "cpu, cuda or cuda:<index>", "cpu")
    .option(
      "--replicas <n>",
      "CPU: split each batch over N one-thread replicas (default: one per thread, AA_NAS_THREADS or the CPU count); 1 = one replica on all threads",
      integerOption("--replicas"),
    )
    .option("--out <dir>", "output folder for arch-XXXXXX-seed-YYYY.{json,safetensors}", "aa-nas-train")
    .option("--train-subset <n>", "train on the first N images only (quick runs; not comparable to the benchmark)", integerOption("--train-subset"))
    .option("--eval-subset <n>", "evaluate on the first N images of each eval set only", integerOption("--eval-subset"))
    .option("--json", "machine-readable log: one JSON object per line on stdout")
    .action(async (archArg: string, opts: TrainNetCliOptions) => {
      const datasets: RecordDatasetKey[] = splitList(opts.datasets).map(parseRecordDatasetKey);
      const seeds = parseSeeds(opts.seeds);
      const device = parseDevice(opts.device);
      const [{ trainNet }, { checkDevice }] = await Promise.all([
        import("../../train/train-net.js"),
        import("../../engine/device.js"),
      ]);
      checkDevice(device);
      const bar = progressBar("train-net", { quiet: opts.json === true });
      let ticks = 0;
      const emit = (obj: object) => process.stdout.write(`${JSON.stringify(obj)}\n`);
      try {
        const { files } = await trainNet({
          arch: /^\d+$/.test(archArg) ? Number(archArg) : archArg,
          datasets,
          seeds,
          hp: opts.hp,
          epochs: opts.epochs,
          channel: opts.channel,
          numCells: opts.numCells,
          device,
          ...(opts.replicas === undefined ? {} : { replicas: opts.replicas }),
          dataDir: opts.dataDir,
          splitDir: opts.splitDir,
          out: opts.out,
          trainSubset: opts.trainSubset ?? null,
          evalSubset: opts.evalSubset ?? null,
          onStart: (s) => {
            const evalBatches = s.data.evals.reduce((n, e) => n + Math.ceil(e.indices.length / 256), 0);
            ticks = 0;
            bar.start(s.epochs * (Math.ceil(s.data.train.indices.length / 256) + evalBatches), `${s.dataset} seed ${s.seed}`);
            if (opts.json) emit({ event: "start", seed: s.seed, dataset: s.dataset, epochs: s.epochs, train: s.data.train.indices.length });
          },
          onProgress: (p) => bar.update(++ticks, progressLabel(p)),
          onEpoch: (e) => {
            if (opts.json) {
              const last = (c: { loss: number[]; acc: number[]; time: number[] | null }) => ({ loss: c.loss.at(-1), acc: c.acc.at(-1), time: c.time?.at(-1) });
              emit({
                event: "epoch",
                seed: e.seed,
                dataset: e.dataset,
                epoch: e.epoch,
                train: { loss: e.record.train.loss[e.epoch], acc1: e.record.train.acc1[e.epoch], acc5: e.record.train.acc5?.[e.epoch], time: e.record.train.time?.[e.epoch] },
                evals: Object.fromEntries(Object.entries(e.record.evals).map(([k, c]) => [k, last(c!)])),
                latency: e.record.latency,
              });
            } else {
              bar.log(epochLine(e));
            }
          },
        });
        bar.stop();
        if (opts.json) emit({ event: "done", files });
        else process.stderr.write(`wrote ${files.join(", ")}\n`);
      } finally {
        bar.stop();
      }
    });
}

function progressLabel(p: TrainProgress): string {
  const phase = p.phase === "train" ? `train loss ${p.loss?.toFixed(4) ?? "-"}` : `eval ${p.set ?? ""}`;
  return `epoch ${p.epoch + 1}/${p.epochs} | ${phase}`;
}
