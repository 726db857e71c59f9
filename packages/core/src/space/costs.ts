/**
 * Closed-form parameter and FLOP counts of TinyNetwork C=16, N=5 (spec §2.5). Totals are accumulated as exact integers
 * and divided by 1e6 once, which reproduces the doubles stored in the original records bit for bit.
 */
import { DATASET_KEYS, datasetInfo, isBenchmarkKey, type DatasetKey } from "../registry/index.js";
import { UserError, listChoices } from "../errors.js";
import { parseArch } from "./arch.js";

/** The closed form is the benchmark's: its four keys. */
export const COST_DATASETS = DATASET_KEYS;
export type CostDataset = DatasetKey;

/** input side 32 (CIFAR) or 16 (ImageNet16): FLOPs scale with the spatial area, divided by (32/side)². */
function areaDivisor(dataset: CostDataset): number {
  const [, h, w] = datasetInfo(dataset).shape;
  return (32 * 32) / (h * w);
}

export interface ArchCosts {
  /** MFLOPs (multiply-accumulates / 1e6) for one image */
  flops: number;
  /** parameters / 1e6 ("MB" in the original) */
  params: number;
}

export function isCostDataset(s: string): s is CostDataset {
  return isBenchmarkKey(s);
}

export function archCosts(arch: string, dataset: CostDataset): ArchCosts {
  if (!isCostDataset(dataset)) throw new UserError(`unknown dataset '${String(dataset)}'; valid datasets: ${listChoices(COST_DATASETS)}`);
  let n3 = 0;
  let n1 = 0;
  for (const edges of parseArch(arch)) {
    for (const [op] of edges) {
      if (op === "nor_conv_3x3") n3++;
      else if (op === "nor_conv_1x1") n1++;
    }
  }
  const k = datasetInfo(dataset).classes;
  const d = areaDivisor(dataset);
  // Stem + reduction blocks + lastact BN are fixed; each conv edge is instantiated in all 5 cells of each of the 3 stages.
  const params = 72656 + 65 * k + 243040 * n3 + 28000 * n1;
  const macs = (7782400 + 35389440 * n3 + 3932160 * n1) / d + 65 * k;
  return { flops: macs / 1e6, params: params / 1e6 };
}
