import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ImageSet } from "../../packages/engine/src/data/image-set.js";
import type { TrainingData } from "../../packages/engine/src/data/training-data.js";
import { setNumThreads, liveTensorCount } from "../../packages/engine/src/tensor/index.js";
import { hpConfig } from "../../packages/engine/src/train/hyper.js";
import { trainRun } from "../../packages/engine/src/train/train-run.js";
import { archAt, archCosts } from "../../packages/core/src/space/index.js";
import { runPython } from "../data/python.js";
import { tempDirs } from "../data/temp.js";
import { indexRange, syntheticSet, syntheticTrainingData } from "./support/synthetic-data.js";
import { datasetInfo } from "../../packages/core/src/registry/index.js";

const tempDir = tempDirs();

function trainingData(set: ImageSet, nTrain: number): TrainingData {
  return syntheticTrainingData(set, nTrain, [{ name: "x-valid", set, indices: indexRange(0, 8) }]);
}

const tiny = { channel: 8, numCells: 1 };

describe("trainRun", () => {
  setNumThreads(1);

  it("matches the PyTorch procedure epoch by epoch (same data order): train loss/top-1/top-5 and eval loss/top-1", async () => {
    const set = syntheticSet(52, 10, 3);
    const data = trainingData(set, 40);
    const arch = archAt(1462);
    const config = { ...hpConfig("12"), epochs: 3, batchSize: 16 };
    const { record, net } = await trainRun({ arch, data, seed: 888, hp: "test", config, channel: 16, numCells: 2 });
    net.dispose();

    const dir = tempDir("aa-train-");
    writeFileSync(join(dir, "pixels.bin"), set.pixels);
    writeFileSync(join(dir, "labels.bin"), new Uint8Array(set.labels.buffer));
    const job = { arch, seed: 888, C: 16, N: 2, classes: 10, epochs: 3, batch: 16, pad: 4, mean: datasetInfo("cifar10").norm.mean, std: datasetInfo("cifar10").norm.std, side: 32, channels: 3, train_idx: Array.from(data.train.indices), eval_idx: Array.from(data.evals[0]!.indices) };
    writeFileSync(join(dir, "job.json"), JSON.stringify(job));
    runPython(readFileSync(join(import.meta.dirname, "reference", "train_reference.py"), "utf8"), [join(import.meta.dirname, "..", "models", "reference"), dir]);
    const py = JSON.parse(readFileSync(join(dir, "result.json"), "utf8")) as { train: number[][]; eval: number[][] };

    const close = (a: number, b: number) => Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(b));
    for (let e = 0; e < 3; e++) {
      const [l, a1, a5] = py.train[e]!;
      expect(close(record.train.loss![e]!, l!), `train loss epoch ${e}: ${record.train.loss![e]} vs ${l}`).toBe(true);
      expect(record.train.acc1![e]).toBeCloseTo(a1!, 9);
      expect(record.train.acc5![e]).toBeCloseTo(a5!, 9);
      const [el, ea1] = py.eval[e]!;
      expect(close(record.evals["ori-test"]!.loss![e]!, el!), `eval loss epoch ${e}`).toBe(true);
      expect(record.evals["ori-test"]!.acc![e]).toBeCloseTo(ea1!, 9);
    }
    expect(record.train.loss![2]).toBeLessThan(record.train.loss![0]!);
  });

  it("fills a RunRecord: curves per epoch, every eval set each epoch, latency from the last epoch's latency set", async () => {
    const data = trainingData(syntheticSet(40, 10, 1), 24);
    const config = { ...hpConfig("12"), epochs: 2, batchSize: 8 };
    const before = liveTensorCount();
    const { record, net } = await trainRun({ arch: 11472, data, seed: 777, hp: "12", config, ...tiny });
    net.dispose();
    expect(liveTensorCount()).toBe(before);
    expect(record).toMatchObject({ archIndex: 11472, arch: archAt(11472), hp: "12", dataset: "cifar10", seed: 777, epochs: 2, config: { channel: 8, numCells: 1, classNum: 10 } });
    expect(record.provenance).toEqual({ seedImputed: false, timesEstimated: false, device: expect.stringMatching(/^cpu:.* \(1 thread\)$/), source: "aa-nas train" });
    expect(record.train.loss).toHaveLength(2);
    expect(record.train.time!.every((t) => t > 0)).toBe(true);
    expect(record.evals["ori-test"]!.epochs).toEqual([0, 1]);
    expect(record.evals["x-valid"]!.acc).toHaveLength(2);
    // 16 eval images in batches of 8 → 2 latencies, both kept
    expect(record.latency).toHaveLength(2);
    expect(record.latency!.every((t) => t > 0 && t < 10)).toBe(true);
  });

  it("records the closed-form params and FLOPs for the benchmark network", async () => {
    const data = trainingData(syntheticSet(12, 10, 2), 8);
    const { record, net } = await trainRun({ arch: 0, data, seed: 1, hp: "12", config: { ...hpConfig("12"), epochs: 1, batchSize: 8 }, stopEpoch: 0 });
    net.dispose();
    expect({ flops: record.flops, params: record.params }).toEqual(archCosts(archAt(0), "cifar10"));
    expect(record.train.loss).toEqual([]);
  });

  it("resumes from an epoch checkpoint to exactly the result of an uninterrupted run", async () => {
    const data = trainingData(syntheticSet(40, 10, 4), 30);
    const config = { ...hpConfig("12"), epochs: 3, batchSize: 8 };
    const full = await trainRun({ arch: 1462, data, seed: 999, hp: "12", config, ...tiny });
    const dir = tempDir("aa-resume-");
    const epochsSeen: number[] = [];
    const first = await trainRun({
      arch: 1462, data, seed: 999, hp: "12", config, ...tiny, stopEpoch: 1,
      onEpoch: (e) => {
        epochsSeen.push(e.epoch);
        e.saveCheckpoint(join(dir, `epoch-${e.epoch}.safetensors`));
      },
    });
    first.net.dispose();
    expect(epochsSeen).toEqual([0]);
    const resumed = await trainRun({ arch: 1462, data, seed: 999, hp: "12", config, ...tiny, resumeFrom: join(dir, "epoch-0.safetensors") });
    const strip = (r: typeof full.record) => ({ loss: r.train.loss, acc1: r.train.acc1, evalLoss: r.evals["ori-test"]!.loss, evalAcc: r.evals["ori-test"]!.acc });
    expect(strip(resumed.record)).toEqual(strip(full.record));
    const a = full.net.stateDict();
    for (const [k, t] of resumed.net.stateDict()) expect(Buffer.from(t.toArray().buffer).equals(Buffer.from(a.get(k)!.toArray().buffer)), k).toBe(true);
    full.net.dispose();
    resumed.net.dispose();
    await expect(trainRun({ arch: 1462, data, seed: 111, hp: "12", config, ...tiny, resumeFrom: join(dir, "epoch-0.safetensors") })).rejects.toThrow(/was written for seed 999, this run has 111/);
  });
});
