// Replica groups (packages/engine/src/tensor/replicas.ts, native/src/replica_group.cc and sync_batch_norm.cc): threads of one
// process exchanging batch-norm statistics and gradients. Each replica runs in a worker thread with the built engine.
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import {
  BatchNorm2d,
  createReplicaGroup,
  noGrad,
  releaseReplicaGroup,
  setNumThreads,
  tensor,
  tidy,
  type Replica,
  type Tensor,
} from "../../packages/engine/src/tensor/index.js";

const WORKER = join(import.meta.dirname, "support", "replica-worker.mjs");

type Scenario = { name: "allReduce" } | { name: "batchNorm"; affine: boolean; channelsLast: boolean } | { name: "failure" };

/** Runs `scenario` on `world` replicas, each in its own worker thread; resolves with each replica's result by rank. */
async function onReplicas<T>(world: number, scenario: Scenario): Promise<T[]> {
  const group = createReplicaGroup(world);
  try {
    return await Promise.all(
      Array.from({ length: world }, (_, rank) => {
        const replica: Replica = { group, rank, world };
        const worker = new Worker(WORKER, { workerData: { scenario, replica }, env: { ...process.env, AA_NAS_THREADS: "1" } });
        return new Promise<T>((resolve, reject) => {
          worker.once("message", (m: { ok?: T; error?: string }) => (m.error !== undefined ? reject(new Error(m.error)) : resolve(m.ok as T)));
          worker.once("error", reject);
        }).finally(() => worker.terminate());
      }),
    );
  } finally {
    releaseReplicaGroup(group);
  }
}

interface Output {
  y: number[];
  dx: number[];
  dw: number[] | null;
  db: number[] | null;
  runningMean: number[];
  runningVar: number[];
}

const closeTo = (got: number[], want: number[], tol: number): void => {
  expect(got).toHaveLength(want.length);
  got.forEach((v, i) => expect(Math.abs(v - want[i]!), `element ${i}: ${v} vs ${want[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want[i]!))));
};

describe("replica groups", () => {
  setNumThreads(1);

  it("allReduce sums float32 and float64 tensors in rank order and takes maxima, giving every replica the same values; broadcast copies replica 0's", async () => {
    const results = await onReplicas<{ f: number[]; d: number[]; m: number[]; b: number[] }>(3, { name: "allReduce" });
    const f = (r: number, i: number) => Math.fround(0.1 * (i + 1) * (r + 1) + 1e-3 * r);
    const wantF = Array.from({ length: 7 }, (_, i) => Math.fround(Math.fround(f(0, i) + f(1, i)) + f(2, i)));
    const wantD = Array.from({ length: 5 }, (_, i) => (i - 2) * 0.5 + (i - 2) * 1.5 + (i - 2) * 2.5);
    for (const r of results) {
      expect(r.f).toEqual(wantF);
      expect(r.d).toEqual(wantD);
      expect(r.m).toEqual([10, 10, 10, -3]);
      expect(r.b).toEqual([0, 1, 2]);
    }
  });

  for (const [affine, channelsLast] of [[true, false], [false, false], [true, true], [false, true]] as const) {
    it(`batch norm over a batch split across replicas equals batch norm over the whole batch (affine: ${affine}, ${channelsLast ? "channels-last" : "row-major"} slices): output, input and parameter gradients, running statistics`, async () => {
      // 9 images over 2 replicas: 4 and 5; replica 0 drew the data
      const parts = await onReplicas<Output & { inputs: { x: number[]; g: number[]; w: number[]; b: number[] } }>(2, { name: "batchNorm", affine, channelsLast });
      const { inputs } = parts[0]!;
      expect(parts[1]!.inputs).toEqual(inputs);

      // the whole batch on this thread, through libtorch's own kernel path
      const x = tensor(Float32Array.from(inputs.x), [9, 6, 5, 5]).keep().requiresGrad_();
      const g = tensor(Float32Array.from(inputs.g), [9, 6, 5, 5]).keep();
      const bn = new BatchNorm2d(6, { affine });
      bn.train();
      if (affine) noGrad(() => (bn.weight!.copy_(tensor(Float32Array.from(inputs.w))), bn.bias!.copy_(tensor(Float32Array.from(inputs.b)))));
      const values = (t: Tensor): number[] => Array.from(t.toArray() as Float32Array);
      const want: Output = tidy(() => {
        const y = bn.forward(x);
        y.mul(g).sum().backward();
        return {
          y: values(y),
          dx: values(x.grad!),
          dw: affine ? values(bn.weight!.grad!) : null,
          db: affine ? values(bn.bias!.grad!) : null,
          runningMean: values(bn.runningMean!),
          runningVar: values(bn.runningVar!),
        };
      });
      bn.dispose();
      x.dispose();
      g.dispose();

      closeTo([...parts[0]!.y, ...parts[1]!.y], want.y, 1e-5);
      closeTo([...parts[0]!.dx, ...parts[1]!.dx], want.dx, 1e-5);
      for (const p of parts) {
        if (affine) {
          closeTo(p.dw!, want.dw!, 1e-5);
          closeTo(p.db!, want.db!, 1e-5);
        }
        closeTo(p.runningMean, want.runningMean, 1e-6);
        closeTo(p.runningVar, want.runningVar, 1e-6);
      }
      expect(parts[1]!.runningVar).toEqual(parts[0]!.runningVar);
    });
  }

  it("a replica that fails wakes the one waiting for it with its error instead of leaving it blocked", async () => {
    const [waiting] = await onReplicas<{ error: string | null; waitedMs: number }>(2, { name: "failure" });
    expect(waiting!.error).toMatch(/replica 1 failed: boom/);
    expect(waiting!.error).not.toMatch(/libtorch/);
  });
});
