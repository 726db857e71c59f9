// Every weight-sharing algorithm end to end on CIFAR-style data (3×32×32, 10 classes, CIFAR-10 normalization and crop
// padding): one short epoch each with the paper's batch sizes, timing the training phase and the whole epoch.
// Uses the real CIFAR-10 (cifar10-valid split halves) with --data-dir <dir holding cifar-10-batches-py>, otherwise
// synthetic images (the throughput does not depend on pixel values).
//   npx tsc -p perf/search-ws/tsconfig.json && node dist/perf-search-ws/perf/search-ws/algorithms-epoch.js
// Options: --C 16 --N 5 --steps 3 --threads <n> --data-dir <dir> --subset <n> --quick
import { setNumThreads, getNumThreads } from "../../packages/engine/src/tensor/index.js";
import { loadSearchData, type SearchData } from "../../packages/engine/src/search-ws/search-data.js";
import { runWeightSharingSearch } from "../../packages/engine/src/search-ws/runner.js";
import { WS_ALGORITHMS, WS_ALGORITHM_LABELS, defaultSettings } from "../../packages/engine/src/search-ws/settings.js";
import { PyRandom } from "../../packages/core/src/space/index.js";
import { datasetInfo } from "../../packages/core/src/registry/index.js";

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : undefined);
const quick = args.includes("--quick");
const C = Number(opt("C") ?? (quick ? 4 : 16));
const N = Number(opt("N") ?? (quick ? 1 : 5));
const steps = Number(opt("steps") ?? (quick ? 1 : 3));
if (opt("threads") !== undefined) setNumThreads(Number(opt("threads")));

function syntheticCifar(count: number, seed: number): SearchData["train"] {
  const rng = new PyRandom(seed);
  const pixels = new Uint8Array(count * 3 * 32 * 32);
  for (let i = 0; i < pixels.length; i++) pixels[i] = rng.randbelow(256);
  const labels = Int32Array.from({ length: count }, () => rng.randbelow(10));
  return { set: { pixels, labels, count, channels: 3, height: 32, width: 32 }, indices: Int32Array.from({ length: count }, (_, i) => i) };
}

const dataDir = opt("data-dir");
const size = Number(opt("subset") ?? 1024);
const data: SearchData =
  dataDir === undefined
    ? { dataset: "cifar10", classNum: 10, shape: [3, 32, 32], norm: datasetInfo("cifar10").norm, pad: 4, train: syntheticCifar(size, 1), valid: syntheticCifar(size, 2) }
    : loadSearchData("cifar10", { dataDir, subset: size });

console.log(
  `${dataDir === undefined ? "synthetic CIFAR-style" : "CIFAR-10"} data (${data.train.indices.length} + ${data.valid.indices.length} images), supernet C=${C} N=${N}, ` +
    `${getNumThreads()} threads; one epoch of ${steps} training steps per phase, paper batch sizes, 5 candidates, 2 valid batches\n`,
);
console.log("| algorithm | batch | training phase s/step | img/s (training phase) | whole epoch s |");
console.log("|---|---|---|---|---|");
for (const algorithm of WS_ALGORITHMS) {
  const settings = defaultSettings(algorithm);
  settings.weight.epochs = 1;
  settings.selectNum = 5;
  settings.controller = { ...settings.controller, trainSteps: 1, numAggregate: steps, epochSamples: 5, numSamples: 5 };
  const r = await runWeightSharingSearch({ algorithm, data, seed: 1, settings, channel: C, numCells: N, maxSteps: steps, evalBatches: 2 });
  const e = r.history[0]!;
  const perStep = e.extra!.searchSeconds! / steps;
  // DARTS / GDAS / SETN steps see a base and an arch batch; ENAS's phase also holds its controller samples
  console.log(
    `| ${WS_ALGORITHM_LABELS[algorithm]} | ${settings.weight.batchSize} | ${perStep.toFixed(2)} | ${(settings.weight.batchSize / perStep).toFixed(1)} | ${e.seconds.toFixed(1)} |`,
  );
}
