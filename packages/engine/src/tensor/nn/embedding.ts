import { empty } from "../creation.js";
import { embedding } from "../functional.js";
import type { Tensor } from "../tensor.js";
import { Module } from "./module.js";

/** nn.Embedding: weight ~ N(0, 1) (PyTorch's default init); forward takes int64 indices of any shape. */
export class Embedding extends Module {
  readonly weight: Tensor;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
  ) {
    super();
    this.weight = this.registerParameter("weight", empty([numEmbeddings, embeddingDim]).normal_(0, 1));
  }

  forward(indices: Tensor): Tensor {
    return embedding(this.weight, indices);
  }
}
