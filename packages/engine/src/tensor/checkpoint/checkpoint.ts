// A training checkpoint in one safetensors file: the model's state dict under its own names, the optimizer's
// state under `optimizer.<param index>.<slot>`, its hyper-parameters and user metadata in __metadata__.
import { UserError } from "@aa-nas/core/errors.js";
import { tidy } from "../scope.js";
import type { Module } from "../nn/module.js";
import type { Optimizer } from "../optim/optimizer.js";
import type { Tensor } from "../tensor.js";
import { loadSafetensors, saveSafetensors } from "./safetensors.js";

const OPTIMIZER_PREFIX = "optimizer.";
const OPTIMIZER_HYPER_KEY = "aa_nas.optimizer";

export interface CheckpointParts {
  model?: Module;
  optimizer?: Optimizer;
  /** Free-form strings stored in the header (epoch, arch string, seed, …). */
  metadata?: Record<string, string>;
}

export function saveCheckpoint(path: string, parts: CheckpointParts): void {
  const tensors = new Map<string, Tensor>();
  if (parts.model) {
    for (const [k, t] of parts.model.stateDict()) {
      if (k.startsWith(OPTIMIZER_PREFIX)) throw new Error(`model state key '${k}' collides with the optimizer prefix`);
      tensors.set(k, t);
    }
  }
  const metadata: Record<string, string> = { ...(parts.metadata ?? {}) };
  if (parts.optimizer) {
    const state = parts.optimizer.stateDict();
    for (const [k, t] of state.tensors) tensors.set(OPTIMIZER_PREFIX + k, t);
    metadata[OPTIMIZER_HYPER_KEY] = JSON.stringify(state.hyper);
  }
  saveSafetensors(path, tensors, metadata);
}

/**
 * Loads a checkpoint into the given model / optimizer (in place) and returns the user metadata. Every name
 * and shape is checked first; a mismatch throws a UserError listing each missing, unexpected or mis-shaped
 * key, before that part is modified (model first, then optimizer).
 */
export function loadCheckpoint(path: string, parts: Omit<CheckpointParts, "metadata">): Record<string, string> {
  return tidy(() => {
    const { tensors, metadata } = loadSafetensors(path);
    const modelState = new Map<string, Tensor>();
    const optimizerState = new Map<string, Tensor>();
    for (const [k, t] of tensors) {
      if (k.startsWith(OPTIMIZER_PREFIX)) optimizerState.set(k.slice(OPTIMIZER_PREFIX.length), t);
      else modelState.set(k, t);
    }
    if (parts.model) {
      try {
        parts.model.loadStateDict(modelState);
      } catch (err) {
        if (err instanceof UserError) throw new UserError(`${path}: ${err.message}`);
        throw err;
      }
    }
    if (parts.optimizer) {
      const hyperText = metadata[OPTIMIZER_HYPER_KEY];
      if (hyperText === undefined) throw new UserError(`${path} holds no optimizer state (it was saved without an optimizer)`);
      parts.optimizer.loadStateDict({ tensors: optimizerState, hyper: JSON.parse(hyperText) as Record<string, number> });
    }
    const user = { ...metadata };
    delete user[OPTIMIZER_HYPER_KEY];
    return user;
  });
}
