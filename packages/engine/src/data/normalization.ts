/**
 * Per-dataset input statistics and augmentation geometry (spec §3.5). Mean and std are written in 0..255 units as the
 * original does (`[x / 255 for x in …]`).
 */
export interface Normalization {
  mean: readonly number[];
  std: readonly number[];
}

export const CIFAR10_NORM: Normalization = { mean: [125.3, 123.0, 113.9], std: [63.0, 62.1, 66.7] };
export const CIFAR100_NORM: Normalization = { mean: [129.3, 124.1, 112.4], std: [68.2, 65.4, 70.4] };
export const IMAGENET16_NORM: Normalization = { mean: [122.68, 116.66, 104.01], std: [63.22, 61.26, 65.09] };
/** measured on the 60,000 Fashion-MNIST training images (28×28, before padding) */
export const FASHION_MNIST_NORM: Normalization = { mean: [72.94], std: [90.02] };

/**
 * Byte → normalized float lookup, per channel (`channels × 256`), computed in float32 exactly as torchvision does:
 * ToTensor `float32(v) / 255`, then Normalize `(x − float32(mean)) / float32(std)`.
 */
export function normalizationTable(norm: Normalization): Float32Array {
  const channels = norm.mean.length;
  if (norm.std.length !== channels) throw new Error("mean and std must have one entry per channel");
  const table = new Float32Array(channels * 256);
  for (let c = 0; c < channels; c++) {
    const mean = Math.fround(norm.mean[c]! / 255);
    const std = Math.fround(norm.std[c]! / 255);
    for (let v = 0; v < 256; v++) table[c * 256 + v] = Math.fround(Math.fround(Math.fround(v / 255) - mean) / std);
  }
  return table;
}
