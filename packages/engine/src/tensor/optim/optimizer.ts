import type { Tensor } from "../tensor.js";

/** Optimizer state for checkpoints: tensors keyed like PyTorch's state (`<param index>.<name>`) plus hyper-parameters. */
export interface OptimizerState {
  tensors: Map<string, Tensor>;
  hyper: Record<string, number | boolean | number[]>;
}

export interface Optimizer {
  /** Current learning rate (set it from a schedule before step()). */
  lr: number;
  readonly params: readonly Tensor[];
  step(): void;
  zeroGrad(setToNone?: boolean): void;
  stateDict(): OptimizerState;
  loadStateDict(state: OptimizerState): void;
  /** Frees the state tensors. */
  dispose(): void;
}
