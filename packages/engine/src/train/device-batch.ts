/** Moves an assembled batch into tensors on the training device. */
import { tensor, type Device, type Tensor } from "../tensor/index.js";
import type { Batch } from "../data/batch.js";

export interface DeviceBatch {
  inputs: Tensor;
  targets: Tensor;
}

/**
 * `channelsLast`: the inputs in NHWC order (torch.channels_last). Replicas train that way: oneDNN then convolves
 * without converting every activation to its blocked layout and back (measured 8–34 % faster steps,
 * docs/performance/train.md), and the replicas' batch norm has a kernel for it.
 */
export function toDevice(batch: Batch, shape: readonly [number, number, number], device: Device, channelsLast = false): DeviceBatch {
  const n = batch.size;
  const [c, h, w] = shape;
  const planar = tensor(batch.inputs.subarray(0, n * c * h * w), [n, c, h, w], { device });
  const inputs = channelsLast ? planar.contiguous("channelsLast") : planar;
  const targets = tensor(batch.targets.subarray(0, n), [n], { dtype: "int64", device });
  return { inputs, targets };
}
