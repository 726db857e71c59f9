/**
 * ENAS's architecture controller (spec §7.2; the original's search_model_enas_utils.Controller): a 2-layer LSTM
 * (hidden 32) that emits one op per edge. Step e feeds the previous op's embedding (the learned `input_vars` first),
 * logits = tanh_constant · tanh(W_pred·h / temperature), and the op is drawn from Categorical(logits). The sample
 * returns Σ log p(op) and Σ entropy with gradients for REINFORCE.
 *
 * Initialisation draws follow the original's order (input_vars, LSTM, Embedding, Linear, then the uniform(±0.1)
 * re-inits of input_vars, weight_hh_l0, weight_ih_l0, the embedding and the prediction weight).
 */
import { empty } from "../tensor/creation.js";
import { cat, multinomial } from "../tensor/functional.js";
import { noGrad } from "../tensor/autograd.js";
import { Embedding } from "../tensor/nn/embedding.js";
import { Linear } from "../tensor/nn/linear.js";
import { Module } from "../tensor/nn/module.js";
import { LSTM, type LstmState } from "../tensor/nn/rnn.js";
import type { Tensor } from "../tensor/tensor.js";

export interface ControllerOptions {
  numEdges: number;
  numOps: number;
  lstmSize?: number;
  lstmLayers?: number;
  tanhConstant?: number;
  temperature?: number;
}

export interface ControllerSample {
  /** Σ over edges of log p(sampled op), 0-d (differentiable) */
  logProb: Tensor;
  /** Σ over edges of the categorical entropy, 0-d (differentiable) */
  entropy: Tensor;
  /** sampled op per edge, canonical edge order */
  ops: number[];
  /** the final logits of each edge (after temperature and tanh), for inspection */
  logits: Float32Array[];
}

/** torch.finfo(torch.float32).max */
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * torch.logsumexp(x, -1, keepdim=True) for finite x (the controller's logits are bounded by tanh_constant), with
 * libtorch's values and gradient: the value by its own ops, max + log Σ exp(x − max); the gradient grad·exp(x − lse)
 * (its logsumexp_backward) through the differentiable term s − s.detach() with s = Σ x·exp(x − lse), which is 0 in
 * value. The addon has no logsumexp entry.
 */
function logSumExp(x: Tensor): Tensor {
  const { value, weight } = noGrad(() => {
    const max = x.amax(-1, true);
    const value = x.sub(max).exp().sum(-1, true).log().add(max);
    return { value, weight: x.sub(value).exp() };
  });
  const s = x.mul(weight).sum(-1, true);
  return value.add(s.sub(s.detach()));
}

export class Controller extends Module {
  readonly inputVars: Tensor;
  readonly lstm: LSTM;
  readonly embedding: Embedding;
  readonly predictor: Linear;
  readonly numEdges: number;
  readonly numOps: number;
  readonly tanhConstant: number;
  readonly temperature: number;

  constructor(o: ControllerOptions) {
    super();
    const size = o.lstmSize ?? 32;
    this.numEdges = o.numEdges;
    this.numOps = o.numOps;
    this.tanhConstant = o.tanhConstant ?? 2.5;
    this.temperature = o.temperature ?? 5;
    this.inputVars = this.registerParameter("input_vars", empty([1, 1, size]));
    this.lstm = this.registerModule("w_lstm", new LSTM(size, size, o.lstmLayers ?? 2));
    this.embedding = this.registerModule("w_embd", new Embedding(this.numOps, size));
    this.predictor = this.registerModule("w_pred", new Linear(size, this.numOps));
    const lstmParams = new Map(this.lstm.namedParameters());
    noGrad(() => {
      this.inputVars.uniform_(-0.1, 0.1);
      lstmParams.get("weight_hh_l0")!.uniform_(-0.1, 0.1);
      lstmParams.get("weight_ih_l0")!.uniform_(-0.1, 0.1);
      this.embedding.weight.uniform_(-0.1, 0.1);
      this.predictor.weight.uniform_(-0.1, 0.1);
    });
  }

  /** Samples one architecture (the original's `forward()`); call inside a tidy scope. */
  sample(): ControllerSample {
    let inputs: Tensor = this.inputVars;
    let state: LstmState | undefined;
    const logProbs: Tensor[] = [];
    const entropies: Tensor[] = [];
    const ops: number[] = [];
    const logitsSeen: Float32Array[] = [];
    for (let e = 0; e < this.numEdges; e++) {
      const [outputs, next] = this.lstm.forward(inputs, state);
      state = next;
      const logits = this.predictor.forward(outputs).div(this.temperature).tanh().mul(this.tanhConstant);
      // torch.distributions.Categorical(logits), op for op: the logits normalised by their logsumexp, probs their
      // softmax, log p gathered from them, entropy −Σ clamp(logits)·probs. (Equal in value to log_softmax, but the
      // gradients round differently.)
      const normalized = logits.sub(logSumExp(logits));
      const probs = normalized.softmax(-1);
      const index = noGrad(() => multinomial(probs.detach().view(1, this.numOps), 1, true));
      const op = index.toNumbers()[0]!;
      ops.push(op);
      logitsSeen.push(logits.toFloat32Array());
      logProbs.push(normalized.gather(-1, index.view(1, 1, 1)).squeeze(-1).view(-1));
      entropies.push(normalized.clamp({ min: -FLOAT32_MAX }).mul(probs).sum(-1).neg().view(-1));
      inputs = this.embedding.forward(index.view(1, 1));
    }
    // torch.sum(torch.cat(...)) as the original
    const sum = (ts: Tensor[]): Tensor => cat(ts).sum();
    return { logProb: sum(logProbs), entropy: sum(entropies), ops, logits: logitsSeen };
  }
}
