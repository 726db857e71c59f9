/**
 * Image batches stored as Python pickles: CIFAR-10/100 "python version" (`data_batch_N`, `test_batch`, `train`, `test`)
 * and the downsampled-ImageNet files (`train_data_batch_N`, `val_data`). Each holds a dict with `data` (N×(C·H·W)
 * uint8, channel-major) and a label list. Decoded with the project's safe pickle reader (no code runs).
 * CIFAR files were written by Python 2, so dict keys may arrive as bytes; both spellings are accepted.
 */
import { unpickle } from "@aa-nas/core/formats/pickle.js";
import { NdArray, PyDict, describe, type PyValue } from "@aa-nas/core/formats/pyvalue.js";
import { DataFileError } from "./errors.js";
import type { ImageSet } from "./image-set.js";

export interface PickledBatchFormat {
  /** key of the label list: 'labels' (CIFAR-10, ImageNet16) or 'fine_labels' (CIFAR-100) */
  labelKey: string;
  channels: number;
  side: number;
  /** labels must lie in [minLabel, maxLabel] */
  minLabel: number;
  maxLabel: number;
}

export const CIFAR10_PICKLE: PickledBatchFormat = { labelKey: "labels", channels: 3, side: 32, minLabel: 0, maxLabel: 9 };
export const CIFAR100_PICKLE: PickledBatchFormat = { labelKey: "fine_labels", channels: 3, side: 32, minLabel: 0, maxLabel: 99 };
/** ImageNet16 labels are 1..1000 as stored; the ImageNet16-120 filter maps them later. */
export const IMAGENET16_PICKLE: PickledBatchFormat = { labelKey: "labels", channels: 3, side: 16, minLabel: 1, maxLabel: 1000 };

function dictEntry(dict: PyDict, key: string): PyValue | undefined {
  return dict.get(key) ?? dict.get(new TextEncoder().encode(key));
}

function labelsFrom(value: PyValue | undefined, file: string, key: string): Int32Array {
  if (Array.isArray(value)) {
    const out = new Int32Array(value.length);
    value.forEach((v, i) => {
      if (typeof v !== "number" || !Number.isInteger(v)) throw new DataFileError(`${file}: '${key}'[${i}] is a ${describe(v)}, expected an int`);
      out[i] = v;
    });
    return out;
  }
  if (value instanceof NdArray && value.shape.length === 1) return Int32Array.from(value.data as ArrayLike<number>, Number);
  throw new DataFileError(`${file}: '${key}' is a ${describe(value)}, expected a list of ints`);
}

export function readPickledBatch(bytes: Uint8Array, format: PickledBatchFormat, file: string): ImageSet {
  let root: PyValue;
  try {
    root = unpickle(bytes, { file });
  } catch (err) {
    if (err instanceof DataFileError) throw err;
    throw new DataFileError(`${file} cannot be read as a pickled image batch: ${(err as Error).message}`);
  }
  if (!(root instanceof PyDict)) throw new DataFileError(`${file} holds a pickled ${describe(root)}, expected a dict with 'data' and '${format.labelKey}'`);
  const data = dictEntry(root, "data");
  const imageBytes = format.channels * format.side * format.side;
  if (!(data instanceof NdArray) || !(data.data instanceof Uint8Array)) {
    throw new DataFileError(`${file}: 'data' is a ${describe(data)}${data instanceof NdArray ? ` of ${data.dtype}` : ""}, expected a uint8 numpy array`);
  }
  const count = data.shape[0] ?? 0;
  if (data.shape.length !== 2 || data.shape[1] !== imageBytes || data.fortranOrder) {
    throw new DataFileError(`${file}: 'data' has shape [${data.shape.join(", ")}], expected [N, ${imageBytes}] in C order`);
  }
  const labels = labelsFrom(dictEntry(root, format.labelKey), file, format.labelKey);
  if (labels.length !== count) throw new DataFileError(`${file}: ${labels.length} labels for ${count} images`);
  for (let i = 0; i < count; i++) {
    const l = labels[i]!;
    if (l < format.minLabel || l > format.maxLabel) {
      throw new DataFileError(`${file}: label ${l} of image ${i} is outside ${format.minLabel}..${format.maxLabel}`);
    }
  }
  return { pixels: data.data, labels, count, channels: format.channels, height: format.side, width: format.side };
}
