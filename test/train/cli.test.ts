import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { referenceDir } from "../support/reference.js";
import { CELL_ARCHITECTURES } from "../../src/models/cell-archs.js";
import { indexOf } from "../../src/space/index.js";
import { tempDirs } from "../data/temp.js";

const tempDir = tempDirs();

const tmp = tempDir;

describe("aa-nas train-net / eval-net / data (built CLI)", () => {
  it("trains on the embedded Fashion-MNIST, writes record + weights, and eval-net reproduces the final evaluation", () => {
    const out = tmp("aa-cli-train-");
    const r = runCli(["train-net", "all_c1x1", "--datasets", "fashion-mnist", "--seeds", "3", "--epochs", "1", "--train-subset", "96", "--eval-subset", "64", "--channel", "4", "--num-cells", "1", "--out", out, "--json"], {
      env: { AA_NAS_THREADS: "1" },
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const events = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { event: string; files?: string[]; evals?: Record<string, { acc: number; loss: number }> });
    expect(events.map((e) => e.event)).toEqual(["start", "epoch", "done"]);
    const stem = join(out, `arch-${String(indexOf(CELL_ARCHITECTURES.all_c1x1!)).padStart(6, "0")}-seed-0003`);
    const json = `${stem}.json`;
    expect(events[2]!.files).toEqual([json, `${stem}.safetensors`]);
    const file = JSON.parse(readFileSync(json, "utf8")) as { hp: string; datasetKeys: string[]; records: Record<string, { train: { loss: number[] }; epochs: number; provenance: { source: string } }> };
    expect(file.hp).toBe("1");
    expect(file.datasetKeys).toEqual(["fashion-mnist"]);
    expect(file.records["fashion-mnist"]!.train.loss).toHaveLength(1);
    expect(file.records["fashion-mnist"]!.provenance.source).toMatch(/subset: 96 train images/);

    const e = runCli(["eval-net", `${stem}.safetensors`, "--eval-subset", "64", "--json"], { env: { AA_NAS_THREADS: "1" } });
    expect(e.status).toBe(0);
    const evaluated = JSON.parse(e.stdout) as { dataset: string; results: Record<string, { acc1: number; loss: number }> };
    expect(evaluated.dataset).toBe("fashion-mnist");
    expect(evaluated.results["ori-test"]!.acc1).toBe(events[1]!.evals!["ori-test"]!.acc);
    expect(evaluated.results["ori-test"]!.loss).toBe(events[1]!.evals!["ori-test"]!.loss);
  });

  it("rejects an unknown cell name with one line naming the valid ones (exit 2)", () => {
    const r = runCli(["train-net", "all_c5x5", "--datasets", "fashion-mnist", "--out", tmp("aa-cli-")]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^aa-nas: unknown cell name 'all_c5x5'; valid: 'resnet', 'all_c3x3', 'all_c1x1' or 'all_idnt'/);
  });

  it("says what to download when the data folder lacks CIFAR-10", () => {
    const dir = tmp("aa-cli-empty-");
    const r = runCli(["train-net", "resnet", "--datasets", "cifar10", "--seeds", "1", "--data-dir", dir, "--out", tmp("aa-cli-")]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`aa-nas: CIFAR-10 not found in ${dir}`);
    expect(r.stderr).toContain(`aa-nas data download cifar10 --data-dir ${dir}`);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("rejects unknown dataset keys and bad numbers before loading anything", () => {
    expect(runCli(["train-net", "0", "--datasets", "mnist"]).stderr).toMatch(/unknown dataset 'mnist'; valid datasets: 'cifar10-valid', 'cifar10', 'cifar100', 'ImageNet16-120' or 'fashion-mnist'/);
    expect(runCli(["train-net", "0", "--epochs", "0"]).stderr).toMatch(/bad --epochs '0': expected a positive integer/);
  });

  it("data download: local archive errors and unknown names are one-line user errors", () => {
    const dir = tmp("aa-cli-data-");
    const missing = runCli(["data", "download", "cifar10", "--data-dir", dir, "--from", join(dir, "nope.tar.gz")]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/--from .*nope\.tar\.gz does not exist/);
    expect(runCli(["data", "download", "svhn"]).stderr).toMatch(/unknown data set 'svhn'; valid names: 'cifar10', 'cifar10-binary'/);
  });

  it("data status lists the split files found in the data folder", () => {
    const r = runCli(["data", "status", "--data-dir", referenceDir("splits"), "--json"]);
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout) as { status: Record<string, string | null> };
    expect(s.status["cifar100-test-split.txt"]).toMatch(/cifar100-test-split\.txt$/);
    expect(s.status["CIFAR-10"]).toBeNull();
    expect(existsSync(s.status["Fashion-MNIST"]!)).toBe(true);
  });
});
