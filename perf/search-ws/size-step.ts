// Size-search step throughput (TAS, FBNet-V2, TuNAS: one weight step + one architecture step, controller on), aa-nas
// (libtorch via N-API) against the same steps in Debian PyTorch (test/search-ws/reference/size_supernet_reference.py,
// which CI holds bit-identical to ours), in the same run and alternating rounds so both see the same load.
//   npx tsc -p perf/search-ws/tsconfig.json && node dist/perf-search-ws/perf/search-ws/size-step.js [options]
// Options: --batch 64 --hw 32 --steps 5 --warmup 2 --rounds 2 --threads <n> --quick
// Prints a markdown table (docs/performance/search-ws.md).
import { SGD, getNumThreads, libtorchVersion, manualSeed, randint, randn, setNumThreads } from "../../packages/engine/src/tensor/index.js";
import { SSS_WS_ALGORITHMS, WS_ALGORITHM_LABELS, defaultSettings, type SizeWsAlgorithm } from "../../packages/engine/src/search-ws/settings.js";
import { SizeSupernet } from "../../packages/engine/src/search-ws/size-supernet.js";
import { controllerMode, createSizeArchOptimizer, sizeArchStep, sizeWeightStep } from "../../packages/engine/src/search-ws/size-search.js";
import { args, flag, median, pythonBench, quick, type PythonBench } from "./bench-common.js";
import { BiasCorrectedEma } from "../../packages/core/src/search/ema.js";

const batch = flag("batch", quick ? 16 : 64);
const hw = flag("hw", quick ? 16 : 32);
const steps = flag("steps", quick ? 2 : 5);
const warmup = flag("warmup", quick ? 1 : 2);
const rounds = flag("rounds", quick ? 1 : 2);
if (args.includes("--threads")) setNumThreads(flag("threads", 1));
const threads = getNumThreads();
const CLASSES = 10;
const IN_CH = 3;


function oursSeconds(algorithm: SizeWsAlgorithm): number[] {
  manualSeed(0);
  const net = new SizeSupernet({ numClasses: CLASSES, inputChannels: IN_CH });
  net.setTau(5);
  net.train();
  const settings = defaultSettings(algorithm);
  const wOpt = new SGD(net.weights(), { lr: 0.025, momentum: 0.9, weightDecay: 5e-4, nesterov: true });
  const aOpt = createSizeArchOptimizer(net, { ...settings.arch, weightDecay: 1e-3 });
  const baseline = new BiasCorrectedEma(0.95);
  const base = { inputs: randn([batch, IN_CH, hw, hw]).keep(), targets: randint(0, CLASSES, [batch], { dtype: "int64" }).keep() };
  const arch = { inputs: randn([batch, IN_CH, hw, hw]).keep(), targets: randint(0, CLASSES, [batch], { dtype: "int64" }).keep() };
  const archTargets = Int32Array.from(arch.targets.toArray() as BigInt64Array, Number);
  const mode = controllerMode(algorithm);
  const times: number[] = [];
  for (let i = 0; i < warmup + steps; i++) {
    const t0 = process.hrtime.bigint();
    sizeWeightStep(net, wOpt, base, mode);
    sizeArchStep(net, aOpt, arch, archTargets, mode, { algorithm, enabled: true, baseline, classNum: CLASSES });
    if (i >= warmup) times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  for (const t of [base.inputs, base.targets, arch.inputs, arch.targets]) t.dispose();
  wOpt.dispose();
  aOpt.dispose();
  net.dispose();
  return times;
}

function pythonSeconds(algorithm: SizeWsAlgorithm): PythonBench {
  return pythonBench("size_supernet_reference.py", { algorithm, classes: CLASSES, in_ch: IN_CH, batch, hw, threads, warmup, steps });
}

const results = new Map<SizeWsAlgorithm, { ours: number[]; py: number[] }>();
let version = "?";
for (let r = 0; r < rounds; r++) {
  for (const algorithm of SSS_WS_ALGORITHMS) {
    const entry = results.get(algorithm) ?? { ours: [], py: [] };
    entry.ours.push(median(oursSeconds(algorithm)));
    const p = pythonSeconds(algorithm);
    entry.py.push(median(p.seconds));
    version = p.version;
    results.set(algorithm, entry);
  }
}

console.log(`aa-nas: libtorch ${libtorchVersion()} via N-API, ${threads} threads, cpu; PyTorch ${version} (${threads} threads)`);
console.log(`size supernet (64 wide), ${IN_CH}×${hw}×${hw} input, batch ${batch}; per round the median of ${steps} steps after ${warmup} warm-up; ${rounds} alternating round(s), the median round shown\n`);
console.log("| step (weight + architecture) | aa-nas (Node) | PyTorch (Python) | aa-nas / PyTorch |");
console.log("|---|---|---|---|");
for (const [algorithm, r] of results) {
  const ours = batch / median(r.ours);
  const py = batch / median(r.py);
  console.log(`| ${WS_ALGORITHM_LABELS[algorithm]} | ${ours.toFixed(1)} img/s | ${py.toFixed(1)} img/s | ${(ours / py).toFixed(2)} |`);
}
