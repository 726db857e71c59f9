// Small networks mirrored one-to-one in reference/torch_reference.py (same layers, same construction order).
import {
  AdaptiveAvgPool2d,
  AvgPool2d,
  BatchNorm2d,
  Conv2d,
  LSTM,
  Linear,
  Module,
  ReLU,
  Sequential,
  type Tensor,
} from "../../../packages/engine/src/tensor/index.js";

export class ConvNet extends Module {
  readonly stem: Sequential;
  readonly body: Sequential;
  readonly pool: AdaptiveAvgPool2d;
  readonly classifier: Linear;

  constructor(classes: number) {
    super();
    this.stem = this.registerModule("stem", new Sequential(new Conv2d(3, 8, 3, { padding: 1, bias: false }), new BatchNorm2d(8)));
    this.body = this.registerModule(
      "body",
      new Sequential(
        new ReLU(),
        new AvgPool2d(3, { stride: 1, padding: 1, countIncludePad: false }),
        new Conv2d(8, 16, 3, { stride: 2, padding: 1 }),
        new BatchNorm2d(16),
        new ReLU(),
      ),
    );
    this.pool = this.registerModule("pool", new AdaptiveAvgPool2d(1));
    this.classifier = this.registerModule("classifier", new Linear(16, classes));
  }

  forward(x: Tensor): Tensor {
    return this.classifier.forward(this.pool.forward(this.body.forward(this.stem.forward(x))).flatten(1));
  }
}

export class LstmNet extends Module {
  readonly lstm: LSTM;
  readonly head: Linear;

  constructor(input: number, hidden: number, classes: number) {
    super();
    this.lstm = this.registerModule("lstm", new LSTM(input, hidden, 2));
    this.head = this.registerModule("head", new Linear(hidden, classes));
  }

  /** x [T, B, input] → logits of the last step. */
  forward(x: Tensor): Tensor {
    const [out] = this.lstm.forward(x);
    return this.head.forward(out.select(0, out.size(0) - 1));
  }
}
