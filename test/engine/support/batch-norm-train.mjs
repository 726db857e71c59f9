// Child process of batch-norm-kernel.test.ts: a few SGD steps through every batch-norm configuration (affine or not,
// running statistics or not, planes of 16x16, 8x8 and 5x5, a channel count that is not a multiple of four), printing
// the bits of every loss, gradient and final state entry. The kernel is chosen once per process (AA_NAS_FAST_BN), so
// the test runs this twice and compares the outputs.
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { BatchNorm2d, Conv2d, F, Linear, Module, ReLU, SGD, Sequential, batchNormKernel, manualSeed, randint, randn, tidy } from "../../../packages/engine/dist/tensor/index.js";

class Net extends Module {
  constructor() {
    super();
    this.body = this.registerModule(
      "body",
      new Sequential(
        new Conv2d(3, 16, 3, { padding: 1, bias: false }),
        new BatchNorm2d(16),
        new ReLU(),
        new Conv2d(16, 12, 3, { stride: 2, padding: 1, bias: false }),
        new BatchNorm2d(12, { affine: false }),
        new ReLU(),
        new Conv2d(12, 10, 3, { stride: 2, padding: 2, bias: false }),
        new BatchNorm2d(10, { affine: false, trackRunningStats: false }),
        new ReLU(),
        new Conv2d(10, 8, 1, { bias: false }),
        new BatchNorm2d(8, { trackRunningStats: false }),
      ),
    );
    this.head = this.registerModule("head", new Linear(8, 10));
  }
  forward(x) {
    return this.head.forward(this.body.forward(x).mean([2, 3]));
  }
}

const bits = (xs) => createHash("sha256").update(Buffer.from(xs.buffer, xs.byteOffset, xs.byteLength)).digest("hex");
manualSeed(7);
const net = new Net();
net.train();
const sgd = new SGD(net.parameters(), { lr: 0.1, momentum: 0.9, weightDecay: 5e-4, nesterov: true });
const x = randn([6, 3, 16, 16]).mul(2).add(0.3).keep();
const y = randint(0, 10, [6], { dtype: "int64" }).keep();
const losses = [];
const grads = [];
for (let step = 0; step < 4; step++) {
  tidy(() => {
    sgd.zeroGrad();
    const loss = F.crossEntropy(net.forward(x), y);
    loss.backward();
    losses.push(loss.item());
    grads.push(bits(Float32Array.from(net.parameters().flatMap((p) => [...p.grad.toFloat32Array()]))));
    sgd.step();
  });
}
net.eval();
const evalLogits = tidy(() => bits(net.forward(x).toFloat32Array()));
const state = Object.fromEntries([...net.stateDict()].map(([k, t]) => [k, bits(t.dtype === "float32" ? t.toFloat32Array() : Float64Array.from(t.toNumbers()))]));
process.stdout.write(`${JSON.stringify({ kernel: batchNormKernel(), losses, grads, evalLogits, state })}\n`);
