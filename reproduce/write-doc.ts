/** Writes docs/reproduction.md from a harness run: fixed explanations plus the measured tables. */
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { DEFAULT_SETTINGS, NATS_BUDGETS, PAPER_BUDGET } from "../packages/core/src/search/index.js";
import type { AlgorithmResult, LrSweepPoint } from "./experiments.js";
import { PAPER_TABLE_5 } from "./paper-table.js";
import { cifar10TestDeltas, comparisonTable, effortTable } from "./report.js";
import { TABLE_FILES, type PeerTables } from "./tables.js";

export interface DocInput {
  runs: number;
  seed: number;
  sourceNote: string;
  setupSeconds: number;
  tables: PeerTables;
  paper: AlgorithmResult[];
  perDataset12k: AlgorithmResult[];
  perDatasetNats: AlgorithmResult[];
  lrSweep: LrSweepPoint[];
  c10Wall: number;
  c10Cpu: number;
  /** the same four campaigns on the tables without a store */
  directWall: number;
  sameAnswers: boolean;
  /** the acceptance timing: 4 × runs CIFAR-10 searches on a freshly opened store (null when run on the tables) */
  timing: { wall: number; cpu: number; load: number } | null;
}

const perDataset = (results: readonly AlgorithmResult[]): string =>
  (["cifar10", "cifar100", "ImageNet16-120"] as const)
    .map((d) => {
      const rs = results.filter((r) => r.searchDataset === d);
      return `**${d}**\n\n${comparisonTable(rs, [d])}\n\n${effortTable(rs)}`;
    })
    .join("\n\n");

function settingsLine(): string {
  const { rea, reinforce, bohb } = DEFAULT_SETTINGS;
  return [
    `REA population ${rea.populationSize}, tournament ${rea.tournamentSize}`,
    `REINFORCE Adam lr ${reinforce.learningRate}, EMA momentum ${reinforce.emaMomentum}`,
    `BOHB eta ${bohb.eta}, budgets ${bohb.minBudget}…${bohb.maxBudget}, num_samples ${bohb.numSamples}, random_fraction ${bohb.randomFraction}, ` +
      `bandwidth_factor ${bohb.bandwidthFactor}, min_bandwidth ${bohb.minBandwidth}, top_n_percent ${bohb.topNPercent}, n_iters ${bohb.maxIterations}`,
  ].join("; ");
}

export function renderReproductionDoc(x: DocInput): string {
  const cpu = cpus();
  const machine = `${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, Node ${process.version}`;
  const deltas = cifar10TestDeltas(x.paper)
    .map(({ algorithm, delta }) => `${algorithm} ${delta >= 0 ? "+" : "−"}${Math.abs(delta).toFixed(2)}`)
    .join(", ");
  const kappa = x.tables.evalTimeRatio;
  const sweep = [
    "| learning rate | C10 valid | C10 test | Δ test vs paper |",
    "|---|---|---|---|",
    ...x.lrSweep.map(
      (p) =>
        `| ${p.learningRate}${p.learningRate === DEFAULT_SETTINGS.reinforce.learningRate ? " (default)" : ""} | ${p.valid.mean.toFixed(2)}±${p.valid.std.toFixed(2)} | ` +
        `${p.test.mean.toFixed(2)}±${p.test.std.toFixed(2)} | ${(p.test.mean - PAPER_TABLE_5.reinforce.cifar10.test.mean).toFixed(2)} |`,
    ),
  ].join("\n");

  return `# Reproducing the benchmark-driven NAS results (NAS-Bench-201, Table 5)

This file is written by the harness (\`bash reproduce/run.sh --write-doc\`); edit \`reproduce/write-doc.ts\`,
not this file. Paper numbers: spec §7.4 (not re-checked against the paper text, see the spec).

The weight-sharing half of Table 5 (DARTS-V1/V2, GDAS, SETN, ENAS, RSPS), including the long DARTS-V1 run and what it
showed, is in [reproduction-ws.md](reproduction-ws.md).

## How it was run

- ${x.runs} runs per algorithm, run i with seed ${x.seed} + i (\`aa-nas search <algo> --runs ${x.runs} --seed ${x.seed}\` repeats any row).
- Benchmark: ${x.sourceNote} (setup ${x.setupSeconds.toFixed(1)} s).
- Machine: ${machine}.
- Settings (\`DEFAULT_SETTINGS\`): ${settingsLine()}.
  The simulated clock does not include the algorithms' own wall time (see deviations).

## Paper protocol: search on CIFAR-10, ${PAPER_BUDGET} s, report on all three datasets

The paper-era scripts search CIFAR-10 only (\`assert xargs.dataset == 'cifar10'\` and the hard-coded \`'cifar10-valid'\` query in
A@bb2f405:exps/algos/{R_EA,RANDOM,reinforce,BOHB}.py), so the CIFAR-100 and ImageNet16-120 columns of Table 5 are the CIFAR-10
answers evaluated there. Each cell: ours mean±std (paper mean±std, Δ of the means).

${comparisonTable(x.paper)}

${effortTable(x.paper)}

**CIFAR-10 test Δ against the paper: ${deltas}.**

**Time.** ${
    x.timing === null
      ? "Not measured on a store in this run."
      : `Four CIFAR-10 campaigns of ${x.runs} runs each, as \`aa-nas search <algo> --dataset cifar10 --runs ${x.runs}\` runs them (a freshly opened
store, its query cache empty), took **${x.timing.wall.toFixed(2)} s** of wall time and ${x.timing.cpu.toFixed(2)} s of process CPU (one Node process;
the machine was shared with other jobs, load average ${x.timing.load.toFixed(1)} when it finished, so wall time is an upper bound).`
  } Most of that is the store: the same four campaigns straight on the tables (\`--source tables\`) took ${x.directWall.toFixed(2)} s and ${
    x.sameAnswers
      ? "returned the same arch in every run (the reported means differ only in the last bits, because the store averages per-seed copies)"
      : "returned different archs in some runs (the two paths consume the random stream differently)"
  }. In the table above, the "wall s" of the paper protocol also includes loading the 200-epoch results of all three datasets
(${x.c10Wall.toFixed(2)} s wall, ${x.c10Cpu.toFixed(2)} s CPU for the four rows).

### REINFORCE learning rate

The paper does not state the learning rate behind its REINFORCE row. The paper-era README's example command passes 0.5, the
paper-era GRID-RL.sh sweeps the rates below, and the NATS-Bench re-runs use 0.01 — our default, chosen because it is the
authors' own later setting rather than tuned to this table. The sweep on the paper protocol:

${sweep}

## Per-dataset searches

Each dataset searched on its own 12-epoch rewards and costs (\`simulate_train_eval(arch, dataset)\` as in NATS-Bench); the paper
row is shown for orientation only (it is the CIFAR-10 transfer, not a per-dataset search). With ${PAPER_BUDGET} s, an ImageNet16-120
search affords only ~17 evaluations (an evaluation there costs ~6× a CIFAR-10-valid one).

### ${PAPER_BUDGET} s on every dataset

${perDataset(x.perDataset12k)}
${
  x.perDatasetNats.length === 0
    ? ""
    : `
### NATS-Bench budgets (${NATS_BUDGETS.cifar10} / ${NATS_BUDGETS.cifar100} / ${NATS_BUDGETS["ImageNet16-120"]} s)

${perDataset(x.perDatasetNats)}
`
}
## Data and approximations

The store is built from three all-architecture peer tables in \`test/fixtures/reference\` (see their SOURCE.md): \`${TABLE_FILES.twelveEpoch}\`
(12-epoch accuracies), \`${TABLE_FILES.perSeed}\` (200-epoch per-seed accuracies and train-all-time) and \`${TABLE_FILES.test200}\`
(200-epoch test means), by the product's lite import (\`aa-nas import <tables folder>\`,
\`packages/core/src/bench/import/tables.ts\`); every record has \`timesEstimated\` set and names in \`provenance.source\` the table
and column of each value or how it was derived. Metrics no table holds (losses, train accuracy, cifar10-valid ori-test) are
absent from the store, and the query API raises MetricNotInStoreError for them.

1. **Reward = mean of the 12-epoch trials.** The original draws one random trial (cifar10-valid at 12 epochs has two, seeds 111 and
   777); the table holds only their mean, so both stored trials carry it and the trial noise of the original is absent. For
   cifar100 / ImageNet16-120 there is one 12-epoch trial anyway.
2. **12-epoch train-all-time = 200-epoch train-all-time × 12/200.** Exact for NATS-tss / file v1.1, whose times are the pseudo times
   of spec §5.5 (one per-epoch value for every epoch and hp). The paper used file v1.0 with measured times, so evaluation counts
   differ slightly from the paper's runs.
3. **valid-per-time = N_valid · κ · T**, T = per-epoch cifar10-valid train time, N_valid = 25,000 / 5,000 / 3,000. Spec §5.5 defines
   it as N_valid·e with e = (ori-test + x-valid eval time)/35,000 of the 12-epoch seed-777 run, which no table holds. κ = mean e/T
   of the three real sample records: ${kappa.samples.map((s) => `arch ${s.archIndex} ${s.ratio.toExponential(3)}`).join(", ")} →
   κ = ${kappa.kappa.toExponential(4)}. The term is ~3 % of a CIFAR-10 evaluation's cost (0.3 % / 0.06 % on cifar100 /
   ImageNet16-120), so a κ off by 25 % moves the number of evaluations per run by under 1 %.
4. **200-epoch valid of cifar100 / ImageNet16-120** = 2·mean(ori-test) − mean(x-test): the two halves are equal in size, so the
   identity is exact for the means (the per-seed x-valid stored in the records is this identity with the mean x-test; its mean is
   exact, single seeds are approximate).
5. **Test means copied to every seed** (cifar10 ori-test, x-test): only means are published; means over trials are exact.
6. **Seeds**: 3-trial archs are 777/888/999 (verified order); 2-trial archs are labelled 777/888 by the table's generator and
   flagged \`seedImputed\`.
7. **Not in the store** (absent, never NaN; the API raises MetricNotInStoreError): losses, train accuracies, top-5, latency,
   the ori-test of cifar10-valid, and the 5 per-seed x-valid values of item 4 that fall outside [0, 100]. The searches use none of
   the former; for an arch with such a seed the judged 200-epoch valid is 2·ori-test − x-test of the means (item 4's identity,
   \`validFromHalves\` in \`packages/core/src/search/store-benchmark.ts\`), as the direct table path computes it.

## Deviations from the original algorithms

- **Budget rule, uniform:** an evaluation counts iff used + cost ≤ budget; the first one that would exceed ends the search and is
  neither charged nor seen. The originals differ in details: RS/REA/BOHB use ≤ (BOHB via \`sim_cost_time + cur_time <= time_budget\`),
  REINFORCE uses <, REA does not check the budget while filling its initial population, REINFORCE at A@bb2f405 appends the refused
  arch to its trace before breaking (so it can be returned), BOHB keeps running its remaining Hyperband iterations with loss 100
  (we stop). The NATS-Bench re-runs instead count the evaluation that crosses the budget.
- **Wall time off by default:** the original REA and REINFORCE add their own bookkeeping wall time to the simulated clock. That
  makes a run depend on the machine; \`--account-wall-time\` restores it (then the same seed no longer gives the same run).
- **One random stream per run:** CPython's MT19937 seeded with the run's seed (\`PyRandom\`) drives sampling, mutation, tournaments,
  trial choice, the policy's initial logits (\`random.gauss\`, Box–Muller) and REINFORCE's action sampling (inverse CDF), and all of
  BOHB's draws. The originals mix Python \`random\`, numpy and torch generators (and ConfigSpace's unseeded one), so no run is
  bit-identical to an original run; distributions are the same.
- **REA:** mutation = the space module's \`mutateArch\` (a random node, a random incoming edge, a different op drawn uniformly from
  the other four, which is the distribution of the original's rejection loop). Answer = first arch with the best reward in history.
- **REINFORCE:** logits and Adam in float64 (torch: float32). Answer = best-reward arch of the trace (A@bb2f405; the NAS-Bench-102-era
  version returned the policy's argmax). Default lr ${DEFAULT_SETTINGS.reinforce.learningRate} (see above).
- **BOHB** follows hpbandster's generator step by step: per-budget observations, models only from \`min_points_in_model\` = 7 upward
  (good = max(7, 15 %), bad = max(7, 85 %), each KDE needs > 6 points, so a budget needs 14 results), results on budgets below the
  largest modelled one are dropped, proposals from the largest modelled budget with num_samples candidates and the ratio
  max(1e-32, g)/max(l, 1e-32), hpbandster's handling of infinite ratios, Hyperband brackets [9,3,1], [3,1], [3] on budgets
  22.2 / 66.7 / 200, incumbent = lowest loss on the max budget, ties to the earliest. Kept quirks: statsmodels' normal-reference
  bandwidth 1.06·σ·n^(−1/10) is applied to the categorical columns and is not capped at 1 (only floored at min_bandwidth), and the
  Aitchison–Aitken kernel counts the distinct values present in the data as its number of levels; with λ > 1 the kernel of a
  matching value is negative, which partly inverts the acquisition on spread-out (mostly the "bad") sets. \`bandwidth_factor\` only
  widens continuous parameters in hpbandster and has no effect here. Differences: stable sorting where numpy's argsort is not
  stable (ties only), no fallback needed for the budgets used (if no run reaches the max budget the answer is the best run on any
  budget, where the original would fail).

## What is not reproduced

- Per-trial 12-epoch rewards (see approximation 1) and the measured v1.0 times (approximation 2).
- The NATS-Bench variant of BOHB (budgets 1…12 epochs with \`iepoch = budget − 1\`) — the paper's setting, where the worker ignores
  the budget, is what is implemented.
`;
}

export function writeReproductionDoc(path: string, input: DocInput): void {
  writeFileSync(path, renderReproductionDoc(input));
}
