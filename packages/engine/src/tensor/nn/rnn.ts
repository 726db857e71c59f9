import { empty, zeros } from "../creation.js";
import { lstmCell, stack } from "../functional.js";
import type { Tensor } from "../tensor.js";
import { Module } from "./module.js";

export type LstmState = [h: Tensor, c: Tensor];

/** nn.LSTMCell: all weights and biases ~ U(±1/√hidden), drawn in registration order like PyTorch. */
export class LSTMCell extends Module {
  readonly weightIh: Tensor;
  readonly weightHh: Tensor;
  readonly biasIh: Tensor | null;
  readonly biasHh: Tensor | null;

  constructor(
    readonly inputSize: number,
    readonly hiddenSize: number,
    o: { bias?: boolean } = {},
  ) {
    super();
    const bias = o.bias ?? true;
    this.weightIh = this.registerParameter("weight_ih", empty([4 * hiddenSize, inputSize]));
    this.weightHh = this.registerParameter("weight_hh", empty([4 * hiddenSize, hiddenSize]));
    this.biasIh = bias ? this.registerParameter("bias_ih", empty([4 * hiddenSize])) : null;
    this.biasHh = bias ? this.registerParameter("bias_hh", empty([4 * hiddenSize])) : null;
    const stdv = hiddenSize > 0 ? 1 / Math.sqrt(hiddenSize) : 0;
    for (const p of this.parameters()) p.uniform_(-stdv, stdv);
  }

  /** x [B, input] → [h', c'] each [B, hidden]; the state defaults to zeros. */
  forward(x: Tensor, state?: LstmState): LstmState {
    const s: LstmState = state ?? [zeros([x.size(0), this.hiddenSize], { device: x.device }), zeros([x.size(0), this.hiddenSize], { device: x.device })];
    return lstmCell(x, s, this.weightIh, this.weightHh, this.biasIh, this.biasHh);
  }
}

/**
 * nn.LSTM (sequence-first, unidirectional, no dropout): parameters weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k},
 * bias_hh_l{k} initialised like PyTorch. Runs the LSTM cell kernel step by step, as CPU libtorch does.
 */
export class LSTM extends Module {
  readonly #layers: { wIh: Tensor; wHh: Tensor; bIh: Tensor | null; bHh: Tensor | null }[] = [];

  constructor(
    readonly inputSize: number,
    readonly hiddenSize: number,
    readonly numLayers = 1,
    o: { bias?: boolean } = {},
  ) {
    super();
    const bias = o.bias ?? true;
    for (let k = 0; k < numLayers; k++) {
      const inSize = k === 0 ? inputSize : hiddenSize;
      this.#layers.push({
        wIh: this.registerParameter(`weight_ih_l${k}`, empty([4 * hiddenSize, inSize])),
        wHh: this.registerParameter(`weight_hh_l${k}`, empty([4 * hiddenSize, hiddenSize])),
        bIh: bias ? this.registerParameter(`bias_ih_l${k}`, empty([4 * hiddenSize])) : null,
        bHh: bias ? this.registerParameter(`bias_hh_l${k}`, empty([4 * hiddenSize])) : null,
      });
    }
    const stdv = hiddenSize > 0 ? 1 / Math.sqrt(hiddenSize) : 0;
    for (const p of this.parameters()) p.uniform_(-stdv, stdv);
  }

  /**
   * input [T, B, input]; state (h0, c0) each [layers, B, hidden], zeros by default.
   * Returns [output [T, B, hidden], [h_n, c_n]].
   */
  forward(input: Tensor, state?: LstmState): [Tensor, LstmState] {
    const [steps, batch] = [input.size(0), input.size(1)];
    const h: Tensor[] = [];
    const c: Tensor[] = [];
    for (let k = 0; k < this.numLayers; k++) {
      h.push(state ? state[0].select(0, k) : zeros([batch, this.hiddenSize], { device: input.device }));
      c.push(state ? state[1].select(0, k) : zeros([batch, this.hiddenSize], { device: input.device }));
    }
    const outputs: Tensor[] = [];
    for (let t = 0; t < steps; t++) {
      let x = input.select(0, t);
      this.#layers.forEach((l, k) => {
        const [hk, ck] = lstmCell(x, [h[k] as Tensor, c[k] as Tensor], l.wIh, l.wHh, l.bIh, l.bHh);
        h[k] = hk;
        c[k] = ck;
        x = hk;
      });
      outputs.push(x);
    }
    return [stack(outputs, 0), [stack(h, 0), stack(c, 0)]];
  }
}
