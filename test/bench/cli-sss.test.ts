/** `aa-nas import` and `aa-nas query` on the size search space, through the built CLI (`npm run build` first). */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create as tarCreate } from "tar";
import { afterAll, beforeAll, expect, test } from "vitest";
import { runCli } from "../support/cli.js";
import { NATS_SAMPLE, referencePath } from "../support/reference.js";

const SAMPLE = "nats-sss-v1_0-50262-simple-sample";
const dir = mkdtempSync(join(tmpdir(), "aa-nas-cli-sss-"));
const db = join(dir, "sss.sqlite");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(() => {
  const r = runCli(["import", referencePath(SAMPLE), "--out", db, "--verify", "--no-progress"]);
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).toMatch(/imported 3 archs .* 60 runs new/);
  expect(r.stderr).toContain(`verified ${db}: integrity check passed (SQLite quick_check, all 32768 archs of the sss space`);
});

test("import --json names the space the new store took from the input", () => {
  const r = runCli(["import", referencePath(SAMPLE), "--out", db, "--no-progress", "--json"]);
  expect(r.status, r.stderr).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ space: "sss", archs: 0, skippedArchs: 3 });
});

test("query by index and by channel string answers the real API's numbers", () => {
  let r = runCli(["query", "11", "--bench", db, "--dataset", "cifar10", "--hp", "12", "--json"]);
  expect(r.status, r.stderr).toBe(0);
  expect((JSON.parse(r.stdout) as Record<string, number>)["test-accuracy"]).toBe(79.81333333333333);
  r = runCli(["query", "8:8:40:32:40", "--bench", db, "--dataset", "cifar100", "--hp", "90", "--space", "size"]);
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/^arch 284 8:8:40:32:40 on cifar100 \(hp 90\)\n/);
  expect(r.stdout).toMatch(/valid-accuracy\s+62\.77999999389648/);
});

test("best and export name size archs by their channel strings", () => {
  let r = runCli(["best", "--bench", db, "--dataset", "cifar10", "--set", "valid", "--hp", "90", "--json"]);
  expect(r.status, r.stderr).toBe(0);
  // the real API's find_best over the three archs (golden-api-nats_bench-v1.8-sss-extra.json)
  expect(JSON.parse(r.stdout)).toStrictEqual({ index: 284, arch: "8:8:40:32:40", accuracy: 86.79599999511719 });
  r = runCli(["export", "--bench", db, "--format", "jsonl"]);
  expect(r.status, r.stderr).toBe(0);
  const rows = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { arch_index: number; arch: string });
  expect(rows.length).toBe(60);
  expect(new Set(rows.map((x) => `${x.arch_index} ${x.arch}`))).toStrictEqual(new Set(["0 8:8:8:8:8", "11 8:8:8:16:32", "284 8:8:40:32:40"]));
});

test("commands that know topology cells only refuse an sss store; the browser export writes it", () => {
  const web = runCli(["export", "--bench", db, "--format", "browser", "--out", join(dir, "web"), "--no-progress"]);
  expect(web.status, web.stderr).toBe(0);
  expect(web.stdout).toMatch(/^exported 3 sss archs \(60 runs\)/);
  for (const args of [["zero-cost", "score", "--bench", db, "--arch-index", "0"]]) {
    const r = runCli(args);
    expect(r.status, `${args.join(" ")}: ${r.stderr}`).toBe(2);
    expect(r.stderr, args.join(" ")).toMatch(/size search space/);
  }
});

test("the wrong space, hp or arch string is one error line and exit 2", () => {
  const cases: [string[], RegExp][] = [
    [["query", "0", "--bench", db, "--dataset", "cifar10", "--hp", "12", "--space", "tss"], /holds the size search space \('sss'\), not 'tss'/],
    [["query", "0", "--bench", db, "--dataset", "cifar10", "--hp", "1"], /unknown hp '1'.*'01', '12' or '90'/],
    [["query", "8:8:8:8:9", "--bench", db, "--dataset", "cifar10", "--hp", "12"], /valid widths are 8, 16/],
    [["import", referencePath(NATS_SAMPLE), "--out", db, "--no-progress"], /holds the size search space \('sss'\), not 'tss'/],
  ];
  for (const [args, message] of cases) {
    const r = runCli(args);
    expect(r.status, args.join(" ")).toBe(2);
    expect(r.stderr, args.join(" ")).toMatch(message);
  }
});

test("a tar whose name does not say sss needs --space sss, and the failed import leaves no store", () => {
  mkdirSync(join(dir, "src", "bench"), { recursive: true });
  const files = ["000000.pickle.pbz2", "000011.pickle.pbz2", "meta.pickle.pbz2"];
  for (const f of files) copyFileSync(referencePath(SAMPLE, f), join(dir, "src", "bench", f));
  const tarPath = join(dir, "bench.tar");
  tarCreate({ file: tarPath, cwd: join(dir, "src"), sync: true }, files.map((f) => `bench/${f}`));
  const out = join(dir, "from-tar.sqlite");
  let r = runCli(["import", tarPath, "--out", out, "--no-progress", "--workers", "0"]);
  expect(r.status, r.stderr).toBe(2);
  expect(r.stderr).toMatch(/a size-space record .* --space sss/);
  expect(existsSync(out)).toBe(false);
  r = runCli(["import", tarPath, "--out", out, "--no-progress", "--space", "sss", "--json"]);
  expect(r.status, r.stderr).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ space: "sss", kind: "tar", archs: 2, runs: { inserted: 40 } });
});
