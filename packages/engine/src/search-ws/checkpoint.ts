/**
 * One safetensors file per search, rewritten atomically after every epoch: the supernet under `net.`, the weight
 * optimizer under `wopt.`, each algorithm part under its own prefix (`aopt.` α's Adam, `ctl.` / `copt.` ENAS's
 * controller and its Adam), and in the header the run identity, the epoch reached, the history so far and the
 * algorithm's scalar state. Resuming checks the identity, loads every part in place and continues at epoch + 1.
 */
import { existsSync } from "node:fs";
import { loadSafetensors, saveSafetensors } from "../tensor/checkpoint/safetensors.js";
import type { Module } from "../tensor/nn/module.js";
import type { Optimizer, OptimizerState } from "../tensor/optim/optimizer.js";
import { tidy } from "../tensor/scope.js";
import { zerosLike } from "../tensor/creation.js";
import type { Tensor } from "../tensor/tensor.js";
import { UserError } from "@aa-nas/core/errors.js";

export const WS_CHECKPOINT_KEY = "aa_nas.search_ws";

/** What must match for a checkpoint to be resumed by a run. */
export interface RunIdentity {
  algorithm: string;
  dataset: string;
  seed: number;
  epochs: number;
  channel: number;
  numCells: number;
  trackRunningStats: boolean;
  subset: number | null;
}

export interface CheckpointHeader<H> {
  identity: RunIdentity;
  /** last completed epoch */
  epoch: number;
  history: H[];
  searchSeconds: number;
  state: Record<string, number | null>;
  /** optimizer hyper-parameters by prefix */
  optimizers: Record<string, OptimizerState["hyper"]>;
}

export interface CheckpointContent {
  modules: Record<string, Module>;
  optimizers: Record<string, Optimizer>;
}

export function saveSearchCheckpoint<H>(path: string, content: CheckpointContent, header: Omit<CheckpointHeader<H>, "optimizers">): void {
  const tensors = new Map<string, Tensor>();
  const hyper: Record<string, OptimizerState["hyper"]> = {};
  for (const [prefix, m] of Object.entries(content.modules)) for (const [k, t] of m.stateDict()) tensors.set(`${prefix}.${k}`, t);
  for (const [prefix, o] of Object.entries(content.optimizers)) {
    const state = o.stateDict();
    for (const [k, t] of state.tensors) tensors.set(`${prefix}.${k}`, t);
    hyper[prefix] = state.hyper;
  }
  const full: CheckpointHeader<H> = { ...header, optimizers: hyper };
  saveSafetensors(path, tensors, { [WS_CHECKPOINT_KEY]: JSON.stringify(full) });
}

export function checkpointExists(path: string): boolean {
  return existsSync(path);
}

/** Loads every part in place after checking the identity; returns the header. */
export function loadSearchCheckpoint<H>(path: string, content: CheckpointContent, identity: RunIdentity): CheckpointHeader<H> {
  return tidy(() => {
    const { tensors, metadata } = loadSafetensors(path);
    const raw = metadata[WS_CHECKPOINT_KEY];
    if (raw === undefined) throw new UserError(`${path} is not a weight-sharing search checkpoint (no ${WS_CHECKPOINT_KEY} header)`);
    const header = JSON.parse(raw) as CheckpointHeader<H>;
    for (const [k, v] of Object.entries(identity)) {
      const saved = header.identity[k as keyof RunIdentity];
      if (saved !== v) throw new UserError(`${path} was written for ${k} ${String(saved)}, this run has ${String(v)}; use another --save-dir or drop --resume`);
    }
    const byPrefix = (prefix: string): Map<string, Tensor> => {
      const out = new Map<string, Tensor>();
      for (const [k, t] of tensors) if (k.startsWith(`${prefix}.`)) out.set(k.slice(prefix.length + 1), t);
      return out;
    };
    for (const [prefix, m] of Object.entries(content.modules)) {
      try {
        m.loadStateDict(byPrefix(prefix));
      } catch (err) {
        if (err instanceof UserError) throw new UserError(`${path}: ${err.message}`);
        throw err;
      }
    }
    for (const [prefix, o] of Object.entries(content.optimizers)) {
      o.loadStateDict({ tensors: byPrefix(prefix), hyper: header.optimizers[prefix] ?? {} });
      restoreGradientSlots(o);
    }
    return header;
  });
}

/**
 * A parameter that was ever stepped keeps a (zeroed) `.grad` in the uninterrupted run, and optimizers still apply
 * weight decay and momentum to it when it is unused in a step (a cell op not sampled); a parameter without `.grad` is
 * skipped. Gradients are not saved, so the parameters the optimizer holds state for get zero gradients again here —
 * otherwise a resumed RSPS / SETN / ENAS search would drift from the uninterrupted one.
 */
function restoreGradientSlots(o: Optimizer): void {
  const stepped = new Set<number>();
  for (const key of o.stateDict().tensors.keys()) stepped.add(Number(key.split(".")[0]));
  o.params.forEach((p, i) => {
    if (stepped.has(i) && p.grad === null) p.grad = zerosLike(p);
  });
}
