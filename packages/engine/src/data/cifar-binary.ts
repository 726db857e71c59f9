/**
 * The CIFAR "binary version" (`cifar-10-batches-bin/data_batch_N.bin`, `cifar-100-binary/train.bin`): fixed-size
 * records of label byte(s) then 3072 pixel bytes (R plane, G plane, B plane, each 32×32 row-major).
 * CIFAR-10 records have one label byte; CIFAR-100 records have the coarse then the fine label (we keep the fine one,
 * as torchvision's CIFAR100 does).
 */
import { DataFileError } from "./errors.js";
import type { ImageSet } from "./image-set.js";

export const CIFAR_SIDE = 32;
export const CIFAR_IMAGE_BYTES = 3 * CIFAR_SIDE * CIFAR_SIDE;

export interface CifarBinaryFormat {
  /** 1 for CIFAR-10, 2 (coarse, fine) for CIFAR-100 */
  labelBytes: 1 | 2;
  classes: number;
}

export const CIFAR10_BINARY: CifarBinaryFormat = { labelBytes: 1, classes: 10 };
export const CIFAR100_BINARY: CifarBinaryFormat = { labelBytes: 2, classes: 100 };

export function readCifarBinary(bytes: Uint8Array, format: CifarBinaryFormat, file: string, expectedCount?: number): ImageSet {
  const record = format.labelBytes + CIFAR_IMAGE_BYTES;
  if (bytes.length === 0 || bytes.length % record !== 0) {
    throw new DataFileError(
      `${file} is not a CIFAR binary batch: ${bytes.length} bytes is not a multiple of the ${record}-byte record (truncated download?)`,
    );
  }
  const count = bytes.length / record;
  if (expectedCount !== undefined && count !== expectedCount) {
    throw new DataFileError(`${file} holds ${count} images, expected ${expectedCount} (truncated or wrong file)`);
  }
  const pixels = new Uint8Array(count * CIFAR_IMAGE_BYTES);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const at = i * record;
    const label = bytes[at + format.labelBytes - 1]!;
    if (label >= format.classes) {
      throw new DataFileError(`${file}: image ${i} has label ${label}, expected 0..${format.classes - 1} (corrupt, or CIFAR-10/100 mixed up)`);
    }
    labels[i] = label;
    pixels.set(bytes.subarray(at + format.labelBytes, at + record), i * CIFAR_IMAGE_BYTES);
  }
  return { pixels, labels, count, channels: 3, height: CIFAR_SIDE, width: CIFAR_SIDE };
}

/** Inverse of `readCifarBinary` (used to write test fixtures and to convert formats). */
export function writeCifarBinary(set: ImageSet, format: CifarBinaryFormat, coarseLabels?: Int32Array): Uint8Array {
  const record = format.labelBytes + CIFAR_IMAGE_BYTES;
  const out = new Uint8Array(set.count * record);
  for (let i = 0; i < set.count; i++) {
    const at = i * record;
    if (format.labelBytes === 2) out[at] = coarseLabels?.[i] ?? 0;
    out[at + format.labelBytes - 1] = set.labels[i]!;
    out.set(set.pixels.subarray(i * CIFAR_IMAGE_BYTES, (i + 1) * CIFAR_IMAGE_BYTES), at + format.labelBytes);
  }
  return out;
}
