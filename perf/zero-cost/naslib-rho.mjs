// Spearman ρ of our zero-cost proxies vs the 200-epoch valid accuracy, on NASLib's cifar10 sample of NAS-Bench-201
// (test/fixtures/reference/naslib-zc-nb201-cifar10), next to NASLib's own ρ on the same archs (from NASLib's stored
// scores) — the acceptance: ours within ±0.05 of NASLib's.
//
// Batch: 32 real CIFAR-10 training images (NASLib's proxy batch size, as its jacov/nwot magnitudes show), chosen by
// random.Random(batchSeed, default 0).shuffle of the 200 images in test/fixtures/reference/small-cifar-10 (decoded with python3-pil),
// normalised with CIFAR-10's mean/std, no augmentation. Network init: manual_seed(0), PyTorch-default init.
//
// Usage: npx tsc -b packages/core packages/engine && node perf/zero-cost/naslib-rho.mjs [archs=724] [out=/tmp/aa-zc-naslib.jsonl] [proxies=all] [threads] [batchSeed=0]
// A different batchSeed draws a different 32 of the 200 images: use its own output file (results are keyed by arch and proxy).
// Resumable: (arch, proxy) scores already in the output file are not recomputed; runs with different proxy lists add up. Archs are taken in a fixed shuffled order
// (random.Random(1).shuffle of NASLib's 724), so a partial run is a uniform subsample.
import { execFileSync } from "node:child_process";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { performance } from "node:perf_hooks";

const root = join(import.meta.dirname, "..", "..");
const { computeProxies, gather, PROXY_NAMES } = await import(join(root, "packages/engine/dist/zero-cost/index.js"));
const { CIFAR10_NORM } = await import(join(root, "packages/engine/dist/data/index.js"));
const { setNumThreads } = await import(join(root, "packages/engine/dist/tensor/index.js"));
const { rankCorrelation } = await import(join(root, "packages/core/dist/bench/correlation.js"));
const { PyRandom } = await import(join(root, "packages/core/dist/space/index.js"));

const want = Number(process.argv[2] ?? 724);
const out = process.argv[3] ?? "/tmp/aa-zc-naslib.jsonl";
const proxies = process.argv[4] === undefined || process.argv[4] === "all" ? PROXY_NAMES : process.argv[4].split(",");
if (process.argv[5] !== undefined) setNumThreads(Number(process.argv[5]));
const batchSeed = Number(process.argv[6] ?? 0);
const BATCH = 32;

// NASLib's published ρ (the table) on their full cifar10 sample
const NASLIB_RHO = { synflow: 0.736, nwot: 0.787, jacov: 0.766, snip: 0.608, grad_norm: 0.607, fisher: 0.509, grasp: 0.538, epe_nas: 0.666, l2_norm: 0.725, plain: -0.258, params: 0.738, flops: 0.711 };

const images = join(root, "test/fixtures/reference/small-cifar-10");
const py = `
import sys, numpy as np
from PIL import Image
names = ['airplane','automobile','bird','cat','deer','dog','frog','horse','ship','truck']
labels = [names.index(l.strip().split(',')[1]) for l in open(sys.argv[1] + '/trainLabels.csv')]
px = np.stack([np.asarray(Image.open(f'{sys.argv[1]}/train/{i + 1}.png').convert('RGB')) for i in range(200)]).transpose(0, 3, 1, 2)
sys.stdout.buffer.write(np.ascontiguousarray(px, dtype=np.uint8).tobytes() + np.array(labels, dtype='<i4').tobytes())
`;
const raw = execFileSync("/usr/bin/python3", ["-c", py, images], { maxBuffer: 1 << 24 });
const set = { pixels: new Uint8Array(raw.buffer, raw.byteOffset, 200 * 3072), labels: new Int32Array(raw.buffer.slice(raw.byteOffset + 200 * 3072, raw.byteOffset + 200 * 3072 + 800)), count: 200, channels: 3, height: 32, width: 32 };
const indices = new PyRandom(batchSeed).shuffle(Array.from({ length: 200 }, (_, i) => i)).slice(0, BATCH);
const batch = gather(set, CIFAR10_NORM, indices);

const naslib = JSON.parse(gunzipSync(readFileSync(join(root, "test/fixtures/reference/naslib-zc-nb201-cifar10/naslib-zc-nb201-cifar10.json.gz"))).toString("utf8"));
const order = new PyRandom(1).shuffle(naslib.map((_, i) => i)).slice(0, want).map((i) => naslib[i]);
const done = new Map();
const merge = (r) => {
  const d = done.get(r.index) ?? { scores: {}, seconds: {} };
  Object.assign(d.scores, r.scores);
  Object.assign(d.seconds, r.seconds);
  done.set(r.index, d);
};
if (existsSync(out)) for (const line of readFileSync(out, "utf8").split("\n").filter(Boolean)) merge(JSON.parse(line));
const t0 = performance.now();
let computed = 0;
for (const row of order) {
  const missing = proxies.filter((p) => done.get(row.index)?.scores[p] === undefined);
  if (missing.length === 0) continue;
  const scores = computeProxies({ arch: row.arch, seed: 0, classes: 10, costDataset: "cifar10" }, batch, missing);
  const r = { index: row.index, scores: Object.fromEntries(scores.map((s) => [s.proxy, s.score])), seconds: Object.fromEntries(scores.map((s) => [s.proxy, s.seconds])) };
  appendFileSync(out, `${JSON.stringify(r)}\n`);
  merge(r);
  computed++;
  if (computed % 10 === 0) console.error(`${done.size} archs (${((performance.now() - t0) / 1000 / computed).toFixed(1)} s/arch this run)`);
}

const has = (r, p) => done.get(r.index)?.scores[p] !== undefined;
const finite = (v) => (v === null || v === undefined ? NaN : v);
const all = naslib.map((r) => r.val_accuracy);
console.log(`NASLib's ${naslib.length} cifar10 archs (n per proxy below); batch ${BATCH} real CIFAR-10 images (indices ${indices.join(",")}), init seed 0`);
console.log("proxy       ours ρ   NASLib ρ (same archs)  NASLib ρ (all 724)  published  |ours−NASLib same|  ρ(ours, NASLib score)  mean s/arch");
for (const p of PROXY_NAMES) {
  const rows = order.filter((r) => has(r, p));
  if (rows.length === 0) continue;
  const acc = rows.map((r) => r.val_accuracy);
  const ours = rankCorrelation(rows.map((r) => finite(done.get(r.index).scores[p])), acc);
  const theirs = rankCorrelation(rows.map((r) => finite(r[p])), acc);
  const theirsAll = rankCorrelation(naslib.map((r) => finite(r[p])), all);
  const agree = rankCorrelation(rows.map((r) => finite(done.get(r.index).scores[p])), rows.map((r) => finite(r[p])));
  const secs = rows.reduce((s, r) => s + done.get(r.index).seconds[p], 0) / rows.length;
  console.log(`${p.padEnd(10)} ${ours.spearman.toFixed(3).padStart(7)} (n ${ours.n})  ${theirs.spearman.toFixed(3).padStart(7)} (n ${theirs.n})  ${theirsAll.spearman.toFixed(3).padStart(7)} (n ${theirsAll.n})  ${NASLIB_RHO[p].toFixed(3).padStart(7)}  ${Math.abs(ours.spearman - theirs.spearman).toFixed(3).padStart(6)}  ${agree.spearman.toFixed(3).padStart(7)}  ${secs.toFixed(3)}`);
}
