// trainRun with its batches split over replicas (worker threads; packages/engine/src/train/replica-team.ts). The replica workers exist
// only in the built package, so these tests load trainRun from dist/ (built by `pretest`).
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import type { TrainingData } from "../../packages/engine/src/data/training-data.js";
import { hpConfig } from "../../packages/engine/src/train/hyper.js";
import type * as TrainRunModule from "../../packages/engine/src/train/train-run.js";
import { syntheticSet, syntheticTrainingData } from "./support/synthetic-data.js";

const dist = (path: string) => pathToFileURL(join(import.meta.dirname, "..", "..", "packages", "engine", "dist", path)).href;
const { trainRun } = (await import(dist("train/train-run.js"))) as typeof TrainRunModule;
const engine = (await import(dist("tensor/index.js"))) as typeof import("../../packages/engine/src/tensor/index.js");

/** Trains and returns the loss of every step (from the running averages) with the record. */
async function run(replicas: number, data: TrainingData, o: { epochs: number; lr: number }) {
  const steps: number[] = [];
  let sum = 0;
  const { record, net } = await trainRun({
    arch: 1462,
    data,
    seed: 777,
    hp: "test",
    config: { ...hpConfig("12"), epochs: o.epochs, batchSize: 16, lr: o.lr },
    channel: 8,
    numCells: 1,
    replicas,
    onProgress: (p) => {
      if (p.phase !== "train") return;
      if (p.batch === 1) sum = 0;
      const batch = Math.min(16, data.train.indices.length - (p.batch - 1) * 16);
      const total = p.loss! * Math.min(p.batch * 16, data.train.indices.length);
      steps.push((total - sum) / batch);
      sum = total;
    },
  });
  const weights = net.parameters().flatMap((p) => Array.from(p.toArray() as Float32Array));
  net.dispose();
  return { steps, record, weights };
}

const relative = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-12, Math.abs(b));

describe("trainRun over replicas", () => {
  engine.setNumThreads(1);

  it("trains the same network as one replica: the steps' losses, the final weights and the evaluation agree to float rounding", async () => {
    // Two steps of 16. Further steps are not compared: on these uint8 images a change of 1e-7 in the weights after the
    // first step already moves the third step's gradients by ~1 % (measured with one replica), so any regrouped sum —
    // two replicas, or PyTorch with another thread count — drifts from there on.
    const data = syntheticTrainingData(syntheticSet(52, 10, 3), 32);
    const one = await run(1, data, { epochs: 1, lr: 0.01 });
    expect(one.steps).toHaveLength(2);
    for (const replicas of [2, 3]) {
      const other = await run(replicas, data, { epochs: 1, lr: 0.01 });
      expect(other.steps).toHaveLength(2);
      other.steps.forEach((l, i) => expect(relative(l, one.steps[i]!), `${replicas} replicas, step ${i}: ${l} vs ${one.steps[i]}`).toBeLessThan(1e-6));
      const drift = Math.max(...other.weights.map((w, i) => Math.abs(w - one.weights[i]!)));
      expect(drift, `${replicas} replicas: largest weight difference`).toBeLessThan(1e-6);
      expect(other.record.train.acc1).toEqual(one.record.train.acc1);
      expect(other.record.evals["ori-test"]!.acc).toEqual(one.record.evals["ori-test"]!.acc);
      expect(relative(other.record.evals["ori-test"]!.loss![0]!, one.record.evals["ori-test"]!.loss![0]!)).toBeLessThan(1e-6);
      expect(other.record.provenance.device).toMatch(new RegExp(`^cpu:.* \\(${replicas} replicas × 1 thread\\)$`));
    }
    expect(one.record.provenance.device).toMatch(/^cpu:.* \(1 thread\)$/);
  });

  it("fills the record as one replica does (curves per epoch, latency of every full eval batch) and learns", async () => {
    const data = syntheticTrainingData(syntheticSet(120, 10, 4), 80);
    const { record } = await run(2, data, { epochs: 3, lr: 0.1 });
    expect(record.train.loss).toHaveLength(3);
    expect(record.train.time!.every((t) => t > 0)).toBe(true);
    expect(record.evals["ori-test"]!.epochs).toEqual([0, 1, 2]);
    // 40 eval images in batches of 16 → two full batches (both kept), one of 8 (not a latency sample)
    expect(record.latency).toHaveLength(2);
    expect(record.latency!.every((t) => t > 0 && t < 10)).toBe(true);
    expect(record.train.loss![2]).toBeLessThan(record.train.loss![0]!);
  });

  it("uses no more replicas than the smallest batch has images", async () => {
    // the last train batch has 1 image (17 = 16 + 1), so the run keeps one replica
    const data = syntheticTrainingData(syntheticSet(25, 10, 5), 17);
    const { record } = await run(2, data, { epochs: 1, lr: 0.01 });
    expect(record.provenance.device).toMatch(/\(1 thread\)$/);
  });

  it("an error on the calling replica (here in onEpoch) reaches the caller and stops the other replicas", async () => {
    const data = syntheticTrainingData(syntheticSet(40, 10, 6), 32);
    const started = Date.now();
    await expect(
      trainRun({
        arch: 1462,
        data,
        seed: 777,
        hp: "test",
        config: { ...hpConfig("12"), epochs: 3, batchSize: 16 },
        channel: 8,
        numCells: 1,
        replicas: 2,
        onEpoch: () => {
          throw new Error("disk full");
        },
      }),
    ).rejects.toThrow("disk full");
    expect(Date.now() - started).toBeLessThan(60_000);
    // the next replicated run starts cleanly
    const { record } = await run(2, syntheticTrainingData(syntheticSet(40, 10, 7), 32), { epochs: 1, lr: 0.01 });
    expect(record.train.loss).toHaveLength(1);
  });
});
