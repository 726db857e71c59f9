// Class 7: every command that writes checks its output path before any work, with one line and exit 2: an existing
// file where a folder goes, a path under a file, an immutable folder (root can write anywhere else), and /proc —
// where Node 20's recursive mkdir loops at 100 % CPU, so a hang is a failure here (time limit per run).
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDirs } from "../data/temp.js";
import { NATS_SAMPLE, referencePath } from "../support/reference.js";
import { expectCleanError, runAll, runCliAsync } from "./support.js";

const tmp = tempDirs();
let root = "";
let store = "";
let immutable: string | null = null;

const TRAIN = ["--seeds", "777", "--datasets", "fashion-mnist", "--hp", "1", "--channel", "4", "--num-cells", "1", "--train-subset", "32", "--eval-subset", "32", "--replicas", "1"];

/** Commands writing a folder (created with its parents). */
const FOLDER_COMMANDS: Record<string, (out: string) => string[]> = {
  meta: (out) => ["meta", "--out", out],
  train: (out) => ["train", "--arch-index", "0", ...TRAIN, "--out", out],
  "train-net": (out) => ["train-net", "0", ...TRAIN, "--out", out],
  "sweep plan": (out) => ["sweep", "plan", "--arch-index", "0", "--seeds", "777", "--datasets", "fashion-mnist", "--hp", "1", "--out", out],
  demo: (out) => ["demo", "--archs", "0", "--hp", "1", "--train-subset", "32", "--eval-subset", "32", "--out", out],
};
/** Commands writing one file (a store, an export). */
const FILE_COMMANDS: Record<string, (out: string) => string[]> = {
  export: (out) => ["export", "--bench", store, "--format", "csv", "--out", out],
  import: (out) => ["import", referencePath(NATS_SAMPLE), "--no-progress", "--out", out],
  merge: (out) => ["merge", root, "--out", out],
  "sweep collect": (out) => ["sweep", "collect", "--results", root, "--out", out],
};

beforeAll(async () => {
  root = tmp("aa-hard-out-");
  writeFileSync(join(root, "a-file"), "x");
  mkdirSync(join(root, "a-folder"));
  store = join(root, "bench.sqlite");
  const made = await runCliAsync(["import", referencePath(NATS_SAMPLE), "--no-progress", "--out", store], { timeoutMs: 60_000 });
  expect(made.status, made.stderr).toBe(0);
  const imm = join(root, "immutable");
  mkdirSync(imm);
  // root ignores permission bits; only the immutable attribute stops it (skipped where chattr is unavailable)
  if (spawnSync("chattr", ["+i", imm]).status === 0) immutable = imm;
}, 90_000);

afterAll(() => {
  if (immutable !== null) spawnSync("chattr", ["-i", immutable]);
});

describe("unwritable output paths: one line, exit 2, before any work", () => {
  it("folder outputs: a file, a path under a file, an immutable folder, /proc", async () => {
    const bad: [string, RegExp][] = [
      [join(root, "a-file"), /is a file, expected a folder/],
      [join(root, "a-file", "sub"), /is a file, so no folder can be made under it/],
      ...(immutable === null ? [] : ([[join(immutable, "sub"), /cannot write in .*immutable \(EPERM\)/]] as [string, RegExp][])),
      ["/proc/aa-nas-out", /proc pseudo file system/],
    ];
    const cases = Object.entries(FOLDER_COMMANDS).flatMap(([, args]) => bad.map(([out, why]) => ({ args: args(out), why })));
    const results = await runAll(cases, (c) => runCliAsync(c.args, { timeoutMs: 15_000 }));
    results.forEach((r, i) => expectCleanError(r, cases[i]!.why));
    expect(results.length).toBeGreaterThanOrEqual(15);
  }, 120_000);

  it("file outputs: a folder, a path under a file, an immutable folder, /proc", async () => {
    const bad: [string, RegExp][] = [
      [join(root, "a-folder"), /is a folder, expected a file/],
      [join(root, "a-file", "x.out"), /is a file, not a folder/],
      ...(immutable === null ? [] : ([[join(immutable, "x.out"), /cannot write in .*immutable \(EPERM\)/]] as [string, RegExp][])),
      ["/proc/aa-nas.out", /proc pseudo file system/],
    ];
    const cases = Object.entries(FILE_COMMANDS).flatMap(([, args]) => bad.map(([out, why]) => ({ args: args(out), why })));
    const results = await runAll(cases, (c) => runCliAsync(c.args, { timeoutMs: 15_000 }));
    results.forEach((r, i) => expectCleanError(r, cases[i]!.why));
  }, 120_000);

  it("sweep slurm checks --script as a file output", async () => {
    const r = await runCliAsync(["sweep", "slurm", "--range", "0-1", "--array-size", "1", "--seeds", "777", "--datasets", "cifar10", "--hp", "12", "--out", join(root, "slurm"), "--script", join(root, "a-folder")]);
    expectCleanError(r, /--script .*is a folder/);
  });

  it("export may still write to a character device (/dev/null)", async () => {
    const r = await runCliAsync(["export", "--bench", store, "--format", "csv", "--out", "/dev/null"]);
    expect(r.status, r.stderr).toBe(0);
  });
});
