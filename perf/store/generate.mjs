// Generates a full-size synthetic benchmark store: 15,625 archs × 4 datasets × 3 seeds, 200-epoch and 12-epoch curves,
// laid out like NATS-Bench tss (sparse 200-epoch eval sets, constant pseudo times). Values are random but deterministic.
// Usage: npm run build && node perf/store/generate.mjs [out.sqlite] [archCount]
import { performance } from "node:perf_hooks";
import { existsSync } from "node:fs";
import { BenchStore } from "../../packages/core/dist/bench/index.js";
import { archAt, archCosts } from "../../packages/core/dist/space/index.js";

const out = process.argv[2] ?? "/tmp/aa-nas-full.sqlite";
const archCount = Number(process.argv[3] ?? 15625);
const DATASETS = ["cifar10-valid", "cifar10", "cifar100", "ImageNet16-120"];
const CLASSES = { "cifar10-valid": 10, cifar10: 10, cifar100: 100, "ImageNet16-120": 120 };
const SEEDS = { 200: [777, 888, 999], 12: [111, 777, 888] };

let state = 12345;
const rand = () => {
  state = (state * 1103515245 + 12345) >>> 0;
  return state / 4294967296;
};
const curve = (n, start, end) => Array.from({ length: n }, (_, i) => start + ((end - start) * i) / n + rand());
const all = (n) => Array.from({ length: n }, (_, i) => i);

function run(archIndex, hp, dataset, seed) {
  const epochs = hp === "200" ? 200 : 12;
  const arch = archAt(archIndex);
  const cost = archCosts(arch, dataset);
  const e = all(epochs);
  const dense = (t) => ({ epochs: e, loss: curve(epochs, 2, 0.5), acc: curve(epochs, 20, 90), time: e.map(() => t), timeAllEpochs: e.map(() => t) });
  const last = (t) => ({ epochs: [epochs - 1], loss: [rand()], acc: [60 + 30 * rand()], time: [t], timeAllEpochs: e.map(() => t) });
  const evals = {};
  if (hp === "12") {
    if (dataset !== "cifar10") evals["x-valid"] = dense(2.55);
    if (dataset !== "cifar10-valid" && dataset !== "cifar10") evals["x-test"] = dense(0.51);
    evals["ori-test"] = dense(1.02);
  } else if (dataset === "cifar10-valid") {
    evals["x-valid"] = dense(2.55);
    evals["ori-test"] = last(1.02);
  } else if (dataset === "cifar10") {
    evals["ori-test"] = dense(1.02);
  } else {
    evals["ori-test"] = dense(1.02);
    evals["x-valid"] = last(0.51);
    evals["x-test"] = last(0.51);
  }
  return {
    archIndex,
    arch,
    hp,
    dataset,
    seed,
    epochs,
    params: cost.params,
    flops: cost.flops,
    latency: [0.01 + rand() / 100],
    config: { channel: 16, numCells: 5, classNum: CLASSES[dataset] },
    train: { loss: curve(epochs, 2, 0.2), acc1: curve(epochs, 20, 99), acc5: hp === "12" ? curve(epochs, 60, 100) : null, time: e.map(() => 7.22) },
    evals,
    provenance: { seedImputed: false, timesEstimated: true, device: null, source: "synthetic-full" },
  };
}

if (existsSync(out)) {
  console.error(`${out} exists; delete it first`);
  process.exit(1);
}
const t0 = performance.now();
const store = BenchStore.create(out);
const BATCH = 100;
for (let start = 0; start < archCount; start += BATCH) {
  const runs = [];
  for (let a = start; a < Math.min(archCount, start + BATCH); a++) {
    for (const hp of ["12", "200"]) for (const ds of DATASETS) for (const seed of SEEDS[hp]) runs.push(run(a, hp, ds, seed));
  }
  store.putRuns(runs);
  if ((start / BATCH) % 20 === 0) console.error(`${start + runs.length / 24}/${archCount} archs, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}
const tr = performance.now();
store.refreshRankings();
const rankingSeconds = (performance.now() - tr) / 1000;
const meta = store.meta();
store.close();
console.log(JSON.stringify({ out, archs: meta.archs, runs: meta.runs, seconds: (performance.now() - t0) / 1000, rankingSeconds }));
