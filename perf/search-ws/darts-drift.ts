// The long DARTS-V1 run of issue 8 (outside CI): does α drift towards the parameter-free ops (skip / pool / none), as
// the paper reports (DARTS collapsing to the all-skip cell)? Logs, per epoch, softmax(α) averaged over the six edges,
// the share of the parameter-free ops, the genotype and the losses; writes everything as JSON at the end.
//   npx tsc -p perf/search-ws/tsconfig.json && node dist/perf-search-ws/perf/search-ws/darts-drift.js [options]
// Options (defaults = the paper's DARTS-V1 on Fashion-MNIST): --algorithm darts-v1|darts-v2|gdas --dataset fashion-mnist
//   --subset <n> --epochs 50 --C 16 --N 5 --batch 64 --seed 1 --bn 0|1 --threads <n> --max-steps <n>
//   --eval-batches <n> --save-dir <dir> (checkpoint each epoch; rerun with --resume to continue) --out <file.json>
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setNumThreads } from "../../packages/engine/src/tensor/index.js";
import { defaultDataDir } from "../../packages/engine/src/data/training-data.js";
import { loadSearchData, parseWsDataset } from "../../packages/engine/src/search-ws/search-data.js";
import { runWeightSharingSearch, type WsEpochSummary } from "../../packages/engine/src/search-ws/runner.js";
import { defaultSettings, parseWsAlgorithm } from "../../packages/engine/src/search-ws/settings.js";
import { OPS } from "../../packages/core/src/space/index.js";

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : undefined);
const num = (name: string, fallback: number | null): number | null => (opt(name) === undefined ? fallback : Number(opt(name)));

const algorithm = parseWsAlgorithm(opt("algorithm") ?? "darts-v1");
const dataset = parseWsDataset(opt("dataset") ?? "fashion-mnist");
const subset = num("subset", null);
const seed = num("seed", 1)!;
if (opt("threads") !== undefined) setNumThreads(Number(opt("threads")));
const settings = defaultSettings(algorithm);
settings.weight.epochs = num("epochs", settings.weight.epochs)!;
settings.weight.batchSize = num("batch", settings.weight.batchSize)!;
const saveDir = opt("save-dir");
if (saveDir !== undefined) mkdirSync(saveDir, { recursive: true });
const out = opt("out") ?? `darts-drift-${algorithm}-${dataset}-seed${seed}.json`;

const PARAM_FREE = new Set(["none", "skip_connect", "avg_pool_3x3"]);
const meanOverEdges = (alphas: number[][]): number[] => OPS.map((_, k) => alphas.reduce((s, row) => s + row[k]!, 0) / alphas.length);

function line(e: WsEpochSummary): string {
  const mean = meanOverEdges(e.alphas ?? []);
  const free = mean.reduce((s, p, k) => s + (PARAM_FREE.has(OPS[k]!) ? p : 0), 0);
  const valid = e.validAcc === undefined ? "" : ` valid ${e.validAcc.toFixed(2)}%`;
  return (
    `epoch ${String(e.epoch).padStart(3)} loss ${e.searchLoss.toFixed(3)} acc ${e.searchAcc.toFixed(2)}%${valid} ` +
    `mean softmax(α) ${OPS.map((o, k) => `${o}=${mean[k]!.toFixed(4)}`).join(" ")} param-free=${free.toFixed(4)} ` +
    `${e.seconds.toFixed(0)} s ${e.genotype.arch} (${e.genotype.index})`
  );
}

const data = loadSearchData(dataset, { dataDir: opt("data-dir") ?? defaultDataDir(), subset });
console.log(
  `${algorithm} on ${dataset} (${data.train.indices.length} train / ${data.valid.indices.length} valid images), seed ${seed}, ` +
    `${settings.weight.epochs} epochs, C=${num("C", 16)} N=${num("N", 5)}, batch ${settings.weight.batchSize}`,
);
const result = await runWeightSharingSearch({
  algorithm,
  data,
  seed,
  settings,
  channel: num("C", 16)!,
  numCells: num("N", 5)!,
  trackRunningStats: opt("bn") === "1",
  maxSteps: num("max-steps", null),
  evalBatches: num("eval-batches", null),
  subset,
  ...(saveDir === undefined ? {} : { checkpointPath: join(saveDir, `${algorithm}-${dataset}-seed${seed}.safetensors`) }),
  resume: args.includes("--resume"),
  onEpoch: (e) => console.log(line(e)),
});
console.log(`final genotype ${result.genotype.arch} (index ${result.genotype.index}), ${result.searchSeconds.toFixed(0)} s`);
writeFileSync(out, JSON.stringify(result, null, 1));
console.log(`wrote ${out}`);
