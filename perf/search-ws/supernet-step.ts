// Search-supernet step throughput, aa-nas (libtorch via N-API) against the same supernet in Debian PyTorch
// (test/search-ws/reference/supernet_reference.py), in the same run and alternating rounds so both see the same load.
//   npx tsc -p perf/search-ws/tsconfig.json && node dist/perf-search-ws/perf/search-ws/supernet-step.js [options]
// Options: --C 16 --N 5 --batch 64 --hw 32 --steps 5 --warmup 2 --rounds 2 --threads <n> --device cpu|cuda --quick
// Modes: darts-v1 = weight step (clip 5 over all parameters) + α step (Adam), both on the softmax(α)-weighted
// supernet; fixed = one weight step of a fixed cell (the RSPS / ENAS / SETN weight step).
// Prints a markdown table (docs/performance/search-ws.md).
import { SGD, cudaSynchronize, getNumThreads, libtorchVersion, manualSeed, randint, randn, setNumThreads, type Device } from "../../packages/engine/src/tensor/index.js";
import { archStep, createArchOptimizer, dartsWeights, weightStep } from "../../packages/engine/src/search-ws/darts.js";
import { defaultSettings } from "../../packages/engine/src/search-ws/settings.js";
import { Supernet } from "../../packages/engine/src/search-ws/supernet.js";
import { args, flag, median, pythonBench, quick, type PythonBench } from "./bench-common.js";

const device = (args.includes("--device") ? args[args.indexOf("--device") + 1] : "cpu") as Device;
const C = flag("C", quick ? 4 : 16);
const N = flag("N", quick ? 1 : 5);
const batch = flag("batch", quick ? 16 : 64);
const hw = flag("hw", 32);
const steps = flag("steps", quick ? 2 : 5);
const warmup = flag("warmup", quick ? 1 : 2);
const rounds = flag("rounds", quick ? 1 : 2);
if (args.includes("--threads")) setNumThreads(flag("threads", 1));
const threads = getNumThreads();
const CLASSES = 10;
const IN_CH = 3;
const FIXED_OPS = [3, 2, 1, 4, 3, 1];
const MODES = ["darts-v1", "fixed"] as const;
type Mode = (typeof MODES)[number];

const sync = (): void => {
  if (device !== "cpu") cudaSynchronize();
};

function oursSeconds(mode: Mode): number[] {
  manualSeed(0);
  const net = new Supernet({ C, N, numClasses: CLASSES, inputChannels: IN_CH, trackRunningStats: false });
  if (device !== "cpu") net.to(device);
  const settings = defaultSettings("darts-v1");
  const wOpt = new SGD(net.weights(), { lr: 0.025, momentum: 0.9, weightDecay: 5e-4, nesterov: true });
  const aOpt = createArchOptimizer(net, settings.arch);
  const base = { inputs: randn([batch, IN_CH, hw, hw], { device }).keep(), targets: randint(0, CLASSES, [batch], { device, dtype: "int64" }).keep() };
  const arch = { inputs: randn([batch, IN_CH, hw, hw], { device }).keep(), targets: randint(0, CLASSES, [batch], { device, dtype: "int64" }).keep() };
  const times: number[] = [];
  for (let i = 0; i < warmup + steps; i++) {
    const t0 = process.hrtime.bigint();
    if (mode === "darts-v1") {
      weightStep(net, wOpt, base, () => dartsWeights(net), 5);
      archStep(net, aOpt, arch, () => dartsWeights(net));
    } else {
      weightStep(net, wOpt, base, () => ({ kind: "fixed", ops: FIXED_OPS }), 5);
    }
    sync();
    if (i >= warmup) times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  for (const t of [base.inputs, base.targets, arch.inputs, arch.targets]) t.dispose();
  wOpt.dispose();
  aOpt.dispose();
  net.dispose();
  return times;
}

function pythonSeconds(mode: Mode): PythonBench {
  return pythonBench("supernet_reference.py", { seed: 0, C, N, classes: CLASSES, in_ch: IN_CH, track: 0, batch, hw, threads, warmup, steps, mode, device, ...(mode === "fixed" ? { ops: FIXED_OPS } : {}) });
}

const results = new Map<Mode, { ours: number[]; py: number[]; version: string }>();
for (let r = 0; r < rounds; r++) {
  for (const mode of MODES) {
    const entry = results.get(mode) ?? { ours: [], py: [], version: "" };
    entry.ours.push(median(oursSeconds(mode)));
    const p = pythonSeconds(mode);
    entry.py.push(median(p.seconds));
    entry.version = p.version;
    results.set(mode, entry);
  }
}

const version = [...results.values()][0]?.version ?? "?";
console.log(`aa-nas: libtorch ${libtorchVersion()} via N-API, ${threads} threads, device ${device}; PyTorch ${version} (${threads} threads)`);
console.log(`supernet C=${C} N=${N}, ${IN_CH}×${hw}×${hw} input, batch ${batch}; per round the median of ${steps} steps after ${warmup} warm-up; ${rounds} alternating round(s), the median round shown\n`);
console.log("| step | aa-nas (Node) | PyTorch (Python) | aa-nas / PyTorch |");
console.log("|---|---|---|---|");
for (const [mode, r] of results) {
  const ours = batch / median(r.ours);
  const py = batch / median(r.py);
  const label = mode === "darts-v1" ? "DARTS-V1 (weight step + α step)" : "fixed cell (RSPS/ENAS weight step)";
  console.log(`| ${label} | ${ours.toFixed(1)} img/s | ${py.toFixed(1)} img/s | ${(ours / py).toFixed(2)} |`);
}
