// What the search parity tests share: seeded step batches (and their files for the PyTorch side), a module's state
// written for the reference, and the values compared (state, gradients, optimizer state).
import { tensor, type Tensor } from "../../../packages/engine/src/tensor/index.js";
import type { Module } from "../../../packages/engine/src/tensor/nn/module.js";
import type { Optimizer } from "../../../packages/engine/src/tensor/optim/optimizer.js";
import type { DeviceBatch } from "../../../packages/engine/src/train/device-batch.js";
import { seededFloats, seededLabels, type RawArray } from "./reference.js";

export interface StepBatches {
  batches: { base: DeviceBatch; arch: DeviceBatch; archTargets: Int32Array }[];
  /** bx{k}.f32 / by{k}.i64 / ax{k}.f32 / ay{k}.i64 for the reference */
  files: Record<string, RawArray>;
}

/** One base and one arch batch per step, from fixed seeds (the same bytes go to the reference). */
export function seededStepBatches(spec: { batch: number; in_ch: number; hw: number; classes: number }, steps: number): StepBatches {
  const xsize = spec.batch * spec.in_ch * spec.hw * spec.hw;
  const xshape = [spec.batch, spec.in_ch, spec.hw, spec.hw];
  const files: Record<string, RawArray> = {};
  const batches = Array.from({ length: steps }, (_, k) => {
    const r = { bx: seededFloats(xsize, 101 + k), by: seededLabels(spec.batch, spec.classes, 303 + k), ax: seededFloats(xsize, 202 + k), ay: seededLabels(spec.batch, spec.classes, 404 + k) };
    Object.assign(files, { [`bx${k}.f32`]: r.bx, [`by${k}.i64`]: r.by, [`ax${k}.f32`]: r.ax, [`ay${k}.i64`]: r.ay });
    return {
      base: { inputs: tensor(r.bx, xshape), targets: tensor(r.by, [spec.batch]) } as DeviceBatch,
      arch: { inputs: tensor(r.ax, xshape), targets: tensor(r.ay, [spec.batch]) } as DeviceBatch,
      archTargets: Int32Array.from(r.ay, Number),
    };
  });
  return { batches, files };
}

/** Writes a module's state dict as `<prefix>/<name>.f32|i64` files; returns the shapes by name. */
export function dumpState(module: Module, prefix: string, files: Record<string, RawArray>): Record<string, number[]> {
  const shapes: Record<string, number[]> = {};
  for (const [k, t] of module.stateDict()) {
    shapes[k] = [...t.shape];
    const data = t.toArray();
    files[`${prefix}/${k}.${data instanceof BigInt64Array ? "i64" : "f32"}`] = data as RawArray;
  }
  return shapes;
}

export function values(entries: Iterable<[string, Tensor | null]>): Record<string, number[] | null> {
  const out: Record<string, number[] | null> = {};
  for (const [k, t] of entries) out[k] = t === null ? null : t.toNumbers();
  return out;
}

export function gradients(module: Module): Record<string, number[] | null> {
  return values(module.namedParameters().map(([k, p]) => [k, p.grad] as [string, Tensor | null]));
}

export function optimizerValues(opt: Optimizer | null): Record<string, number[] | null> {
  return opt === null ? {} : values(opt.stateDict().tensors);
}
