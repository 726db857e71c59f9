/** Markdown tables: our numbers next to the paper's Table 5, with deltas. */
import { ALGORITHM_LABELS, SEARCH_DATASETS, type SearchDataset } from "../packages/core/src/search/index.js";
import type { AlgorithmResult } from "./experiments.js";
import { PAPER_TABLE_5 } from "./paper-table.js";

const DATASET_LABEL: Record<SearchDataset, string> = { cifar10: "C10", cifar100: "C100", "ImageNet16-120": "IN16" };

const f2 = (x: number): string => x.toFixed(2);
const signed = (x: number): string => `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(2)}`;

/** One row per algorithm and set: ours, paper, delta of the means, for the datasets each result reports. */
export function comparisonTable(results: readonly AlgorithmResult[], datasets: readonly SearchDataset[] = SEARCH_DATASETS): string {
  const header = ["method", ...datasets.flatMap((d) => [`${DATASET_LABEL[d]} valid`, `${DATASET_LABEL[d]} test`])];
  const lines = [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`];
  for (const r of results) {
    const paper = PAPER_TABLE_5[r.algorithm];
    const cells = datasets.flatMap((d) => {
      const ours = r.byDataset[d];
      if (ours === undefined) return ["", ""];
      return (["valid", "test"] as const).map((set) => {
        const p = paper[d][set];
        return `${f2(ours[set].mean)}±${f2(ours[set].std)} (paper ${f2(p.mean)}±${f2(p.std)}, Δ ${signed(ours[set].mean - p.mean)})`;
      });
    });
    lines.push(`| ${ALGORITHM_LABELS[r.algorithm]} | ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

/** Search effort: evaluations per run, simulated seconds used, wall time of the 500 runs. */
export function effortTable(results: readonly AlgorithmResult[]): string {
  const lines = [
    "| method | searched on | budget (s) | evaluations / run | simulated s used / run | wall s (all runs) | CPU s (all runs) |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const r of results) {
    lines.push(
      `| ${ALGORITHM_LABELS[r.algorithm]} | ${r.searchDataset} | ${r.budget} | ${r.evaluations.mean.toFixed(1)}±${r.evaluations.std.toFixed(1)} | ` +
        `${r.usedTime.mean.toFixed(0)}±${r.usedTime.std.toFixed(0)} | ${r.wallSeconds.toFixed(2)} | ${r.cpuSeconds.toFixed(2)} |`,
    );
  }
  return lines.join("\n");
}

/** Largest |Δ| of the CIFAR-10 test means against the paper. */
export function cifar10TestDeltas(results: readonly AlgorithmResult[]): { algorithm: string; delta: number }[] {
  return results
    .filter((r) => r.byDataset.cifar10 !== undefined)
    .map((r) => ({ algorithm: ALGORITHM_LABELS[r.algorithm], delta: r.byDataset.cifar10!.test.mean - PAPER_TABLE_5[r.algorithm].cifar10.test.mean }));
}
