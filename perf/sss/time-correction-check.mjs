// correctSizeTimes (packages/engine/src/pipeline/time-correction.ts) against the released NATS-sss records: their
// times and latencies are already the original's correction, so the correction must leave every run's per-epoch
// train / eval times and its latency bit-identical (a fixed point). This checks the latency rule (sets, batch counts,
// summation order) and the per-key reference run on real values.
//
// Usage: npx tsc -b packages/core packages/engine && node perf/sss/time-correction-check.mjs [arch files…]
// (default: the three archs of test/fixtures/reference/nats-sss-v1_0-50262-simple-sample). Exits 1 on a difference.
import { execFileSync } from "node:child_process";
import { join } from "node:path";

const root = join(import.meta.dirname, "..", "..");
const { correctSizeTimes } = await import(join(root, "packages/engine/dist/pipeline/time-correction.js"));
const sample = join(root, "test/fixtures/reference/nats-sss-v1_0-50262-simple-sample");
const files = process.argv.length > 2 ? process.argv.slice(2) : ["000000", "000011", "000284"].map((i) => join(sample, `${i}.pickle.pbz2`));
const runs = JSON.parse(execFileSync("/usr/bin/python3", [join(import.meta.dirname, "released_runs.py"), ...files], { maxBuffer: 1 << 26 }).toString("utf8"));
const { runs: out, uncorrected } = correctSizeTimes(runs);
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const differing = out.flatMap((r, i) => {
  const a = runs[i];
  const times = same(r.train.time, a.train.time) && Object.keys(a.evals).every((s) => same(r.evals[s].time, a.evals[s].time));
  return times && same(r.latency, a.latency) ? [] : [`arch ${a.archIndex} hp ${a.hp} ${a.dataset} seed ${a.seed}: times ${times ? "equal" : "differ"}, latency ${r.latency} vs ${a.latency}`];
});
console.log(`${runs.length} released runs: ${runs.length - differing.length} unchanged by correctSizeTimes (times and latency bit-identical); archs left uncorrected: ${uncorrected.length}`);
for (const d of differing) console.log(`DIFF ${d}`);
process.exit(differing.length === 0 && uncorrected.length === 0 ? 0 : 1);
