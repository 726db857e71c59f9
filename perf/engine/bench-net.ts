// The TypeScript twin of BenchNet in bench_net.py (same layers, same order).
import { AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Flatten, Layer, Linear, ReLU, Sequential, type Tensor } from "../../packages/engine/src/tensor/index.js";

function reluConvBn(cin: number, cout: number, stride: number): Sequential {
  return new Sequential(new ReLU(), new Conv2d(cin, cout, 3, { stride, padding: 1, bias: false }), new BatchNorm2d(cout));
}

class Block extends Layer {
  readonly a: Sequential;
  readonly b: Sequential;
  constructor(c: number) {
    super();
    this.a = this.registerModule("a", reluConvBn(c, c, 1));
    this.b = this.registerModule("b", reluConvBn(c, c, 1));
  }
  forward(x: Tensor): Tensor {
    return x.add(this.b.forward(this.a.forward(x)));
  }
}

export class BenchNet extends Layer {
  readonly features: Sequential;
  readonly classifier: Linear;
  constructor(blocks: number) {
    super();
    const layers: Layer[] = [new Conv2d(3, 16, 3, { padding: 1, bias: false }), new BatchNorm2d(16)];
    [16, 32, 64].forEach((c, i) => {
      if (i > 0) layers.push(reluConvBn(c / 2, c, 2));
      for (let k = 0; k < blocks; k++) layers.push(new Block(c));
    });
    layers.push(new BatchNorm2d(64), new ReLU(), new AdaptiveAvgPool2d(1), new Flatten());
    this.features = this.registerModule("features", new Sequential(...layers));
    this.classifier = this.registerModule("classifier", new Linear(64, 10));
  }
  forward(x: Tensor): Tensor {
    return this.classifier.forward(this.features.forward(x));
  }
}
