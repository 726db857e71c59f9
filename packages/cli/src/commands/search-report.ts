/**
 * `aa-nas search report <files…>`: compares campaigns written by `aa-nas search <algorithm> --out` (or printed by
 * `--json`) — a table of each (space, dataset, algorithm, budget) group's final numbers, and with `--plots <dir>` one
 * SVG per (space, dataset) of the best-so-far accuracy over simulated time (search-plot.ts). Campaigns of different
 * search spaces never share a row or a plot (an arch index names a different arch in each space); only when the
 * inputs hold both spaces do the table and the plots name the space, so single-space reports read as before.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { ALGORITHM_LABELS, ALGORITHMS, type AlgorithmName } from "@aa-nas/core/search/algorithms.js";
import { UserError } from "@aa-nas/core/errors.js";
import type { SpaceName } from "@aa-nas/core/space/index.js";
import { writeFileAtomic } from "@aa-nas/core/atomic-file.js";
import { groupCampaigns, meanStd, RUN_METRICS, type CampaignGroup, type RunMetric } from "../web/runs/best-so-far.js";
import { parseChoice, parseInteger, parseNumber } from "../options.js";
import { checkOutputFolder } from "../output-path.js";
import { buildBestSoFarPlot, renderPlotSvg } from "../search-plot.js";

export interface ReportOptions {
  plots?: string;
  metric: string;
  points: string;
  yRange?: string;
  json?: boolean;
}

interface Stat {
  mean: number;
  std: number;
}

/** One line of the comparison table. */
export interface ReportRow {
  /** the search space the campaigns ran on */
  space: SpaceName;
  dataset: string;
  algorithm: string;
  budget: number;
  runs: number;
  files: string[];
  valid: Stat;
  test: Stat;
  /** evaluations per run, where the files say */
  evaluations: Stat | null;
  /** simulated seconds used per run */
  usedTime: Stat;
  /** real seconds per run, where the files say (campaign files do) */
  wallSeconds: Stat | null;
  /** the space's best test / valid numbers, where the files recorded them */
  optimum: CampaignGroup["optimum"];
  /** optimum test accuracy − mean test accuracy of the answers */
  testRegret: number | null;
}

const stat = (xs: number[]): Stat => {
  const m = meanStd(xs)!;
  return { mean: m.mean, std: m.std };
};

const statOrNull = (xs: Array<number | undefined>): Stat | null => (xs.length > 0 && xs.every((x) => x !== undefined) ? stat(xs as number[]) : null);

export function reportRows(groups: readonly CampaignGroup[]): ReportRow[] {
  return groups.map((g) => {
    const test = stat(g.runs.map((r) => r.testAccuracy));
    return {
      space: g.space,
      dataset: g.dataset,
      algorithm: g.algorithm,
      budget: g.budget,
      runs: g.runs.length,
      files: g.files,
      valid: stat(g.runs.map((r) => r.validAccuracy)),
      test,
      evaluations: statOrNull(g.runs.map((r) => r.evaluations)),
      usedTime: stat(g.runs.map((r) => r.usedTime)),
      wallSeconds: statOrNull(g.runs.map((r) => r.wallSeconds)),
      optimum: g.optimum,
      testRegret: g.optimum === null ? null : g.optimum.test.accuracy - test.mean,
    };
  });
}

const pm = (s: Stat | null, digits: number): string => (s === null ? "–" : `${s.mean.toFixed(digits)}±${s.std.toFixed(digits)}`);
const name = (a: string): string => ((ALGORITHMS as readonly string[]).includes(a) ? ALGORITHM_LABELS[a as AlgorithmName] : a);

export function formatReport(rows: readonly ReportRow[]): string {
  const spaces = new Set(rows.map((r) => r.space)).size > 1;
  const header = [...(spaces ? ["space"] : []), "dataset", "algorithm", "budget(s)", "runs", "valid(%)", "test(%)", "optimum test", "regret", "evals/run", "sim time(s)", "wall/run(s)"];
  const body = rows.map((r) => [
    ...(spaces ? [r.space] : []),
    r.dataset,
    name(r.algorithm),
    String(r.budget),
    String(r.runs),
    pm(r.valid, 2),
    pm(r.test, 2),
    r.optimum === null ? "–" : `${r.optimum.test.accuracy.toFixed(2)} (#${r.optimum.test.archIndex})`,
    r.testRegret === null ? "–" : r.testRegret.toFixed(2),
    pm(r.evaluations, 1),
    pm(r.usedTime, 0),
    r.wallSeconds === null ? "–" : r.wallSeconds.mean.toFixed(3),
  ]);
  const widths = header.map((h, k) => Math.max(h.length, ...body.map((b) => b[k]!.length)));
  const textColumns = spaces ? 3 : 2;
  const line = (cells: string[]): string => cells.map((c, k) => (k < textColumns ? c.padEnd(widths[k]!) : c.padStart(widths[k]!))).join("  ").trimEnd();
  return `${[line(header), ...body.map(line)].join("\n")}\n`;
}

function parseYRange(text: string | undefined): [number, number] | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(",");
  const valid = "expected LOW,HIGH accuracies in percent with LOW < HIGH, e.g. 90,95";
  if (parts.length !== 2) throw new UserError(`bad --y-range '${text}': ${valid}`);
  const [lo, hi] = parts.map((p) => parseNumber(p.trim(), "--y-range")!) as [number, number];
  if (!(lo < hi)) throw new UserError(`bad --y-range '${text}': ${valid}`);
  return [lo, hi];
}

/**
 * Writes one SVG per (space, dataset) into `dir` — `best-so-far-<dataset>-<metric>.svg`, or
 * `best-so-far-<space>-<dataset>-<metric>.svg` when the groups hold both spaces —; returns the paths written.
 */
export async function writePlots(groups: readonly CampaignGroup[], dir: string, metric: RunMetric, points: number, yRange?: [number, number]): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const nameSpace = new Set(groups.map((g) => g.space)).size > 1;
  const plots = new Map<string, { space: SpaceName; dataset: string }>();
  for (const g of groups) plots.set(JSON.stringify([g.space, g.dataset]), { space: g.space, dataset: g.dataset });
  for (const { space, dataset } of plots.values()) {
    const plot = buildBestSoFarPlot(
      groups.filter((g) => g.space === space && g.dataset === dataset),
      metric,
      points,
      { ...(yRange === undefined ? {} : { yRange }), nameSpace },
    );
    const path = join(dir, `best-so-far-${nameSpace ? `${space}-` : ""}${dataset}-${metric}.svg`);
    writeFileAtomic(path, await renderPlotSvg(plot));
    written.push(path);
  }
  return written;
}

export function registerSearchReportCommand(search: Command): void {
  const report = search
    .command("report")
    .description("compare campaign files (from 'aa-nas search <algorithm> --out' or --json): a table per (space, dataset, algorithm, budget), and SVG plots of best-so-far accuracy over simulated time")
    .argument("<files...>", "campaign files, or folders (every *.json directly inside)")
    .option("--plots <dir>", "write best-so-far-<dataset>-<metric>.svg per dataset here: mean line, ± std band, the optimum as a dashed line (best-so-far-<space>-<dataset>-<metric>.svg when the files hold both spaces)")
    .option("--metric <test|valid>", "accuracy the plots show", "test")
    .option("--points <n>", "time points per curve (2..5000)", "200")
    .option("--y-range <low,high>", "fix the plots' accuracy axis, e.g. 90,95 (default: everything the curves span)")
    .option("--json", "print the table as JSON (with the plots' paths)");
  report.action(async (files: string[], _opts: ReportOptions) => {
    // the parent command parses its own options anywhere on the line (--json is one), so read them merged
    const opts = report.optsWithGlobals<ReportOptions>();
    const metric = parseChoice(opts.metric, "--metric", RUN_METRICS);
    const points = parseInteger(opts.points, "--points", 2, 5000);
    const yRange = parseYRange(opts.yRange);
    const plotsDir = opts.plots === undefined ? undefined : checkOutputFolder(opts.plots, { flag: "--plots" });
    // the file reader (zod) is loaded only by the report, not by every `aa-nas search`
    const { loadCampaigns } = await import("../web/runs/search-run-file.js");
    const groups = groupCampaigns(loadCampaigns(files));
    const rows = reportRows(groups);
    const plots = plotsDir === undefined ? [] : await writePlots(groups, plotsDir, metric, points, yRange);
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ metric, rows, plots })}\n`);
      return;
    }
    process.stdout.write(formatReport(rows));
    for (const p of plots) process.stdout.write(`plot: ${p}\n`);
  });
}
