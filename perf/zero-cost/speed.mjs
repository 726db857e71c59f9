// Speed of the zero-cost proxies per arch, ours vs the PyTorch reference (test/zero-cost/reference/proxies.py, run
// by perf/zero-cost/speed-reference.py) in the same run: for each arch, each proxy alone (a fresh network per pass on
// both sides), then all ten network proxies in one computeProxies call (our shared passes) against the reference's
// ten separate passes (how NASLib computes them). Both sides: one thread, the same batch, archs interleaved (ours,
// then PyTorch, arch by arch) so the machine's load falls on both alike. The first arch warms both up and is not
// counted. Prints per-proxy medians, the ratio PyTorch / ours (> 1: ours faster) and the projection for 15,625 archs.
//
// Usage: npx tsc -b packages/core packages/engine && node perf/zero-cost/speed.mjs [archs=10] [batch=64] [out.json]
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { performance } from "node:perf_hooks";

const root = join(import.meta.dirname, "..", "..");
const { computeProxies, gaussianBatch } = await import(join(root, "packages/engine/dist/zero-cost/index.js"));
const { setNumThreads } = await import(join(root, "packages/engine/dist/tensor/index.js"));
const { PyRandom, sampleArch } = await import(join(root, "packages/core/dist/space/index.js"));

const ARCHS = Number(process.argv[2] ?? 10);
const BATCH = Number(process.argv[3] ?? 64);
const OUT = process.argv[4];
const NETWORK = ["synflow", "snip", "grasp", "fisher", "grad_norm", "jacov", "nwot", "epe_nas", "l2_norm", "plain"];
const ALL_ARCHS = 15625;

setNumThreads(1);
const { batch } = gaussianBatch(BATCH, 0, [3, 32, 32], 10);
const rng = new PyRandom(21);
const archs = Array.from({ length: ARCHS + 1 }, () => sampleArch(rng)); // [0] warms up

const dir = mkdtempSync(join(tmpdir(), "aa-zc-speed-"));
writeFileSync(join(dir, "job.json"), JSON.stringify({ seed: 0, classes: 10, shape: batch.shape, proxies: NETWORK }));
writeFileSync(join(dir, "inputs.bin"), new Uint8Array(batch.inputs.buffer));
writeFileSync(join(dir, "labels.bin"), new Uint8Array(batch.labels.buffer));
const py = spawn("/usr/bin/python3", [join(import.meta.dirname, "speed-reference.py"), dir], { stdio: ["pipe", "pipe", "inherit"], env: { ...process.env, OMP_NUM_THREADS: "1" } });
const lines = createInterface({ input: py.stdout })[Symbol.asyncIterator]();
async function reference(arch) {
  py.stdin.write(`${JSON.stringify({ arch })}\n`);
  const { value, done } = await lines.next();
  if (done) throw new Error("the PyTorch reference exited early");
  return JSON.parse(value);
}

const loads = [];
const rows = [];
for (const [k, arch] of archs.entries()) {
  loads.push(loadavg()[0]);
  const ours = {};
  const scores = {};
  for (const proxy of NETWORK) {
    const t = performance.now();
    const [s] = computeProxies({ arch, seed: 0, classes: 10, costDataset: "cifar10" }, batch, [proxy]);
    ours[proxy] = (performance.now() - t) / 1000;
    scores[proxy] = s.score;
  }
  const t = performance.now();
  const cpu = process.cpuUsage();
  computeProxies({ arch, seed: 0, classes: 10, costDataset: "cifar10" }, batch, NETWORK);
  const oursAll = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  const oursAllCpu = (used.user + used.system) / 1e6;
  const ref = await reference(arch);
  const worst = Math.max(...NETWORK.map((p) => Math.abs(scores[p] - ref.scores[p]) / Math.max(Math.abs(ref.scores[p]), 1e-30)));
  if (k === 0) continue;
  rows.push({ arch, ours, oursAll, oursAllCpu, reference: ref.seconds, referenceAll: NETWORK.reduce((s, p) => s + ref.seconds[p], 0), referenceAllCpu: ref.cpuSeconds, worstRelativeDifference: worst });
  process.stderr.write(`arch ${k}/${ARCHS}: all proxies ours ${oursAll.toFixed(2)} s (shared passes), PyTorch ${rows.at(-1).referenceAll.toFixed(2)} s; max rel diff ${worst.toExponential(1)}\n`);
}
py.stdin.end();

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const table = [];
for (const proxy of NETWORK) {
  const o = median(rows.map((r) => r.ours[proxy]));
  const p = median(rows.map((r) => r.reference[proxy]));
  table.push({ proxy, ours: o, pytorch: p, ratio: p / o });
}
const oursAll = median(rows.map((r) => r.oursAll));
const oursSeparate = median(rows.map((r) => NETWORK.reduce((s, p) => s + r.ours[p], 0)));
const refAll = median(rows.map((r) => r.referenceAll));
// CPU seconds (process CPU time, one compute thread): what an arch costs on an unloaded core
const oursAllCpu = median(rows.map((r) => r.oursAllCpu));
const refAllCpu = median(rows.map((r) => r.referenceAllCpu));
const summary = {
  archs: ARCHS,
  batch: BATCH,
  threads: 1,
  loadAverage: { min: Math.min(...loads), max: Math.max(...loads) },
  perProxy: table,
  all: { oursShared: oursAll, oursSeparate, pytorchSeparate: refAll, ratio: refAll / oursAll, oursSharedCpu: oursAllCpu, pytorchSeparateCpu: refAllCpu, cpuRatio: refAllCpu / oursAllCpu },
  projection15625: {
    wall: { oneThreadHours: (oursAll * ALL_ARCHS) / 3600, twoCoresHours: (oursAll * ALL_ARCHS) / 2 / 3600 },
    cpu: { oneThreadHours: (oursAllCpu * ALL_ARCHS) / 3600, twoCoresHours: (oursAllCpu * ALL_ARCHS) / 2 / 3600 },
  },
  rows,
};
console.log("proxy        ours(s)  PyTorch(s)  PyTorch/ours");
for (const r of table) console.log(`${r.proxy.padEnd(10)} ${r.ours.toFixed(3).padStart(9)} ${r.pytorch.toFixed(3).padStart(11)} ${r.ratio.toFixed(2).padStart(13)}`);
console.log(`${"all 10".padEnd(10)} ${oursAll.toFixed(3).padStart(9)} ${refAll.toFixed(3).padStart(11)} ${(refAll / oursAll).toFixed(2).padStart(13)}   (ours: shared passes; ours in 10 separate passes ${oursSeparate.toFixed(3)} s)`);
console.log(`${"all 10 CPU".padEnd(10)} ${oursAllCpu.toFixed(3).padStart(9)} ${refAllCpu.toFixed(3).padStart(11)} ${(refAllCpu / oursAllCpu).toFixed(2).padStart(13)}   (process CPU seconds)`);
console.log(`medians over ${ARCHS} archs, batch ${BATCH}, one thread each; load average ${summary.loadAverage.min.toFixed(2)}–${summary.loadAverage.max.toFixed(2)}`);
const proj = summary.projection15625;
console.log(`15,625 archs at the 'all 10' median: wall ${proj.wall.oneThreadHours.toFixed(1)} h on one thread, ${proj.wall.twoCoresHours.toFixed(1)} h on 2 cores (two one-thread workers); ` +
  `CPU ${proj.cpu.oneThreadHours.toFixed(1)} h / ${proj.cpu.twoCoresHours.toFixed(1)} h`);
if (OUT) writeFileSync(OUT, JSON.stringify(summary, null, 2));
