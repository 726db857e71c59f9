// Engine benchmark: per-op call overhead and a conv-net training step, against Debian PyTorch in the same run.
//   npx tsc -p perf/engine/tsconfig.json && node dist/perf-engine/perf/engine/engine-bench.js [--device cuda] [--quick]
// Prints a markdown table (paste into docs/performance/engine.md).
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  F,
  SGD,
  cudaSynchronize,
  getNumThreads,
  libtorchVersion,
  manualSeed,
  ones,
  randint,
  randn,
  tidy,
  type Device,
} from "../../packages/engine/src/tensor/index.js";
import { N } from "../../packages/engine/src/tensor/native.js";
import { BenchNet } from "./bench-net.js";

const args = process.argv.slice(2);
const device = (args.includes("--device") ? args[args.indexOf("--device") + 1] : "cpu") as Device;
const quick = args.includes("--quick");
const CALLS = quick ? 2_000 : 20_000;
const BATCHES = quick ? [32] : device === "cpu" ? [64, 256] : [256, 1024];
const BLOCKS = quick ? 1 : 5;
const STEPS = quick ? 3 : device === "cpu" ? 8 : 30;
const WARMUP = quick ? 1 : 3;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const sync = (): void => {
  if (device !== "cpu") cudaSynchronize();
};

/** Best of 5 rounds, µs per call. */
function perCall(fn: () => void): number {
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    fn();
    sync();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e3 / CALLS);
  }
  return best;
}

function opOverheads(): { noop: number; rawAdd: number; add: number } {
  const a = ones([4], { device }).keep();
  const b = ones([4], { device }).keep();
  const n = N();
  const noop = perCall(() => {
    for (let i = 0; i < CALLS; i++) n.noop(i);
  });
  const rawAdd = perCall(() => {
    for (let i = 0; i < CALLS; i++) n.dispose(n.binary(0, a.handle, b.handle));
  });
  const add = perCall(() =>
    tidy(() => {
      for (let i = 0; i < CALLS; i++) a.add(b);
    }),
  );
  a.dispose();
  b.dispose();
  return { noop, rawAdd, add };
}

function trainStepSeconds(batch: number): number {
  manualSeed(0);
  const net = new BenchNet(BLOCKS).to(device);
  const opt = new SGD(net.parameters(), { lr: 0.1, momentum: 0.9, weightDecay: 5e-4, nesterov: true });
  const x = randn([batch, 3, 32, 32], { device }).keep();
  const y = randint(0, 10, [batch], { device }).keep();
  const times: number[] = [];
  for (let i = 0; i < WARMUP + STEPS; i++) {
    const t0 = process.hrtime.bigint();
    tidy(() => {
      const loss = F.crossEntropy(net.forward(x), y);
      opt.zeroGrad();
      loss.backward();
      opt.step();
      loss.item();
    });
    if (i >= WARMUP) times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  opt.dispose();
  net.dispose();
  x.dispose();
  y.dispose();
  return median(times);
}

interface PythonResult {
  version: string;
  threads: number;
  addUs: number;
  train: { batch: number; medianS: number }[];
}

function python(): PythonResult {
  const script = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..", "bench", "engine", "bench_net.py");
  const spec = { threads: getNumThreads(), device, calls: CALLS, batches: BATCHES, blocks: BLOCKS, steps: STEPS, warmup: WARMUP };
  const r = spawnSync(process.env.AA_NAS_PYTHON ?? "/usr/bin/python3", [script, JSON.stringify(spec)], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`PyTorch side failed: ${r.stderr || r.error?.message}`);
  return JSON.parse(r.stdout) as PythonResult;
}

const ours = opOverheads();
const train = BATCHES.map((b) => ({ batch: b, seconds: trainStepSeconds(b) }));
const py = python();

const fmt = (v: number, d = 2): string => v.toFixed(d);
console.log(`engine: libtorch ${libtorchVersion()} via N-API, ${getNumThreads()} threads, device ${device}; PyTorch ${py.version} (${py.threads} threads)`);
console.log(`net: BenchNet(${BLOCKS} blocks/stage), 32×32 input, SGD nesterov; median of ${STEPS} steps after ${WARMUP} warm-up\n`);
console.log("| measure | aa-nas (Node) | PyTorch (Python) | ratio PyTorch/aa-nas |");
console.log("|---|---|---|---|");
console.log(`| empty N-API call | ${fmt(ours.noop, 3)} µs | – | – |`);
console.log(`| add of two 4-element tensors, raw handle + dispose | ${fmt(ours.rawAdd)} µs | – | – |`);
console.log(`| add of two 4-element tensors (Tensor API, in tidy) | ${fmt(ours.add)} µs | ${fmt(py.addUs)} µs | ${fmt(py.addUs / ours.add)} |`);
for (const t of train) {
  const p = py.train.find((x) => x.batch === t.batch);
  const oursImgs = t.batch / t.seconds;
  const pyImgs = p ? t.batch / p.medianS : NaN;
  console.log(`| train step, batch ${t.batch} | ${fmt(oursImgs, 0)} img/s | ${fmt(pyImgs, 0)} img/s | ${fmt(oursImgs / pyImgs)} (aa-nas/PyTorch) |`);
}
