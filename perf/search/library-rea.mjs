// 500 REA runs from a script through `@aa-nas/core/search` and the same campaign through `aa-nas search --json`:
// checks the two agree and reports the wall time of each (each in its own fresh process, store caches cold).
// Usage: npm run build && node perf/search/library-rea.mjs [store] [runs]
// The store (default /tmp/aa-nas-cifar10-tables.db) is built on first use from the peer tables, like
// test/search/table-store.ts: keys cifar10-valid and cifar10, all hp-12 trials, hp-200 seed 777.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { performance } from "node:perf_hooks";

const store = process.argv[2] ?? "/tmp/aa-nas-cifar10-tables.db";
const runs = process.argv[3] ?? "500";

if (!existsSync(store)) {
  const t = performance.now();
  const { loadPeerTables, recordsForArch } = await import("../../packages/core/dist/bench/import/tables.js");
  const { BenchStore } = await import("../../packages/core/dist/bench/index.js");
  const tables = loadPeerTables("test/fixtures/reference");
  const s = BenchStore.create(store, { createdBy: "perf/search/library-rea.mjs" });
  for (let start = 0; start < 15625; start += 1000) {
    const batch = [];
    for (let i = start; i < Math.min(start + 1000, 15625); i++) {
      batch.push(...recordsForArch(tables, i).filter((r) => (r.dataset === "cifar10-valid" || r.dataset === "cifar10") && (r.hp === "12" || r.seed === 777)));
    }
    s.putRuns(batch);
  }
  s.close();
  console.log(`built ${store} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

const LIBRARY = `
import { searchCampaign, campaignToJson } from "@aa-nas/core/search";
const started = performance.now();
const c = searchCampaign("rea", process.argv[1], { runs: Number(process.argv[2]), seed: 1 });
const json = campaignToJson(c);
json.scriptSeconds = (performance.now() - started) / 1000;
process.stdout.write(JSON.stringify(json));
`;

function timed(args) {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed: ${r.stderr}`);
  return { json: JSON.parse(r.stdout), seconds: (performance.now() - t) / 1000 };
}

const lib = timed(["--input-type=module", "-e", LIBRARY, store, runs]);
const cli = timed(["packages/cli/dist/main.js", "search", "rea", "--bench", store, "--runs", runs, "--seed", "1", "--json", "--no-progress"]);
const strip = (j) => ({ ...j, scriptSeconds: undefined, summary: { ...j.summary, wallSeconds: undefined } });
const same = JSON.stringify(strip(lib.json)) === JSON.stringify(strip(cli.json));
const s = lib.json.summary;
console.log(`REA × ${runs} on ${store} (${cpus().length} cores, load ${loadavg()[0].toFixed(1)})`);
console.log(`  library: campaign ${s.wallSeconds.toFixed(2)} s, searchCampaign call ${lib.json.scriptSeconds.toFixed(2)} s, process ${lib.seconds.toFixed(2)} s`);
console.log(`  CLI:     campaign ${cli.json.summary.wallSeconds.toFixed(2)} s, process ${cli.seconds.toFixed(2)} s`);
console.log(`  valid ${s.valid.mean.toFixed(2)}±${s.valid.std.toFixed(2)}, test ${s.test.mean.toFixed(2)}±${s.test.std.toFixed(2)}; identical results: ${same}`);
if (!same) process.exitCode = 1;
