// Long mutation-fuzz run of the safe pickle / bzip2 readers over the real NATS sample files (≥ 100k cases).
// Usage: npm run build && node perf/store/fuzz-long.mjs [cases=100000] [seed=1] [sampleDir=test/fixtures/reference/nats-tss-v1_0-3ffb9-simple-sample]
import { performance } from "node:perf_hooks";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { bunzip2 } from "../../packages/core/dist/formats/bzip2.js";
import { fuzz } from "../../packages/core/dist/formats/fuzz.js";

const cases = Number(process.argv[2] ?? 100000);
const seed = Number(process.argv[3] ?? 1);
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const dir = resolve(process.argv[4] ?? join(repoRoot, "test", "fixtures", "reference", "nats-tss-v1_0-3ffb9-simple-sample"));
const raw = [];
const compressed = [];
for (const name of ["000000", "000011", "000284", "meta"]) {
  const bytes = new Uint8Array(readFileSync(join(dir, `${name}.pickle.pbz2`)));
  compressed.push({ name: `${name}.pickle.pbz2`, bytes, compressed: true });
  const r = bunzip2(bytes);
  raw.push({ name: `${name}.pickle`, bytes: r, compressed: false });
  raw.push({ name: `${name}.pickle[head]`, bytes: r.subarray(0, 20000), compressed: false });
}
const t0 = performance.now();
const main = fuzz(raw, {
  cases,
  seed,
  onCase: (c) => {
    if (c % 10000 === 0 && c > 0) console.error(`${c}/${cases} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  },
});
// the bzip2 layer is ~10x slower per case: 1% of the budget
const bz = fuzz(compressed, { cases: Math.max(100, Math.floor(cases / 100)), seed: seed + 1 });
console.log(JSON.stringify({ pickle: main, bzip2: bz, crashes: main.crashes.length + bz.crashes.length }, null, 1));
process.exitCode = main.crashes.length + bz.crashes.length === 0 ? 0 : 1;
