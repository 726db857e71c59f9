// Training throughput of TinyNetwork C16 N5 (all-conv3x3 cell 1462 and ResNet cell 11472, batch 64 and 256) against the
// same network in Debian PyTorch, 2 threads each, every configuration in a fresh process (so peak RSS is per
// configuration), TS and PyTorch alternating; plus the data pipeline (augmented batch assembly) in images/s.
//   npx tsc -p perf/train/tsconfig.json && node dist/perf-train/perf/train/train-bench.js [--rounds R] [--steps S] [--quick] [--data-only] [--device cuda] [--threads T] [--only <name filter>]
// AA_NAS_PYTHON=python3 selects another reference PyTorch (default Debian's /usr/bin/python3).
// Prints a markdown table (docs/performance/train.md).
import { spawnSync } from "node:child_process";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { BatchAssembler } from "../../packages/engine/src/data/batch.js";
import { batchBounds, planEpoch } from "../../packages/engine/src/data/epoch-plan.js";
import {
  F,
  SGD,
  allReduce,
  broadcast,
  replicaWaitSeconds,
  createReplicaGroup,
  getNumThreads,
  joinReplicaGroup,
  libtorchVersion,
  manualSeed,
  randint,
  randn,
  setNumThreads,
  tensor,
  tidy,
  zeros,
  type Device,
  type Replica,
} from "../../packages/engine/src/tensor/index.js";
import { TinyNetwork } from "../../packages/engine/src/models/tiny-network.js";
import { archAt } from "../../packages/core/src/space/index.js";
import { datasetInfo } from "../../packages/core/src/registry/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..", "..", "..", "..");
const args = process.argv.slice(2);
const opt = (name: string, fallback: number): number => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const quick = args.includes("--quick");
const device = (args.includes("--device") ? args[args.indexOf("--device") + 1] : "cpu") as Device;
/** reference Python with PyTorch (Debian's by default; another one with AA_NAS_PYTHON) */
const PYTHON = process.env.AA_NAS_PYTHON ?? "/usr/bin/python3";
const THREADS = opt("--threads", 2);
/** aa-nas's replicas on the CPU (its default: one per thread) */
const REPLICAS = opt("--replicas", THREADS);
/** PyTorch as the parity tests build it (NCHW, its default), and the same network with torch.channels_last */
const REFERENCES = device === "cpu" ? ["PyTorch", "PyTorch channels-last"] : ["PyTorch"];
const ROUNDS = opt("--rounds", quick ? 1 : 2);
const STEPS = opt("--steps", quick ? 2 : 8);
const WARMUP = quick ? 1 : 2;
const BATCHES = device === "cpu" ? [64, 256] : [256, 1024];
const CONFIGS: [string, number, number][] = [
  ["all-conv3x3 (1462)", 1462, BATCHES[0]!],
  ["all-conv3x3 (1462)", 1462, BATCHES[1]!],
  ["ResNet (11472)", 11472, BATCHES[0]!],
  ["ResNet (11472)", 11472, BATCHES[1]!],
];

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

interface ChildResult {
  median_s: number;
  times: number[];
  /** forward (with loss), backward, optimizer seconds of the fastest step */
  best_phases_s: [number, number, number];
  max_rss_kb: number;
}

/** Child mode: one configuration, our engine; with `replicas` > 1, that many threads each train on a slice of the batch. */
async function child(index: number, batch: number, warmup: number, steps: number, replicas: number, replica?: Replica, helperNet?: TinyNetwork): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  let helpers: Worker[] = [];
  if (replica === undefined && replicas > 1) {
    const group = createReplicaGroup(replicas);
    setNumThreads(1);
    const offset = process.env.AA_ALL_WORKERS ? 0 : 1;
    helpers = Array.from({ length: replicas - offset }, (_, k) => new Worker(self, { workerData: { index, batch, warmup, steps, replicas, replica: { group, rank: k + offset, world: replicas } }, env: { ...process.env, AA_NAS_THREADS: "1" } }));
    await Promise.all(helpers.map((w) => new Promise((ok) => w.once("message", ok))));
    replica = { group, rank: 0, world: replicas };
    if (offset === 0) {
      await Promise.all(helpers.map((w) => new Promise((ok) => w.once("exit", ok))));
      return;
    }
  }
  if (replica !== undefined) joinReplicaGroup(replica);
  const rank = replica?.rank ?? 0;
  const world = replica?.world ?? 1;
  // libtorch's generator is shared by the threads: replica 0 draws weights and data, the others take copies
  const net = rank === 0 ? (manualSeed(0), TinyNetwork.create(16, 5, archAt(index), 10)) : helperNet!;
  if (device !== "cpu") net.to(device);
  net.train();
  const sgd = new SGD(net.parameters(), { lr: 0.1, momentum: 0.9, weightDecay: 5e-4, nesterov: true });
  const xAll = rank === 0 ? randn([batch, 3, 32, 32], { device }) : zeros([batch, 3, 32, 32]);
  const yAll = rank === 0 ? randint(0, 10, [batch], { dtype: "int64", device }) : zeros([batch], { dtype: "int64" });
  broadcast([...net.parameters(), ...net.buffers(), xAll, yAll]);
  const start = Math.floor((batch * rank) / world), end = Math.floor((batch * (rank + 1)) / world);
  const x = xAll.narrow(0, start, end - start).contiguous(world > 1 && !process.env.NO_CL ? "channelsLast" : "rowMajor").keep();
  const y = yAll.narrow(0, start, end - start).contiguous().keep();
  const params = net.parameters();
  const times: number[] = [];
  // phases of each step (forward incl. loss, backward, optimizer), to see where time goes
  const phases: [number, number, number][] = [];
  for (let i = 0; i < warmup + steps; i++) {
    const t0 = performance.now();
    let t1 = 0;
    let t2 = 0;
    tidy(() => {
      sgd.zeroGrad();
      const logits = net.forward(x).logits;
      const loss = world > 1 ? F.crossEntropy(logits, y, { reduction: "sum" }).mul(1 / batch) : F.crossEntropy(logits, y);
      loss.item();
      t1 = performance.now();
      loss.backward();
      allReduce(params.map((p) => p.grad!));
      t2 = performance.now();
      sgd.step();
      return loss.item();
    });
    const t3 = performance.now();
    if (i >= warmup) {
      times.push((t3 - t0) / 1000);
      phases.push([(t1 - t0) / 1000, (t2 - t1) / 1000, (t3 - t2) / 1000]);
    }
  }
  process.stderr.write(`rank ${rank}: waited ${replicaWaitSeconds().toFixed(3)} s in ${warmup + steps} steps; median step ${median(times).toFixed(3)} s\n`);
  if (rank > 0 && !process.env.AA_ALL_WORKERS) return;
  await Promise.all(helpers.map((w) => new Promise((ok) => w.once("exit", ok))));
  const best = phases[times.indexOf(Math.min(...times))];
  process.stdout.write(`${JSON.stringify({ median_s: median(times), times, best_phases_s: best, max_rss_kb: process.resourceUsage().maxRSS, threads: getNumThreads(), replicas })}\n`);
}

function runChild(cmd: string, argv: string[], env: NodeJS.ProcessEnv): ChildResult {
  const r = spawnSync(cmd, argv, { encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(" ")} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as ChildResult;
}

/** Data pipeline: epoch plan + augmented batches of 256 from a CIFAR-sized uint8 set, images/s on this thread. */
function dataPipeline(): { assemble: number; withTensor: number } {
  const count = 50000;
  const pixels = new Uint8Array(count * 3072);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 2654435761) >>> 24;
  const set = { pixels, labels: new Int32Array(count), count, channels: 3, height: 32, width: 32 };
  const assembler = new BatchAssembler(set, datasetInfo("cifar10").norm, 4);
  const buffer = assembler.allocate(256);
  const indices = Int32Array.from({ length: count }, (_, i) => i);
  const images = quick ? 10240 : count;
  const t0 = performance.now();
  const plan = planEpoch(indices, 777, 0, 4);
  for (const [s, e] of batchBounds(images, 256)) assembler.augmented(plan, s, e, buffer);
  const assemble = images / ((performance.now() - t0) / 1000);
  const t1 = performance.now();
  for (const [s, e] of batchBounds(images, 256)) {
    assembler.augmented(plan, s, e, buffer);
    tidy(() => {
      tensor(buffer.inputs.subarray(0, (e - s) * 3072), [e - s, 3, 32, 32]);
      tensor(buffer.targets.subarray(0, e - s), [e - s], { dtype: "int64" });
    });
  }
  return { assemble, withTensor: images / ((performance.now() - t1) / 1000) };
}

async function main(): Promise<void> {
  if (!isMainThread) {
    const d = workerData as { index: number; batch: number; warmup: number; steps: number; replicas: number; replica: Replica };
    getNumThreads(); // loads the addon (which sets this thread's count) before the first replica starts computing
    const net = TinyNetwork.create(16, 5, archAt(d.index), 10); // before replica 0 seeds the shared generator
    parentPort!.postMessage("ready");
    await child(d.index, d.batch, d.warmup, d.steps, d.replicas, d.replica, net);
    return;
  }
  if (args[0] === "--child") {
    await child(Number(args[1]), Number(args[2]), Number(args[3]), Number(args[4]), REPLICAS);
    return;
  }
  if (args.includes("--data-only")) {
    const d = dataPipeline();
    process.stdout.write(`data pipeline: ${d.assemble.toFixed(0)} img/s assembling, ${d.withTensor.toFixed(0)} img/s with the tensor copy\n`);
    return;
  }
  const self = fileURLToPath(import.meta.url);
  const py = join(repo, "bench", "train", "train_bench.py");
  const env = { AA_NAS_THREADS: String(THREADS), OMP_NUM_THREADS: String(THREADS) };
  const rows: string[] = [];
  // aa-nas twice: as it trains by default (REPLICAS replicas of one thread each on the CPU) and with one replica using
  // THREADS intra-op threads, the way PyTorch uses the cores
  const sides = device === "cpu" && REPLICAS > 1 ? [`${REPLICAS} replicas`, "1 replica"] : ["1 replica"];
  const imgs: Record<string, number[]> = {};
  const rss: Record<string, number> = {};
  const only = args.includes("--only") ? args[args.indexOf("--only") + 1]! : "";
  const configs = CONFIGS.filter(([name, , batch]) => `${name} b${batch}`.includes(only));
  const ms = (p: [number, number, number]) => p.map((v) => (v * 1000).toFixed(1)).join("/");
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, index, batch] of configs) {
      const key = `${name} b${batch}`;
      const runs: [string, ChildResult][] = sides.map((side) => [
        side,
        runChild(process.execPath, [self, "--child", String(index), String(batch), String(WARMUP), String(STEPS), "--device", device, "--replicas", side === "1 replica" ? "1" : String(REPLICAS)], env),
      ]);
      for (const ref of REFERENCES) {
        runs.push([ref, runChild(PYTHON, [py, archAt(index), String(batch), String(WARMUP), String(STEPS), String(THREADS), device, ref === "PyTorch" ? "contiguous" : "channels_last"], env)]);
      }
      for (const [side, r] of runs) {
        (imgs[`${key} ${side}`] ??= []).push(...r.times.map((t) => batch / t));
        rss[`${key} ${side}`] = Math.max(rss[`${key} ${side}`] ?? 0, r.max_rss_kb);
      }
      process.stderr.write(
        `round ${round + 1}: ${key}: ${runs.map(([side, r]) => `${REFERENCES.includes(side) ? "" : "aa-nas "}${side} ${(batch / r.median_s).toFixed(1)} img/s`).join(", ")} (medians); ` +
          `fastest step forward/backward/optimizer ms: ${runs.map(([side, r]) => `${side} ${ms(r.best_phases_s)}`).join(", ")}\n`,
      );
    }
  }
  // On a shared machine, other processes slow some steps down; the best step is the least disturbed one.
  const heads = [
    ...sides.map((side) => `aa-nas ${side} img/s best (median)`),
    ...REFERENCES.map((ref) => `${ref} img/s best (median)`),
    ...sides.flatMap((side) => REFERENCES.map((ref) => `${side} vs ${ref} best (median)`)),
    ...sides.map((side) => `peak RSS aa-nas ${side}`),
    ...REFERENCES.map((ref) => `peak RSS ${ref}`),
  ];
  rows.push(`| network | batch | ${heads.join(" | ")} |`);
  rows.push(`|---|---|${heads.map(() => "---").join("|")}|`);
  for (const [name, , batch] of configs) {
    const key = `${name} b${batch}`;
    const stat = (side: string): [number, number] => [Math.max(...imgs[`${key} ${side}`]!), median(imgs[`${key} ${side}`]!)];
    const cell = ([b, m]: [number, number], digits: number, unit = ""): string => `${b.toFixed(digits)}${unit} (${m.toFixed(digits)}${unit})`;
    const ratio = (side: string, ref: string): [number, number] => [stat(side)[0] / stat(ref)[0], stat(side)[1] / stat(ref)[1]];
    const cells = [
      ...[...sides, ...REFERENCES].map((side) => cell(stat(side), 1)),
      ...sides.flatMap((side) => REFERENCES.map((ref) => cell(ratio(side, ref), 2, "×"))),
      ...[...sides, ...REFERENCES].map((side) => `${(rss[`${key} ${side}`]! / 1024).toFixed(0)} MB`),
    ];
    rows.push(`| ${name} | ${batch} | ${cells.join(" | ")} |`);
  }
  const data = device === "cpu" ? dataPipeline() : { assemble: NaN, withTensor: NaN };
  rows.push("");
  rows.push(`data pipeline (one JS thread, CIFAR 32×32, flip + pad-4 crop + normalize, batch 256): ${data.assemble.toFixed(0)} img/s assembling, ${data.withTensor.toFixed(0)} img/s including the copy into libtorch tensors`);
  rows.push(`(${THREADS} threads each; ${STEPS} timed steps after ${WARMUP} warm-up per process, ${ROUNDS} round(s) alternating aa-nas / PyTorch; "N replicas": aa-nas splits each batch over N one-thread replicas (its CPU default), "1 replica": one replica on ${THREADS} intra-op threads, as PyTorch; "PyTorch channels-last": the reference network and batch in torch.channels_last; img/s of the best step and the median step; libtorch ${libtorchVersion()}, device ${device}, reference ${PYTHON})`);
  process.stdout.write(`${rows.join("\n")}\n`);
}

await main();
