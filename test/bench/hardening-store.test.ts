/**
 * The store under concurrent writers, a file-size limit and damage (docs/reliability.md, classes 6 and 9): writers
 * take turns or fail with one line, a failed write leaves no new file and an existing store as it was, and a damaged
 * store is one typed error, never a stack trace or an export that exits 0. Needs `npm run build` (runs the CLI).
 */
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { BenchStore } from "../../packages/core/src/bench/store.js";
import { RECORD_FORMAT, recordFilePath, writeRecordFile } from "../../packages/engine/src/pipeline/record-file.js";
import { copyNatsSample, oneLineError } from "../support/bad-inputs.js";
import { runCli } from "../support/cli.js";
import { repoRoot } from "../support/paths.js";
import { syntheticRun } from "./fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "aa-nas-harden-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (name: string): string => join(dir, `${n++}-${name}`);
const main = join(repoRoot, "packages", "cli", "dist", "main.js");
const sample = copyNatsSample(join(dir, "NATS-tss-v1_0-3ffb9-simple"));
const base = join(dir, "base.sqlite");

/** A record-file folder of synthetic runs (archs `first`, `first + 1`, …), for merges that really write. */
function resultsFolder(first: number, count = 1, epochs = 12): string {
  const res = fresh(`results-${first}`);
  mkdirSync(res);
  for (let archIndex = first; archIndex < first + count; archIndex++) {
    const r = syntheticRun(archIndex, { epochs });
    writeRecordFile(recordFilePath(res, archIndex, r.seed), { format: RECORD_FORMAT, archIndex, arch: r.arch, seed: r.seed, hp: r.hp, runs: [r], weights: null, machine: "t" });
  }
  return res;
}

function runAll(commands: string[][]): Promise<Array<{ status: number | null; stderr: string }>> {
  return Promise.all(
    commands.map(
      (args) =>
        new Promise<{ status: number | null; stderr: string }>((resolve) => {
          const p = spawn(process.execPath, [main, ...args], { stdio: ["ignore", "ignore", "pipe"] });
          let stderr = "";
          p.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
          p.on("close", (status) => resolve({ status, stderr }));
        }),
    ),
  );
}

/** 7 writers: three imports (one per source name), three merges, one `sweep collect`, all at once. */
function sevenWriters(out: string): string[][] {
  return [
    ["import", sample, "--out", out, "--no-progress", "--workers", "0", "--source", "a"],
    ["import", sample, "--out", out, "--no-progress", "--workers", "0", "--source", "b"],
    ["import", join(sample, "000011.pickle.pbz2"), "--out", out, "--no-progress", "--source", "c"],
    ["merge", resultsFolder(101), "--out", out],
    ["merge", resultsFolder(102), "--out", out],
    ["merge", resultsFolder(103), "--out", out],
    ["sweep", "collect", "--results", resultsFolder(104), "--out", out],
  ];
}

function expectAllMerged(out: string): void {
  const store = BenchStore.open(out);
  store.verify();
  expect(store.meta().runs).toBe(51 + 4);
  expect([store.importedArchs("a").size, store.importedArchs("b").size, store.importedArchs("c").size]).toStrictEqual([3, 3, 1]);
  store.close();
}

beforeAll(() => {
  const r = runCli(["import", sample, "--out", base, "--no-progress", "--workers", "0"]);
  expect(r.status, r.stderr).toBe(0);
});

describe("class 6: concurrent writers and write failures", () => {
  test("7 writers into one existing store take turns: all exit 0 and every run is stored", async () => {
    const out = fresh("shared.sqlite");
    copyFileSync(base, out);
    const rs = await runAll(sevenWriters(out));
    for (const r of rs) expect(r.status, r.stderr).toBe(0);
    expectAllMerged(out);
  });

  test("7 writers creating the same new store: all exit 0, one complete store, no temporary files left", async () => {
    const sub = fresh("new");
    mkdirSync(sub);
    const out = join(sub, "bench.sqlite");
    const rs = await runAll(sevenWriters(out));
    for (const r of rs) expect(r.status, r.stderr).toBe(0);
    expectAllMerged(out);
    expect(readdirSync(sub)).toStrictEqual(["bench.sqlite"]);
  });

  test("an import killed with SIGKILL while creating a store leaves temporary files that the next write removes", async () => {
    const sub = fresh("killed");
    mkdirSync(sub);
    const out = join(sub, "bench.sqlite");
    // a child that dies by SIGKILL as soon as its temporary store exists (no cleanup code can run)
    const child = spawn(process.execPath, [main, "import", sample, "--out", out, "--no-progress", "--workers", "0"], { stdio: "ignore" });
    const t0 = Date.now();
    while (!readdirSync(sub).some((f) => f.includes(".tmp-")) && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 5));
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    const left = readdirSync(sub);
    expect(left.some((f) => f.startsWith(".bench.sqlite.tmp-")), left.join(", ")).toBe(true);
    expect(left).not.toContain("bench.sqlite");
    // a leftover of a live process (this one) is not touched: it may be a write in progress
    const live = readdirSync(sub).find((f) => f.includes(".tmp-"))!.replace(/-\d+-([0-9a-f]{8})$/, `-${process.pid}-$1`);
    copyFileSync(join(sub, readdirSync(sub).find((f) => f.includes(".tmp-"))!), join(sub, live));
    const again = runCli(["import", sample, "--out", out, "--no-progress", "--workers", "0"]);
    expect(again.status, again.stderr).toBe(0);
    expect(readdirSync(sub).sort()).toStrictEqual([live, "bench.sqlite"].sort());
  });

  const limited = (kb: number, args: string[]): { status: number | null; stderr: string } => {
    const r = spawnSync("bash", ["-c", `ulimit -f ${kb}; exec "$@"`, "bash", process.execPath, main, ...args], { encoding: "utf8" });
    return { status: r.status, stderr: r.stderr };
  };

  test("ulimit -f while creating a store: one line, exit 2, and no file left", () => {
    const sub = fresh("ulimit-new");
    mkdirSync(sub);
    const out = join(sub, "bench.sqlite");
    const r = limited(1024, ["import", sample, "--out", out, "--no-progress", "--workers", "0"]);
    expect(oneLineError(r), r.stderr).toMatch(/cannot write .*bench\.sqlite.*(I\/O error|disk is full)/);
    expect(readdirSync(sub)).toStrictEqual([]);
    const again = runCli(["import", sample, "--out", out, "--no-progress", "--workers", "0"]);
    expect(again.status, again.stderr).toBe(0);
  });

  test("ulimit -f while extending a store: one line, exit 2, the store as it was", () => {
    const out = fresh("ulimit-old.sqlite");
    copyFileSync(base, out);
    const before = runCli(["export", "--bench", out, "--format", "csv"]).stdout;
    // the store may not grow at all: the merged runs and their ranking summaries need new pages
    const sizeKb = Math.floor(Number(spawnSync("stat", ["-c", "%s", out], { encoding: "utf8" }).stdout.trim()) / 1024);
    const r = limited(sizeKb, ["merge", resultsFolder(1000, 200, 200), "--out", out]);
    expect(oneLineError(r), r.stderr).toMatch(/cannot write .*ulimit-old\.sqlite/);
    const store = BenchStore.open(out);
    store.verify();
    store.close();
    expect(runCli(["export", "--bench", out, "--format", "csv"]).stdout).toBe(before);
  });
});

describe("class 9: damaged stores give one typed error", () => {
  const damaged = (sql: string): string => {
    const out = fresh("damaged.sqlite");
    copyFileSync(base, out);
    const db = new Database(out);
    db.exec(sql);
    db.close();
    return out;
  };
  const readers = (db: string): string[][] => [
    ["query", "0", "--bench", db, "--dataset", "cifar10", "--hp", "200"],
    ["best", "--bench", db, "--dataset", "cifar10", "--set", "ori-test", "--hp", "200"],
    ["export", "--bench", db, "--format", "csv"],
  ];

  test.each(["final", "rankings", "runs"])("table %s dropped: query, best and export exit 2 with one line", (table) => {
    const db = damaged(`DROP TABLE ${table}`);
    for (const args of readers(db)) {
      const r = runCli(args);
      expect(oneLineError(r), `${args[0]}: ${r.stderr}`).toMatch(new RegExp(`is not an aa-nas store or is damaged: table\\(s\\) ${table} missing`));
    }
  });

  test.each([
    ["an impossible accuracy", "UPDATE final SET xvalid_acc = 14101.5 WHERE rowid = 3", /final row .* has xvalid_acc = 14101\.5, expected null or an accuracy in \[0, 100\]/],
    ["a text value", "UPDATE final SET train_loss = 'x' WHERE rowid = 5", /has train_loss = 'x', expected null or a finite number ≥ 0/],
    ["a deleted row", "DELETE FROM final WHERE rowid = 7", /the final table has 50 rows for 51 runs/],
  ])("export of a final table with %s exits 2 with one line", (_what, sql, message) => {
    const r = runCli(["export", "--bench", damaged(sql), "--format", "csv"]);
    expect(oneLineError(r), r.stderr).toMatch(message);
  });

  test("pages overwritten with garbage: every reader exits 2 with one line", () => {
    const out = fresh("garbage.sqlite");
    copyFileSync(base, out);
    const size = Number(spawnSync("stat", ["-c", "%s", out], { encoding: "utf8" }).stdout.trim());
    // keep page 1 (header and schema) so the store opens, damage every b-tree page after it
    spawnSync("bash", ["-c", `head -c ${size - 16384} /dev/urandom | dd of="${out}" bs=16384 seek=1 conv=notrunc status=none`]);
    for (const args of readers(out)) {
      const r = runCli(args);
      expect(oneLineError(r), `${args[0]}: ${r.stderr}`).toMatch(/damaged|corrupt/);
    }
    expect(existsSync(out)).toBe(true);
  });
});
