/**
 * Paper-reproduction harness (issue 7). Usage (from the repo root):
 *   bash reproduce/run.sh [--runs 500] [--seed 1] [--source store|tables] [--store out/nb201-tables.db]
 *                                     [--data test/fixtures/reference] [--write-doc]
 * Builds (or reuses) a benchmark store from the all-architecture reference tables, runs 500 searches of each algorithm,
 * prints our numbers beside the paper's Table 5 and, with --write-doc, rewrites docs/reproduction.md.
 */
import { loadavg } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { ALGORITHMS, NATS_BUDGETS, PAPER_BUDGET, formatMeanStd, runCampaign, type FinalAccuracyOracle, type SearchBenchmark } from "../packages/core/src/search/index.js";
import { paperProtocol, perDatasetProtocol, reinforceLrSweep, type AlgorithmResult } from "./experiments.js";
import { cifar10TestDeltas, comparisonTable, effortTable } from "./report.js";
import { loadPeerTables, tableBenchmark, type PeerTables } from "./tables.js";
import { writeReproductionDoc } from "./write-doc.js";
import { openStoreBenchmark } from "./store-source.js";
import { openSearchBenchmark } from "../packages/core/src/search/store-benchmark.js";

/** run.sh starts the harness from the repository root. */
const repoRoot = process.cwd();

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: "string", default: "500" },
      seed: { type: "string", default: "1" },
      source: { type: "string", default: "store" },
      store: { type: "string", default: resolve(repoRoot, "out", "nb201-tables.db") },
      data: { type: "string", default: resolve(repoRoot, "test", "fixtures", "reference") },
      "write-doc": { type: "boolean", default: false },
      "skip-nats": { type: "boolean", default: false },
    },
  });
  const runs = Number(values.runs);
  const seed = Number(values.seed);
  const log = (s: string): void => void process.stderr.write(`${s}\n`);

  let t = performance.now();
  const tables: PeerTables = loadPeerTables(values.data);
  log(`loaded peer tables in ${((performance.now() - t) / 1000).toFixed(2)} s (κ = ${tables.evalTimeRatio.kappa.toExponential(4)})`);

  let benchmark: SearchBenchmark & FinalAccuracyOracle;
  let sourceNote: string;
  t = performance.now();
  if (values.source === "tables") {
    benchmark = tableBenchmark(tables);
    sourceNote = "the peer tables directly (TableBenchmark), no store";
  } else {
    const opened = openStoreBenchmark(values.store, values.data, log);
    benchmark = opened.benchmark;
    sourceNote = opened.note;
  }
  const setupSeconds = (performance.now() - t) / 1000;
  log(`benchmark ready in ${setupSeconds.toFixed(2)} s: ${sourceNote}`);

  // The acceptance timing first, on a fresh query cache: what `aa-nas search <algo> --dataset cifar10` does four times.
  const timing = values.source === "tables" ? null : timeCifar10Searches(values.store, runs, seed);
  if (timing !== null) log(`timing: 4 × ${runs} CIFAR-10 searches on a fresh store handle: ${timing.wall.toFixed(2)} s wall, ${timing.cpu.toFixed(2)} s CPU, load ${timing.load.toFixed(1)}`);
  const options = { benchmark, oracle: benchmark, runs, seed, log };
  const paper = paperProtocol(options, PAPER_BUDGET);
  // The same searches straight on the tables: the algorithms' own cost without the store, and a cross-check of the store path.
  const direct = tableBenchmark(tables);
  const paperDirect = values.source === "tables" ? paper : paperProtocol({ ...options, benchmark: direct, oracle: direct }, PAPER_BUDGET);
  const directWall = paperDirect.reduce((s, r) => s + r.wallSeconds, 0);
  const sameAnswers = paper.every((r, k) => r.archIndexes.every((a, i) => a === paperDirect[k]!.archIndexes[i]));
  const perDataset12k = perDatasetProtocol(options, () => PAPER_BUDGET);
  const perDatasetNats: AlgorithmResult[] = values["skip-nats"] ? [] : perDatasetProtocol(options, (d) => NATS_BUDGETS[d]);
  const lrSweep = reinforceLrSweep(options);

  const c10Wall = paper.reduce((s, r) => s + r.wallSeconds, 0);
  const c10Cpu = paper.reduce((s, r) => s + r.cpuSeconds, 0);
  process.stdout.write(`\n## Paper protocol (search CIFAR-10, ${PAPER_BUDGET} s, ${runs} runs, seeds ${seed}…${seed + runs - 1})\n\n`);
  process.stdout.write(`${comparisonTable(paper)}\n\n${effortTable(paper)}\n`);
  process.stdout.write(`\n4 × ${runs} CIFAR-10 searches: ${c10Wall.toFixed(2)} s wall, ${c10Cpu.toFixed(2)} s CPU\n`);
  process.stdout.write(`same searches on the tables directly: ${directWall.toFixed(2)} s wall; same archs in every run: ${sameAnswers}\n`);
  for (const { algorithm, delta } of cifar10TestDeltas(paper)) {
    process.stdout.write(`  ${algorithm} CIFAR-10 test Δ = ${delta.toFixed(3)} ${Math.abs(delta) <= 0.5 ? "(within ±0.5)" : "(OUTSIDE ±0.5)"}\n`);
  }
  process.stdout.write(`\n## Per-dataset searches (${PAPER_BUDGET} s)\n\n${perDatasetTable(perDataset12k)}\n`);
  if (perDatasetNats.length > 0) process.stdout.write(`\n## Per-dataset searches (NATS budgets)\n\n${perDatasetTable(perDatasetNats)}\n`);
  process.stdout.write(`\n## REINFORCE learning rates (paper protocol)\n\n`);
  for (const p of lrSweep) {
    process.stdout.write(`  lr ${p.learningRate}: valid ${formatMeanStd(p.valid)}  test ${formatMeanStd(p.test)}\n`);
  }

  if (values["write-doc"]) {
    const path = resolve(repoRoot, "docs", "reproduction.md");
    writeReproductionDoc(path, { runs, seed, sourceNote, setupSeconds, tables, paper, perDataset12k, perDatasetNats, lrSweep, c10Wall, c10Cpu, directWall, sameAnswers, timing });
    log(`wrote ${path}`);
  }
}

/** 4 × runs CIFAR-10 campaigns (final numbers on CIFAR-10 only) on a newly opened store: wall and process CPU seconds. */
function timeCifar10Searches(store: string, runs: number, seed: number): { wall: number; cpu: number; load: number } {
  const w0 = performance.now();
  const c0 = process.cpuUsage();
  const bench = openSearchBenchmark(store);
  try {
    for (const algorithm of ALGORITHMS) runCampaign({ algorithm, benchmark: bench, oracle: bench, dataset: "cifar10", runs, seed, budget: PAPER_BUDGET });
  } finally {
    bench.close();
  }
  const c = process.cpuUsage(c0);
  return { wall: (performance.now() - w0) / 1000, cpu: (c.user + c.system) / 1e6, load: loadavg()[0]! };
}

function perDatasetTable(results: readonly AlgorithmResult[]): string {
  const byDs = (d: AlgorithmResult["searchDataset"]) => results.filter((r) => r.searchDataset === d);
  return (["cifar10", "cifar100", "ImageNet16-120"] as const)
    .map((d) => `${comparisonTable(byDs(d), [d])}\n\n${effortTable(byDs(d))}`)
    .join("\n\n");
}

await main();
