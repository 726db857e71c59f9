/** Moves an assembled batch into tensors on the training device. */
import { tensor, type Device, type Tensor } from "../engine/index.js";
import type { Batch } from "../data/batch.js";

export interface DeviceBatch {
  inputs: Tensor;
  targets: Tensor;
}

export function toDevice(batch: Batch, shape: readonly [number, number, number], device: Device): DeviceBatch {
  const n = batch.size;
  const [c, h, w] = shape;
  const inputs = tensor(batch.inputs.subarray(0, n * c * h * w), [n, c, h, w], { device });
  const targets = tensor(batch.targets.subarray(0, n), [n], { dtype: "int64", device });
  return { inputs, targets };
}
