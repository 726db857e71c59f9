/**
 * Closed-form parameter and FLOP counts of TinyNetwork C=16, N=5 (spec §2.5). Totals are accumulated as exact integers
 * and divided by 1e6 once, which reproduces the doubles stored in the original records bit for bit.
 */
import { UserError, listChoices } from "../errors.js";
import { parseArch } from "./arch.js";

export const COST_DATASETS = ["cifar10-valid", "cifar10", "cifar100", "ImageNet16-120"] as const;
export type CostDataset = (typeof COST_DATASETS)[number];

const CLASSES: Record<CostDataset, number> = { "cifar10-valid": 10, cifar10: 10, cifar100: 100, "ImageNet16-120": 120 };
/** input side 32 (CIFAR) or 16 (ImageNet16): FLOPs scale with the spatial area, s = (side/32)². */
const AREA_DIVISOR: Record<CostDataset, number> = { "cifar10-valid": 1, cifar10: 1, cifar100: 1, "ImageNet16-120": 4 };

export interface ArchCosts {
  /** MFLOPs (multiply-accumulates / 1e6) for one image */
  flops: number;
  /** parameters / 1e6 ("MB" in the original) */
  params: number;
}

export function isCostDataset(s: string): s is CostDataset {
  return (COST_DATASETS as readonly string[]).includes(s);
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
  const k = CLASSES[dataset];
  const d = AREA_DIVISOR[dataset];
  // Stem + reduction blocks + lastact BN are fixed; each conv edge is instantiated in all 5 cells of each of the 3 stages.
  const params = 72656 + 65 * k + 243040 * n3 + 28000 * n1;
  const macs = (7782400 + 35389440 * n3 + 3932160 * n1) / d + 65 * k;
  return { flops: macs / 1e6, params: params / 1e6 };
}
