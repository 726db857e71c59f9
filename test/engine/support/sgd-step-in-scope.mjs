// Child process of handles.test.ts: SGD steps inside the step's scope (the graph still alive), on the all-skip
// TinyNetwork that first exposed the handle-table bug (the optimizer kept a reference to a parameter's slot while
// storing its new momentum buffers; when the table grew, the slot moved and the step crashed). Prints the losses.
import { F, SGD, manualSeed, randn, randint, tidy } from "../../../packages/engine/dist/tensor/index.js";
import { TinyNetwork } from "../../../packages/engine/dist/models/index.js";
import { archAt } from "../../../packages/core/dist/space/index.js";

manualSeed(0);
const net = TinyNetwork.create(16, 5, archAt(1835), 10, 1);
net.train();
const sgd = new SGD(net.parameters(), { lr: 0.1, momentum: 0.9, weightDecay: 5e-4, nesterov: true });
const x = randn([8, 1, 32, 32]).keep();
const y = randint(0, 10, [8], { dtype: "int64" }).keep();
const losses = [];
for (let step = 0; step < 3; step++) {
  losses.push(
    tidy(() => {
      sgd.zeroGrad();
      const loss = F.crossEntropy(net.forward(x).logits, y);
      loss.backward();
      sgd.step();
      return loss.item();
    }),
  );
}
process.stdout.write(`${JSON.stringify(losses)}\n`);
