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
} from "../../../dist/engine/index.js";

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
  // training-mode batch norm on this replica's slice; gradients of Σ y·g; parameter gradients summed over replicas
  batchNorm({ affine, channelsLast }) {
    manualSeed(5);
    const x = randn([9, 6, 5, 5]).mul(2).add(0.5).keep();
    const g = randn([9, 6, 5, 5]).keep();
    const bn = new BatchNorm2d(6, { affine });
    bn.train();
    if (affine) tidy(() => noGrad(() => { bn.weight.copy_(randn([6]).abs().add(0.5)); bn.bias.copy_(randn([6])); }));
    const xs = slice(x).contiguous(channelsLast ? "channelsLast" : "rowMajor").keep().requiresGrad_();
    const out = tidy(() => {
      const y = bn.forward(xs);
      y.mul(slice(g).contiguous(channelsLast ? "channelsLast" : "rowMajor")).sum().backward();
      const grads = affine ? [bn.weight.grad, bn.bias.grad] : [];
      allReduce(grads);
      return {
        y: Array.from(y.toArray()),
        dx: Array.from(xs.grad.toArray()),
        dw: affine ? Array.from(bn.weight.grad.toArray()) : null,
        db: affine ? Array.from(bn.bias.grad.toArray()) : null,
        runningMean: Array.from(bn.runningMean.toArray()),
        runningVar: Array.from(bn.runningVar.toArray()),
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
