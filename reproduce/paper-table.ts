/**
 * NAS-Bench-201 (ICLR 2020) Table 5, the four benchmark-driven rows (spec §7.4; mean ± std over 500 runs). Columns are
 * the 200-epoch accuracies of the returned arch: CIFAR-10 valid (cifar10-valid x-valid) / test (cifar10 ori-test), and
 * x-valid / x-test of CIFAR-100 and ImageNet16-120. The spec marks the table as not checked against the paper text.
 */
import type { AlgorithmName, SearchDataset } from "../packages/core/src/search/index.js";

export interface PaperCell {
  mean: number;
  std: number;
}

export type PaperRow = Record<SearchDataset, { valid: PaperCell; test: PaperCell }>;

const cell = (mean: number, std: number): PaperCell => ({ mean, std });

export const PAPER_TABLE_5: Readonly<Record<AlgorithmName, PaperRow>> = {
  rea: {
    cifar10: { valid: cell(91.19, 0.31), test: cell(93.92, 0.3) },
    cifar100: { valid: cell(71.81, 1.12), test: cell(71.84, 0.99) },
    "ImageNet16-120": { valid: cell(45.15, 0.89), test: cell(45.54, 1.03) },
  },
  rs: {
    cifar10: { valid: cell(90.93, 0.36), test: cell(93.7, 0.36) },
    cifar100: { valid: cell(70.93, 1.09), test: cell(71.04, 1.07) },
    "ImageNet16-120": { valid: cell(44.45, 1.1), test: cell(44.57, 1.25) },
  },
  reinforce: {
    cifar10: { valid: cell(91.09, 0.37), test: cell(93.85, 0.37) },
    cifar100: { valid: cell(71.61, 1.12), test: cell(71.71, 1.09) },
    "ImageNet16-120": { valid: cell(45.05, 1.02), test: cell(45.24, 1.18) },
  },
  bohb: {
    cifar10: { valid: cell(90.82, 0.53), test: cell(93.61, 0.52) },
    cifar100: { valid: cell(70.74, 1.29), test: cell(70.85, 1.28) },
    "ImageNet16-120": { valid: cell(44.26, 1.36), test: cell(44.42, 1.49) },
  },
};

/** The paper's "optimal" row (best 200-epoch mean in the benchmark). */
export const PAPER_OPTIMAL: Readonly<Record<SearchDataset, { valid: number; test: number }>> = {
  cifar10: { valid: 91.61, test: 94.37 },
  cifar100: { valid: 73.49, test: 73.51 },
  "ImageNet16-120": { valid: 46.77, test: 47.31 },
};
