/**
 * `aa-nas demo`, the README's main job: the whole generation pipeline in miniature on the embedded Fashion-MNIST
 * (Debian's dataset-fashion-mnist): train a handful of architectures briefly, merge the records into a benchmark store,
 * print the table and name the best architecture. Re-running it resumes or reuses what is already trained.
 */
import { join } from "node:path";
import { BenchStore } from "../bench/store.js";
import { EMBEDDED_DATASET } from "../core/index.js";
import { defaultDataDir } from "../data/training-data.js";
import { archAt, uniqueStr } from "../space/index.js";
import { progressBar } from "../cli/progress.js";
import { mergeRecords } from "./merge.js";
import { trainRange } from "./train-range.js";

export interface DemoOptions {
  out: string;
  archIndexes: number[];
  hp: string;
  trainSubset: number;
  evalSubset: number;
  seed: number;
  dataDir?: string;
}

const DATASET = EMBEDDED_DATASET;

export async function demoCommand(o: DemoOptions): Promise<void> {
  const started = Date.now();
  const resultsDir = join(o.out, "results");
  const dbPath = join(o.out, "demo-bench.sqlite");
  const bar = progressBar("demo");
  bar.log(
    `aa-nas demo: ${o.archIndexes.length} architectures × ${o.hp} epochs on ${o.trainSubset} Fashion-MNIST training images ` +
      `(evaluated on ${o.evalSubset} test images); results in ${o.out}/`,
  );
  let done = 0;
  await trainRange({
    archIndexes: o.archIndexes,
    seeds: [o.seed],
    datasets: [DATASET],
    hp: o.hp,
    mode: "new",
    outDir: resultsDir,
    data: { dataDir: o.dataDir ?? defaultDataDir() },
    trainSubset: o.trainSubset,
    evalSubset: o.evalSubset,
    events: {
      onPairStart: (e) => {
        if (e.done === 0) bar.start(e.total * Number(o.hp), `arch ${e.archIndex}`);
        done = e.done * Number(o.hp);
        bar.update(done, `arch ${e.archIndex}${e.skipped ? " (already trained)" : ""}`);
      },
      onEpoch: (e) => {
        bar.update(done + e.epoch + 1, `arch ${e.archIndex} epoch ${e.epoch + 1}/${e.epochs}`);
        const c = e.record.evals["ori-test"];
        bar.log(
          `  arch ${String(e.archIndex).padStart(5)} epoch ${e.epoch + 1}/${e.epochs}: train top-1 ${e.record.train.acc1[e.epoch]!.toFixed(2)}%` +
            (c ? `, test top-1 ${c.acc[c.acc.length - 1]!.toFixed(2)}%` : ""),
        );
      },
    },
  });
  bar.stop();
  const report = mergeRecords({ inputs: [resultsDir], out: dbPath, onConflict: "replace" });
  const store = BenchStore.open(dbPath);
  try {
    const rows = store
      .finalRows(o.hp, DATASET)
      .filter((r) => o.archIndexes.includes(r.arch_index) && r.seed === o.seed)
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
    if (best) {
      lines.push("", `best architecture: index ${best.arch_index} ${archAt(best.arch_index)} — ${best.oritest_acc!.toFixed(2)}% test top-1`);
    }
    lines.push(`done in ${((Date.now() - started) / 1000).toFixed(1)} s. Query it: npx aa-nas query ${best?.arch_index ?? 0} --bench ${dbPath} --dataset ${DATASET} --hp ${o.hp}`);
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    store.close();
  }
}
