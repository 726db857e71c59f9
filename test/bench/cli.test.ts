/** The bench commands through the built CLI (`npm run build` first), as a user runs them. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runCli } from "../support/cli.js";
import { NATS_SAMPLE, referencePath } from "../support/reference.js";

const dir = mkdtempSync(join(tmpdir(), "aa-nas-cli-"));
const db = join(dir, "bench.sqlite");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(() => {
  const r = runCli(["import", referencePath(NATS_SAMPLE), "--out", db, "--verify", "--no-progress"]);
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).toMatch(/imported 3 archs .* 51 runs new/);
  expect(r.stderr).toContain(`verified ${db}: integrity check passed`);
});

test("import --json prints the summary as one JSON object; a second import finds the archs done", () => {
  const r = runCli(["import", referencePath(NATS_SAMPLE), "--out", db, "--verify", "--no-progress", "--json"]);
  expect(r.status, r.stderr).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ out: db, kind: expect.any(String), archs: 0, skippedArchs: 3, verified: true, runs: { inserted: 0 } });
  expect(r.stderr).toBe("");
});

describe("aa-nas import / query / best / export", () => {
  test("query 0 --dataset cifar10 --hp 200 --trial mean --json prints the original's dict with its key names", () => {
    const r = runCli(["query", "0", "--bench", db, "--dataset", "cifar10", "--hp", "200", "--trial", "mean", "--json"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('"test-accuracy": 85.86333333333334');
    const info = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(info)).toStrictEqual(["train-loss", "train-accuracy", "train-per-time", "train-all-time", "comment", "test-loss", "test-accuracy", "test-per-time", "test-all-time"]);
  });

  test("query by arch string with a seed trial and an epoch", () => {
    const arch = "|skip_connect~0|+|skip_connect~0|skip_connect~1|+|none~0|nor_conv_1x1~1|none~2|";
    const r = runCli(["query", arch, "--bench", db, "--dataset", "cifar100", "--hp", "12", "--trial", "111", "--iepoch", "3", "--json"]);
    expect(r.status, r.stderr).toBe(0);
    expect(Object.keys(JSON.parse(r.stdout) as object)).toContain("valtest-accuracy");
  });

  test.each([
    [["query", "0", "--bench", db, "--dataset", "cifar10", "--hp", "20"], /unknown hp '20': valid hps are '12' or '200'/],
    [["query", "0", "--bench", db, "--dataset", "cifar10"], /required option '--hp <hp>'/],
    [["query", "0", "--bench", join(dir, "missing.sqlite"), "--dataset", "cifar10", "--hp", "12"], /does not exist/],
    [["best", "--bench", db, "--dataset", "cifar10", "--set", "x-test", "--hp", "12"], /no 'x-test' value/],
  ])("%j fails with one line on stderr", (args, message) => {
    const r = runCli(args);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test("best prints index, arch and accuracy", () => {
    const r = runCli(["best", "--bench", db, "--dataset", "ImageNet16-120", "--set", "test", "--hp", "200", "--json"]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toStrictEqual({ index: 284, arch: "|skip_connect~0|+|skip_connect~0|skip_connect~1|+|none~0|nor_conv_1x1~1|none~2|", accuracy: 32.466666556464304 });
  });

  test("export writes one final-epoch row per run as CSV and as JSON lines", () => {
    const csv = runCli(["export", "--bench", db, "--format", "csv"]);
    expect(csv.status, csv.stderr).toBe(0);
    const lines = csv.stdout.trim().split("\n");
    expect(lines[0]).toBe("arch_index,arch,hp,dataset,seed,epochs,params,flops,latency,train_loss,train_acc,xvalid_loss,xvalid_acc,xtest_loss,xtest_acc,oritest_loss,oritest_acc,train_time_total");
    expect(lines.length).toBe(1 + 51);
    const out = join(dir, "final.jsonl");
    const jl = runCli(["export", "--bench", db, "--format", "jsonl", "--out", out]);
    expect(jl.status, jl.stderr).toBe(0);
    const rows = readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.length).toBe(51);
    const c10 = rows.filter((r) => r.arch_index === 0 && r.hp === "200" && r.dataset === "cifar10").map((r) => r.oritest_acc);
    expect(c10).toStrictEqual([85.62, 86.18, 85.79]);
  });
});
