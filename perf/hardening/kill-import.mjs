// kill -9 during `aa-nas import`, at random moments, into a new store and into an existing one: afterwards the target
// is either absent (new store) or a store that passes verify() and holds only whole archs; a later import completes it.
// Usage: npm run build && node perf/hardening/kill-import.mjs [rounds=12] [archs=120] [scratch]
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { BenchStore } from "../../packages/core/dist/bench/store.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const main = join(repoRoot, "packages", "cli", "dist", "main.js");
const rounds = Number(process.argv[2] ?? 12);
const archs = Number(process.argv[3] ?? 120);
const scratch = process.argv[4] ?? mkdtempSync(join(tmpdir(), "aa-nas-kill-import-"));
const nats = join(scratch, "nats");

const half = join(scratch, "nats-half");
for (const [dir, n] of [[nats, archs], [half, Math.floor(archs / 2)]]) {
  const made = spawnSync("/usr/bin/python3", [join(repoRoot, "perf", "store", "make-nats-dir.py"), dir, String(n)], { encoding: "utf8" });
  if (made.status !== 0) throw new Error(`make-nats-dir.py failed: ${made.stderr}`);
}

/** Runs one import and SIGKILLs it after `delayMs` (or lets it finish when it is faster); returns how it ended. */
async function killedImport(out, delayMs) {
  // the source name must stay the same so that the half directory's archs count as already imported
  const child = spawn(process.execPath, [main, "import", nats, "--out", out, "--no-progress"], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const ended = new Promise((res) => child.on("exit", (code, signal) => res({ code, signal })));
  const race = await Promise.race([ended, sleep(delayMs).then(() => null)]);
  if (race !== null) return { ...race, stderr };
  child.kill("SIGKILL");
  return { ...(await ended), stderr };
}

/** The store's state: absent, or verified with whole archs only (every evaluated arch has its 51 runs of the sample). */
function inspect(out) {
  if (!existsSync(out)) return { state: "absent", archs: 0 };
  let store;
  try {
    store = BenchStore.open(out);
    store.verify();
    return { state: "verified", archs: store.evaluatedIndexes().length };
  } catch (err) {
    return { state: `DAMAGED (${err.message.slice(0, 80)})`, archs: 0 };
  } finally {
    store?.close();
  }
}

const rows = [];
let failures = 0;
for (let r = 0; r < rounds; r++) {
  const existing = r % 2 === 1;
  const out = join(scratch, `store-${r}.sqlite`);
  if (existing) {
    // an existing store holding the first half of the archs (a completed import of a smaller directory)
    const seed = spawnSync(process.execPath, [main, "import", half, "--out", out, "--no-progress"], { encoding: "utf8" });
    if (seed.status !== 0) throw new Error(`seed import failed: ${seed.stderr}`);
  }
  const before = inspect(out);
  const delay = 300 + Math.floor(((r * 7919) % 23) * 150);
  const t0 = performance.now();
  const run = await killedImport(out, delay);
  const after = inspect(out);
  const complete = spawnSync(process.execPath, [main, "import", nats, "--out", out, "--no-progress"], { encoding: "utf8" });
  const final = inspect(out);
  // a kill may leave no store (a new one is linked into place only when complete) or a verified one, never a damaged
  // one, and never fewer archs than before; a second import then completes it
  const kept = before.state !== "verified" || (after.state === "verified" && after.archs >= before.archs);
  const ok = !after.state.startsWith("DAMAGED") && kept && complete.status === 0 && final.archs === archs;
  if (!ok) failures++;
  rows.push(
    `| ${r} | ${existing ? "existing" : "new"} | ${delay} | ${run.signal ?? `exit ${run.code}`} | ${before.state} ${before.archs} | ${after.state} ${after.archs} | ${complete.status} | ${final.archs} | ${ok ? "ok" : "FAIL"} | ${((performance.now() - t0) / 1000).toFixed(1)} |`,
  );
  // the re-import removes what the killed writer left (its process is gone); anything left now is a failure
  const leftovers = readdirSync(scratch).filter((f) => f.includes(".tmp-"));
  if (leftovers.length) {
    failures++;
    rows.push(`|   | temp files beside the stores after the re-import of round ${r}: ${leftovers.length} (${leftovers.slice(0, 3).join(", ")}) | | | | | | | | FAIL |`);
  }
  for (const f of leftovers) rmSync(join(scratch, f), { force: true });
}
console.log(`kill -9 during import: ${rounds} rounds, ${archs} archs (${nats})`);
console.log("| round | store | kill after (ms) | import ended | before | after the kill | re-import exit | archs then | result | s |");
console.log("|---|---|---|---|---|---|---|---|---|---|");
for (const row of rows) console.log(row);
console.log(`${failures} of ${rounds} rounds failed`);
if (process.argv[4] === undefined) rmSync(scratch, { recursive: true, force: true });
process.exitCode = failures === 0 ? 0 : 1;
