// Measures the store on a generated full-size file: open time, getMoreInfo (cold / warm), findBest over all archs.
// Usage: npm run build && node perf/store/generate.mjs /tmp/aa-nas-full.sqlite && node perf/store/perf.mjs /tmp/aa-nas-full.sqlite
import { spawnSync } from "node:child_process";
import { statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { NasBench } from "../../packages/core/dist/bench/index.js";

const now = () => Number(process.hrtime.bigint()) / 1e6; // ms
if (process.argv[2] === "--first-call") {
  // child mode: the very first findBest of a fresh process, right after open
  const b = NasBench.open(process.argv[3]);
  const t = now();
  b.findBest("cifar100", "x-test", { hp: "200" });
  console.log(now() - t);
  process.exit(0);
}
const path = process.argv[2] ?? "/tmp/aa-nas-full.sqlite";
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)];

const opens = [];
for (let i = 0; i < 21; i++) {
  const t = now();
  const b = NasBench.open(path);
  opens.push(now() - t);
  b.close();
}

const bench = NasBench.open(path);
const DATASETS = ["cifar10-valid", "cifar10", "cifar100", "ImageNet16-120"];
let seed = 7;
const rand = (n) => {
  seed = (seed * 1103515245 + 12345) >>> 0;
  return seed % n;
};
const archs = bench.evaluatedIndexes();
const queries = Array.from({ length: 2000 }, () => [archs[rand(archs.length)], DATASETS[rand(4)]]);

const cold = [];
for (const [a, ds] of queries) {
  const t = now();
  bench.getMoreInfo(a, ds, { hp: "200" });
  cold.push(now() - t);
}
const warm = [];
for (let rep = 0; rep < 5; rep++)
  for (const [a, ds] of queries) {
    const t = now();
    bench.getMoreInfo(a, ds, { hp: "200" });
    warm.push(now() - t);
  }
// runs decoded and cached, result not cached: a different epoch each call
const warmCompute = [];
for (const [i, [a, ds]] of queries.entries()) {
  const t = now();
  bench.getMoreInfo(a, ds, { hp: "200", iepoch: 199 - (i % 150) - 1 });
  warmCompute.push(now() - t);
}

const bestFirst = now();
const best = bench.findBest("cifar10", "valid", { hp: "200" });
const bestFirstMs = now() - bestFirst;
const bestWarm = [];
for (let i = 0; i < 50; i++) {
  const t = now();
  bench.findBest("cifar10", "valid", { hp: "200", flopMax: i % 2 === 0 ? undefined : 100 });
  bestWarm.push(now() - t);
}
// a first query on another (hp, dataset, set) once the code is warm: reads that group's ranking summary
const otherFirst = now();
bench.findBest("ImageNet16-120", "test", { hp: "12" });
const otherFirstMs = now() - otherFirst;
// limits that no arch meets: the best-first top is exhausted and the full summary is read and scanned (worst case)
const beyondFirst = now();
bench.findBest("cifar100", "valid", { hp: "12", flopMax: 0 });
const beyondFirstMs = now() - beyondFirst;
const beyondWarm = [];
for (let i = 0; i < 20; i++) {
  const t = now();
  bench.findBest("cifar100", "valid", { hp: "12", flopMax: 0 });
  beyondWarm.push(now() - t);
}
bench.close();
const freshFirst = Array.from({ length: 5 }, () => {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--first-call", path], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return Number(r.stdout);
});

const us = (ms) => +(ms * 1000).toFixed(2);
console.log(
  JSON.stringify(
    {
      file: path,
      sizeMB: +(statSync(path).size / 2 ** 20).toFixed(1),
      openMs: { first: +opens[0].toFixed(2), median: +median(opens).toFixed(2), max: +Math.max(...opens).toFixed(2) },
      getMoreInfoUs: {
        coldMedian: us(median(cold)),
        coldP95: us(pct(cold, 0.95)),
        warmMedian: us(median(warm)),
        warmP95: us(pct(warm, 0.95)),
        warmRecomputeMedian: us(median(warmCompute)),
      },
      findBestMs: {
        freshProcessFirstMedian: +median(freshFirst).toFixed(2),
        freshProcessFirstMax: +Math.max(...freshFirst).toFixed(2),
        firstAfterOtherQueries: +bestFirstMs.toFixed(2),
        firstOtherGroupCodeWarm: +otherFirstMs.toFixed(2),
        warmMedian: +median(bestWarm).toFixed(3),
        warmMax: +Math.max(...bestWarm).toFixed(3),
        beyondTopFirst: +beyondFirstMs.toFixed(2),
        beyondTopWarmMedian: +median(beyondWarm).toFixed(3),
        best,
      },
      node: process.version,
    },
    null,
    1,
  ),
);
