// The training commands end to end through the built CLI: whatever trains (train, train-net, sweep workers) writes
// one record file and one weights layout, which merge, query and eval-net read. Tiny settings: a few hundred
// Fashion-MNIST images, one epoch, C=4 with one cell per stage, one replica (so eval-net's pass equals the record's).
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { referenceDir } from "../support/reference.js";
import { readRecordFile } from "../../packages/engine/src/pipeline/record-file.js";
import { networkCosts } from "../../packages/engine/src/models/costs.js";
import { shapeTinyNetwork } from "../../packages/engine/src/models/structure.js";
import { loadSafetensors, saveSafetensors } from "../../packages/engine/src/tensor/index.js";
import { tempDirs } from "../data/temp.js";

const tmp = tempDirs();
const TINY = ["--datasets", "fashion-mnist", "--train-subset", "256", "--eval-subset", "128", "--channel", "4", "--num-cells", "1", "--replicas", "1"];
const ENV = { env: { AA_NAS_THREADS: "1" } };

interface EvalOut {
  dataset: string;
  results: Record<string, { acc1: number; loss: number }>;
}

/** eval-net's ori-test result for a weights file. */
function evalNet(weights: string): EvalOut["results"][string] {
  const e = runCli(["eval-net", weights, "--eval-subset", "128", "--json"], ENV);
  expect(e.status, e.stderr).toBe(0);
  const out = JSON.parse(e.stdout) as EvalOut;
  expect(out.dataset).toBe("fashion-mnist");
  return out.results["ori-test"]!;
}

/** The final ori-test accuracy and loss a record file holds for fashion-mnist. */
function recordFinal(path: string): { acc1: number; loss: number } {
  const c = readRecordFile(path).runs.find((r) => r.dataset === "fashion-mnist")!.evals["ori-test"]!;
  return { acc1: c.acc!.at(-1)!, loss: c.loss!.at(-1)! };
}

describe("aa-nas train-net / train / eval-net (built CLI, one driver)", () => {
  it("train-net writes a checksummed record that merge takes and query answers; eval-net reproduces its final accuracy", () => {
    const out = tmp("aa-cli-train-net-");
    const r = runCli(["train-net", "resnet", "--seeds", "777", "--epochs", "1", ...TINY, "--out", out, "--json"], ENV);
    expect(r.status, r.stderr).toBe(0);
    const record = join(out, "arch-011472-seed-0777.json");
    expect(JSON.parse(r.stdout)).toMatchObject({ written: [record], skipped: [], interrupted: false });
    const file = readRecordFile(record);
    expect(file.hp).toBe("1");
    expect(file.weights).toEqual({ "fashion-mnist": "arch-011472-seed-0777-fashion-mnist.safetensors" });
    expect(file.runs[0]!.provenance.source).toBe("aa-nas train (subset: 256 train images)");

    const db = join(out, "b.sqlite");
    const merged = runCli(["merge", out, "--out", db, "--json"]);
    expect(merged.status, merged.stderr).toBe(0);
    expect(JSON.parse(merged.stdout)).toMatchObject({ files: 1, inserted: 1, corrupt: [] });
    const q = runCli(["query", "11472", "--bench", db, "--dataset", "fashion-mnist", "--hp", "1", "--json"]);
    expect(q.status, q.stderr).toBe(0);
    const info = JSON.parse(q.stdout) as Record<string, number>;
    const final = recordFinal(record);
    expect(info["test-accuracy"]).toBe(final.acc1);
    expect(info["test-loss"]).toBe(final.loss);
    expect(info["train-loss"]).toBe(file.runs[0]!.train.loss![0]);

    expect(evalNet(join(out, file.weights!["fashion-mnist"]!))).toMatchObject(final);
  }, 120_000);

  it("train --save-weights writes the same weights layout, which eval-net reads back to the record's final accuracy", () => {
    const out = tmp("aa-cli-train-");
    const r = runCli(["train", "--arch-index", "1835", "--seeds", "3", "--hp", "1", ...TINY, "--save-weights", "--out", out], ENV);
    expect(r.status, r.stderr).toBe(0);
    const file = readRecordFile(join(out, "arch-001835-seed-0003.json"));
    expect(evalNet(join(out, file.weights!["fashion-mnist"]!))).toMatchObject(recordFinal(join(out, "arch-001835-seed-0003.json")));
  }, 120_000);

  it("eval-net still reads the weights files older `train --save-weights` wrote (unprefixed, no network metadata)", () => {
    const out = tmp("aa-cli-old-weights-");
    expect(runCli(["train", "--arch-index", "1835", "--seeds", "3", "--hp", "1", ...TINY, "--save-weights", "--out", out], ENV).status).toBe(0);
    const current = join(out, "arch-001835-seed-0003-fashion-mnist.safetensors");
    const { tensors } = loadSafetensors(current);
    const old = join(out, "old.safetensors");
    const unprefixed = new Map([...tensors].map(([k, t]) => [k.replace(/^fashion-mnist\//, ""), t]));
    saveSafetensors(old, unprefixed, { arch: readRecordFile(join(out, "arch-001835-seed-0003.json")).arch, dataset: "fashion-mnist", seed: "3", hp: "1" });
    for (const t of tensors.values()) t.dispose();
    const { acc1, loss } = evalNet(current);
    expect(evalNet(old)).toMatchObject({ acc1, loss });
  }, 120_000);

  it("merge names an older train-net per-seed file and says how to train it again (exit 2)", () => {
    const out = tmp("aa-cli-seedfile-");
    const legacy = { arch: "x", archIndex: 11472, seed: 777, hp: "200", datasetKeys: ["cifar10-valid", "cifar10"], records: { "cifar10-valid": { config: { channel: 16, numCells: 5 } } } };
    writeFileSync(join(out, "arch-011472-seed-0777.json"), JSON.stringify(legacy, null, 1));
    const r = runCli(["merge", out, "--out", join(out, "b.sqlite")]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("is a per-seed file of an older `aa-nas train-net` (no checksum)");
    expect(r.stderr).toContain("aa-nas train-net 11472 --seeds 777 --datasets cifar10-valid cifar10 --hp 200 --channel 16 --num-cells 5 --out <dir>");
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

  it("train and train-net check hp, datasets and numbers by the same rules before loading anything", () => {
    for (const cmd of [["train-net", "0"], ["train", "--arch-index", "0", "--seeds", "1", "--out", tmp("aa-cli-")]]) {
      expect(runCli([...cmd, "--datasets", "mnist", "--hp", "12"]).stderr).toMatch(/unknown dataset 'mnist'; valid datasets: 'cifar10-valid', 'cifar10', 'cifar100', 'ImageNet16-120' or 'fashion-mnist'/);
      expect(runCli([...cmd, "--datasets", "fashion-mnist", "--hp", "0"]).stderr).toMatch(/^aa-nas: bad hp '0': an hp setting is the schedule length in epochs/);
      expect(runCli([...cmd, "--datasets", "fashion-mnist", "--hp", "12", "--replicas", "0"]).stderr).toMatch(/bad --replicas '0': expected a positive integer/);
    }
    expect(runCli(["train-net", "0", "--epochs", "0"]).stderr).toMatch(/bad --epochs '0': expected a positive integer/);
    expect(runCli(["train-net", "0", "--hp", "12", "--epochs", "3"]).stderr).toMatch(/give --hp or --epochs, not both/);
  });

  it("data download: local archive errors and unknown names are one-line user errors", () => {
    const dir = tmp("aa-cli-data-");
    const missing = runCli(["data", "download", "cifar10", "--data-dir", dir, "--from", join(dir, "nope.tar.gz")]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/--from .*nope\.tar\.gz does not exist/);
    expect(runCli(["data", "download", "svhn"]).stderr).toMatch(/unknown data set 'svhn'; valid names: 'cifar10', 'cifar10-binary'/);
  });

  it("data download --json prints the dataset, the folder and the files it unpacked", () => {
    // the published split files, unpacked from the fixtures
    const from = referenceDir("splits");
    const dataDir = tmp("aa-cli-data-");
    const r = runCli(["data", "download", "splits", "--from", from, "--data-dir", dataDir, "--json"]);
    expect(r.status, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { name: string; dataDir: string; files: string[] };
    expect(json.name).toBe("splits");
    expect(json.dataDir).toBe(dataDir);
    expect(json.files.map((f) => f.slice(dataDir.length + 1)).sort()).toEqual(["ImageNet16-120-split.txt", "cifar100-test-split.txt", "imagenet-16-120-test-split.txt"]);
    for (const f of json.files) expect(existsSync(f)).toBe(true);
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

describe("aa-nas train / train-net --space sss (the size space's network through the same driver)", () => {
  const SSS_TINY = ["--datasets", "fashion-mnist", "--train-subset", "256", "--eval-subset", "128"];

  it("train-net 8:16:24:32:40 --hp 01 writes the record of index 668 with that network's costs, which eval-net rebuilds to its final accuracy", () => {
    const out = tmp("aa-cli-sss-net-");
    const r = runCli(["train-net", "8:16:24:32:40", "--space", "sss", "--hp", "01", "--seeds", "777", ...SSS_TINY, "--replicas", "1", "--out", out, "--json"], ENV);
    expect(r.status, r.stderr).toBe(0);
    const record = join(out, "arch-000668-seed-0777.json");
    const file = readRecordFile(record);
    expect(file).toMatchObject({ archIndex: 668, arch: "8:16:24:32:40", seed: 777, hp: "01" });
    const run = file.runs[0]!;
    // one epoch, the stem width and one cell per stage as the network config; Fashion-MNIST: 1 plane, padded to 32 × 32
    expect(run).toMatchObject({ archIndex: 668, arch: "8:16:24:32:40", hp: "01", epochs: 1, config: { channel: 8, numCells: 1, classNum: 10 } });
    const costs = networkCosts(shapeTinyNetwork([8, 16, 24, 32, 40], 10, 1), 32);
    expect([run.params, run.flops]).toEqual([costs.params, costs.flops]);
    expect(run.train.loss).toHaveLength(1);
    expect(evalNet(join(out, file.weights!["fashion-mnist"]!))).toMatchObject(recordFinal(record));
  }, 120_000);

  it("train --arch-index takes size-space indexes past tss's 15,624 and trains them with replicas (40:64:8:40:8 is 20000)", () => {
    const out = tmp("aa-cli-sss-range-");
    const r = runCli(["train", "--space", "sss", "--arch-index", "20000", "--seeds", "3", "--hp", "01", ...SSS_TINY, "--replicas", "2", "--out", out], { env: { AA_NAS_THREADS: "2" } });
    expect(r.status, r.stderr).toBe(0);
    const file = readRecordFile(join(out, "arch-020000-seed-0003.json"));
    expect(file.arch).toBe("40:64:8:40:8");
    expect(file.runs[0]!.provenance.device).toMatch(/2 replicas/);
    expect(file.runs[0]!.config).toEqual({ channel: 40, numCells: 1, classNum: 10 });
  }, 120_000);

  it("refuses what a size config cannot take, before loading anything (exit 2)", () => {
    const out = tmp("aa-cli-sss-bad-");
    const range = runCli(["train", "--space", "sss", "--range", "32760-32768", "--seeds", "1", "--hp", "01", "--datasets", "fashion-mnist", "--out", out]);
    expect(range.status).toBe(2);
    expect(range.stderr).toMatch(/bad range '32760-32768': expected START-END with 0 <= START <= END <= 32767/);
    const width = runCli(["train-net", "8:16:24:32:12", "--space", "sss", "--out", out]);
    expect(width.status).toBe(2);
    expect(width.stderr).toMatch(/position 5 of '8:16:24:32:12' is 12; valid widths are 8, 16, 24, 32, 40, 48, 56 or 64/);
    const channel = runCli(["train-net", "8:16:24:32:40", "--space", "sss", "--channel", "16", "--out", out]);
    expect(channel.stderr).toMatch(/--space sss: a size config sets every width itself; drop --channel/);
    expect(runCli(["train-net", "0", "--space", "nas", "--out", out]).stderr).toMatch(/unknown search space 'nas'; valid spaces: 'tss', 'topology', 'sss' or 'size'/);
  });
});
