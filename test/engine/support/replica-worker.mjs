// Worker thread of replicas.test.ts: replica `rank` of a group runs one scenario and posts what it computed.
import { parentPort, workerData } from "node:worker_threads";
import {
  BatchNorm2d,
  abortReplicaGroup,
  allReduce,
  broadcast,
  joinReplicaGroup,
  manualSeed,
  noGrad,
  randn,
  retireThreadCache,
  tensor,
  tidy,
  zeros,
} from "../../../packages/engine/dist/tensor/index.js";

const { scenario, replica } = workerData;
joinReplicaGroup(replica);

/** Rows `[rank·n/W, (rank+1)·n/W)` of a tensor (the slice of the batch this replica holds). */
function slice(t) {
  const n = t.shape[0];
  const start = Math.floor((n * replica.rank) / replica.world);
  const end = Math.floor((n * (replica.rank + 1)) / replica.world);
  return t.narrow(0, start, end - start).contiguous();
}

const scenarios = {
  // float32 and float64 tensors whose values depend on the rank: sum and max over the replicas; replica 0's int64 values to all
  allReduce() {
    return tidy(() => {
      const f = tensor(Float32Array.from({ length: 7 }, (_, i) => Math.fround(0.1 * (i + 1) * (replica.rank + 1) + 1e-3 * replica.rank)), [7]);
      const d = tensor(Float64Array.from({ length: 5 }, (_, i) => (i - 2) * (replica.rank + 0.5)), [5], { dtype: "float64" });
      const m = tensor(Float32Array.from({ length: 4 }, (_, i) => (i === replica.rank ? 10 : -i - replica.rank)), [4]);
      const b = tensor(BigInt64Array.from({ length: 3 }, (_, i) => BigInt(10 * replica.rank + i)), [3], { dtype: "int64" });
      allReduce([f, d]);
      allReduce([m], "max");
      broadcast([b]);
      return { f: Array.from(f.toArray()), d: Array.from(d.toArray()), m: Array.from(m.toArray()), b: Array.from(b.toArray(), Number) };
    });
  },
  // training-mode batch norm on this replica's slice; gradients of Σ y·g; parameter gradients summed over replicas.
  // Only replica 0 draws the data (libtorch's generator is shared by the threads) and broadcasts it.
  batchNorm({ affine, channelsLast }) {
    const x = zeros([9, 6, 5, 5]).keep();
    const g = zeros([9, 6, 5, 5]).keep();
    const w = zeros([6]).keep();
    const b = zeros([6]).keep();
    if (replica.rank === 0) {
      manualSeed(5);
      tidy(() => noGrad(() => (x.copy_(randn([9, 6, 5, 5]).mul(2).add(0.5)), g.copy_(randn([9, 6, 5, 5])), w.copy_(randn([6]).abs().add(0.5)), b.copy_(randn([6])))));
    }
    broadcast([x, g, w, b]);
    const bn = new BatchNorm2d(6, { affine });
    bn.train();
    if (affine) noGrad(() => (bn.weight.copy_(w), bn.bias.copy_(b)));
    const layout = channelsLast ? "channelsLast" : "rowMajor";
    const xs = slice(x).contiguous(layout).keep().requiresGrad_();
    const out = tidy(() => {
      const y = bn.forward(xs);
      y.mul(slice(g).contiguous(layout)).sum().backward();
      const grads = affine ? [bn.weight.grad, bn.bias.grad] : [];
      allReduce(grads);
      const values = (t) => Array.from(t.toArray());
      return {
        inputs: { x: values(x), g: values(g), w: values(w), b: values(b) },
        y: values(y),
        dx: values(xs.grad),
        dw: affine ? values(bn.weight.grad) : null,
        db: affine ? values(bn.bias.grad) : null,
        runningMean: values(bn.runningMean),
        runningVar: values(bn.runningVar),
      };
    });
    bn.dispose();
    return out;
  },
  // replica 1 fails before its batch norm; replica 0 waits there for it
  failure() {
    if (replica.rank === 1) {
      abortReplicaGroup(replica.group, "replica 1 failed: boom");
      return { failed: true };
    }
    const bn = new BatchNorm2d(3);
    const started = Date.now();
    try {
      tidy(() => bn.forward(randn([4, 3, 2, 2])));
      return { error: null };
    } catch (err) {
      return { error: err.message, waitedMs: Date.now() - started };
    }
  },
};

try {
  parentPort.postMessage({ ok: scenarios[scenario.name](scenario) });
} catch (err) {
  parentPort.postMessage({ error: err.stack ?? String(err) });
} finally {
  retireThreadCache();
}
