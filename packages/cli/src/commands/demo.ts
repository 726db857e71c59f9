/**
 * `aa-nas demo`, the README's main job: the whole generation pipeline in miniature on the embedded Fashion-MNIST
 * (Debian's dataset-fashion-mnist): train a handful of architectures briefly, merge the records into a benchmark store,
 * print the table and name the best architecture. Re-running it resumes or reuses what is already trained. Training
 * needs the engine, imported inside the action.
 */
import { join } from "node:path";
import type { Command } from "commander";
import { BenchStore } from "@aa-nas/core/bench/store.js";
import { EMBEDDED_DATASET } from "@aa-nas/core/registry/index.js";
import { mergeRecords } from "@aa-nas/engine/pipeline/merge.js";
import { archAt, uniqueStr } from "@aa-nas/core/space/index.js";
import { DATA_DIR_HELP, dataLocation, integerOption, parseArchSelection, parseHp, parseSeeds } from "../options.js";
import { progressBar } from "../progress.js";
import { checkOutputFolder } from "../output-path.js";

interface DemoCliOptions {
  out: string;
  archs: string[];
  hp: string;
  trainSubset: number;
  evalSubset: number;
  seed: string;
  dataDir?: string;
  json?: boolean;
  progress?: boolean;
}

const DATASET = EMBEDDED_DATASET;

export function registerDemoCommands(program: Command): void {
  program
    .command("demo")
    .description("the main job on the embedded Fashion-MNIST: train a handful of archs briefly, merge, print the table")
    .option("--out <dir>", "working directory", "aa-nas-demo")
    .option("--archs <indexes...>", "arch indexes to train", ["11472", "1462", "1835", "0", "284"])
    .option("--hp <epochs>", "epochs of the cosine schedule", "4")
    .option("--train-subset <n>", "training images", integerOption("--train-subset"), 3072)
    .option("--eval-subset <n>", "test images", integerOption("--eval-subset"), 1000)
    .option("--seed <seed>", "seed", "777")
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .option("--json", "print the results as one JSON object (the store, every arch's numbers, the best)")
    .option("--no-progress", "no progress or per-epoch lines on stderr")
    .action(demoCommand);
}

async function demoCommand(o: DemoCliOptions): Promise<void> {
  checkOutputFolder(o.out);
  const archIndexes = o.archs.map((a) => parseArchSelection({ archIndex: a })[0]!);
  const hp = parseHp(o.hp);
  const seed = parseSeeds(o.seed)[0]!;
  const [{ trainRange }, { defaultReplicas }] = await Promise.all([import("@aa-nas/engine/pipeline/train-range.js"), import("@aa-nas/engine/train/train-run.js")]);
  const started = Date.now();
  const resultsDir = join(o.out, "results");
  const dbPath = join(o.out, "demo-bench.sqlite");
  const bar = progressBar("demo", { quiet: o.progress === false });
  bar.log(
    `aa-nas demo: ${archIndexes.length} architectures × ${hp} epochs on ${o.trainSubset} Fashion-MNIST training images ` +
      `(evaluated on ${o.evalSubset} test images); results in ${o.out}/`,
  );
  let done = 0;
  await trainRange({
    archIndexes,
    seeds: [seed],
    datasets: [DATASET],
    hp,
    mode: "new",
    outDir: resultsDir,
    data: dataLocation(o),
    replicas: defaultReplicas("cpu"),
    trainSubset: o.trainSubset,
    evalSubset: o.evalSubset,
    events: {
      onPairStart: (e) => {
        if (e.done === 0) bar.start(e.total * Number(hp), `arch ${e.archIndex}`);
        done = e.done * Number(hp);
        bar.update(done, `arch ${e.archIndex}${e.skipped ? " (already trained)" : ""}`);
      },
      onEpoch: (e) => {
        bar.update(done + e.epoch + 1, `arch ${e.archIndex} epoch ${e.epoch + 1}/${e.epochs}`);
        const c = e.record.evals["ori-test"];
        bar.log(
          `  arch ${String(e.archIndex).padStart(5)} epoch ${e.epoch + 1}/${e.epochs}: train top-1 ${e.record.train.acc1![e.epoch]!.toFixed(2)}%` +
            (c ? `, test top-1 ${c.acc![c.acc!.length - 1]!.toFixed(2)}%` : ""),
        );
      },
    },
  });
  bar.stop();
  const report = mergeRecords({ inputs: [resultsDir], out: dbPath, onConflict: "replace" });
  const store = BenchStore.open(dbPath);
  try {
    const rows = store
      .finalRows(hp, DATASET)
      .filter((r) => archIndexes.includes(r.arch_index) && r.seed === seed)
      .sort((a, b) => (b.oritest_acc ?? -1) - (a.oritest_acc ?? -1));
    const lines = [
      "",
      `benchmark store ${dbPath}: ${report.inserted} run(s) added, ${report.unchanged} already present`,
      "",
      "index  test top-1  train top-1  params MB  MFLOPs    train s  arch (isomorphism class)",
      ...rows.map((r) =>
        [
          String(r.arch_index).padStart(5),
          `${(r.oritest_acc ?? Number.NaN).toFixed(2)}%`.padStart(11),
          `${(r.train_acc ?? Number.NaN).toFixed(2)}%`.padStart(12),
          r.params.toFixed(6).padStart(10),
          r.flops.toFixed(3).padStart(9),
          (r.train_time_total ?? Number.NaN).toFixed(1).padStart(9),
          ` ${archAt(r.arch_index)}  (${uniqueStr(archAt(r.arch_index), true)})`,
        ].join(" "),
      ),
    ];
    const best = rows[0];
    if (o.json === true) {
      const results = rows.map((r) => ({
        archIndex: r.arch_index,
        arch: archAt(r.arch_index),
        testAccuracy: r.oritest_acc,
        trainAccuracy: r.train_acc,
        params: r.params,
        flops: r.flops,
        trainSeconds: r.train_time_total,
      }));
      const summary = { store: dbPath, dataset: DATASET, hp, seed, added: report.inserted, unchanged: report.unchanged, results, best: results[0] ?? null };
      process.stdout.write(`${JSON.stringify({ ...summary, seconds: (Date.now() - started) / 1000 })}\n`);
      return;
    }
    if (best) {
      lines.push("", `best architecture: index ${best.arch_index} ${archAt(best.arch_index)} — ${best.oritest_acc!.toFixed(2)}% test top-1`);
    }
    lines.push(`done in ${((Date.now() - started) / 1000).toFixed(1)} s. Query it: npx aa-nas query ${best?.arch_index ?? 0} --bench ${dbPath} --dataset ${DATASET} --hp ${hp}`);
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    store.close();
  }
}
