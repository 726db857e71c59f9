/**
 * Campaign files and `aa-nas search report`: 4 algorithms × 100 runs on the synthetic benchmark are written as campaign
 * files, the report is run as a user runs it (built CLI), and the SVG's curves are read back — pixels mapped to values
 * through the fixed plot layout — and checked against a best-so-far mean computed here from the run files alone.
 * Needs `npm run build` first.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALGORITHMS, campaignToFile, searchCampaign, type CampaignFile } from "../../packages/core/src/search/index.js";
import { PLOT_LAYOUT, buildBestSoFarPlot } from "../../packages/cli/src/search-plot.js";
import { groupCampaigns } from "../../packages/cli/src/web/runs/best-so-far.js";
import { loadCampaigns } from "../../packages/cli/src/web/runs/search-run-file.js";
import { runCli } from "../support/cli.js";
import { syntheticBenchmark, syntheticTable } from "./synthetic.js";

const RUNS = 100;
const BUDGET = 12000;
const POINTS = 50;
let dir: string;
const files: string[] = [];
const written: CampaignFile[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "aa-nas-report-"));
  for (const algorithm of ALGORITHMS) {
    const campaign = searchCampaign(algorithm, syntheticBenchmark(), { dataset: "cifar10", runs: RUNS, seed: 1, budget: BUDGET, optimum: true });
    const file = campaignToFile(campaign, { createdBy: "test", source: null });
    const path = join(dir, `${algorithm}.json`);
    writeFileSync(path, JSON.stringify(file));
    files.push(path);
    written.push(file);
  }
});

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

/** Independent of the code under test: the mean over runs of the test accuracy of the answer held at time t. */
function expectedMean(file: CampaignFile, t: number): number | null {
  const values: number[] = [];
  for (const run of file.results) {
    let v: number | null = null;
    for (const p of run.trace) if (p.time <= t) v = p.testAccuracy;
    if (v !== null) values.push(v);
  }
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

/** The points of an SVG path made of M/L commands. */
function pathPoints(d: string): Array<[number, number]> {
  return [...d.matchAll(/[ML]\s*(-?[\d.]+)[ ,](-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

describe("campaign files", () => {
  it("hold every counted evaluation of every run, consistent with the run's clock and best-so-far trace", () => {
    for (const file of written) {
      expect(file).toMatchObject({ format: "aa-nas-search-campaign", version: 1, space: "tss", budget: BUDGET, runs: RUNS });
      expect(file.results).toHaveLength(RUNS);
      for (const run of file.results) {
        expect(run.history).toHaveLength(run.evaluations);
        let time = 0;
        for (const h of run.history) {
          time += h.cost;
          expect(h.time).toBeCloseTo(time, 6);
          expect(h.wallTime).toBeGreaterThanOrEqual(0);
          expect(h.wallTime).toBeLessThanOrEqual(run.wallSeconds);
        }
        expect(run.history[run.history.length - 1]!.time).toBe(run.usedTime);
        // every change of answer happens right after an evaluation, to an arch with the reward that evaluation saw
        for (const p of run.trace) {
          const at = run.history[p.evaluations - 1]!;
          expect(p.time).toBe(at.time);
          expect(run.history.slice(0, p.evaluations).some((h) => h.archIndex === p.archIndex)).toBe(true);
        }
      }
    }
  });

  it("record the space's optimum: the best 200-epoch test accuracy of the benchmark", () => {
    const test = Array.from(syntheticTable().test);
    const best = Math.max(...test);
    for (const file of written) {
      expect(file.optimum!.test.accuracy).toBe(best);
      expect(test[file.optimum!.test.archIndex]).toBe(best);
    }
  });
});

describe("aa-nas search report", () => {
  it("the plot's series are the run files' best-so-far mean ± std, and the optimum is the files' optimum", () => {
    const groups = groupCampaigns(loadCampaigns(files));
    const plot = buildBestSoFarPlot(groups, "test", POINTS);
    expect(plot.lines.map((l) => l.algorithm)).toEqual([...ALGORITHMS]);
    expect(plot.optimum).toEqual(written[0]!.optimum!.test);
    plot.lines.forEach((line, k) => {
      const file = written[k]!;
      expect(line.runs).toBe(RUNS);
      const grid = Array.from({ length: POINTS }, (_, i) => (BUDGET * i) / (POINTS - 1));
      const expected = grid.map((t) => [t, expectedMean(file, t)] as const).filter(([, m]) => m !== null);
      expect(line.mean).toHaveLength(expected.length);
      line.mean.forEach(([t, m], i) => {
        expect(t).toBe(expected[i]![0]);
        expect(m).toBeCloseTo(expected[i]![1]!, 9);
      });
      // the band is symmetric about the mean, and zero-width only where every run holds the same number
      for (const [i, [, lo, hi]] of line.band.entries()) expect((lo + hi) / 2).toBeCloseTo(line.mean[i]![1], 9);
    });
  });

  it("prints the comparison table, writes an SVG whose curves are those series, and --json parses", () => {
    const plots = join(dir, "plots");
    const r = runCli(["search", "report", ...files, "--plots", plots, "--points", String(POINTS), "--json"]);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { rows: Array<{ algorithm: string; runs: number; test: { mean: number } }>; plots: string[] };
    expect(out.rows.map((row) => [row.algorithm, row.runs])).toEqual(ALGORITHMS.map((a) => [a, RUNS]));
    written.forEach((file, k) => expect(out.rows[k]!.test.mean).toBeCloseTo(file.summary.test.mean, 9));
    expect(out.plots).toEqual([join(plots, "best-so-far-cifar10-test.svg")]);

    const svg = readFileSync(out.plots[0]!, "utf8");
    expect(svg.startsWith("<?xml")).toBe(true);
    expect(svg).toContain("<svg");
    const plot = buildBestSoFarPlot(groupCampaigns(loadCampaigns(files)), "test", POINTS);
    const { grid, width, height } = PLOT_LAYOUT;
    const toX = (t: number) => grid.left + (t / plot.xMax) * (width - grid.left - grid.right);
    const toY = (v: number) => grid.top + ((plot.yMax - v) / (plot.yMax - plot.yMin)) * (height - grid.top - grid.bottom);
    const paths = [...svg.matchAll(/<path d="([^"]+)"[^>]*stroke="(#[0-9A-Fa-f]{6})" stroke-width="2"/g)].map((m) => ({ d: m[1]!, color: m[2]!.toUpperCase() }));
    for (const line of plot.lines) {
      const drawn = paths.filter((p) => p.color === line.color.toUpperCase());
      expect(drawn, `${line.algorithm}'s mean line`).toHaveLength(1);
      const pts = pathPoints(drawn[0]!.d);
      expect(pts).toHaveLength(line.mean.length);
      pts.forEach(([x, y], i) => {
        expect(Math.abs(x - toX(line.mean[i]![0]))).toBeLessThan(0.6);
        expect(Math.abs(y - toY(line.mean[i]![1]))).toBeLessThan(0.6);
      });
    }
    // the optimum: a dashed horizontal line across the plot at the optimum's accuracy
    const dashed = [...svg.matchAll(/<path d="([^"]+)"[^>]*stroke="#000000"[^>]*stroke-dasharray/g)].map((m) => pathPoints(m[1]!));
    expect(dashed).toHaveLength(1);
    for (const [, y] of dashed[0]!) expect(Math.abs(y - toY(plot.optimum!.accuracy))).toBeLessThan(0.6);
    // the ± std band: one polygon per algorithm in its colour, the upper edge forwards and the lower edge back
    for (const line of plot.lines) {
      const polygons = [...svg.matchAll(/<polygon points="([^"]+)"[^>]*fill="(#[0-9A-Fa-f]{6})" fill-opacity="0\.18"/g)].filter((m) => m[2]!.toUpperCase() === line.color.toUpperCase());
      expect(polygons, `${line.algorithm}'s band`).toHaveLength(1);
      const nums = polygons[0]![1]!.trim().split(/\s+/).map(Number);
      const pts = Array.from({ length: nums.length / 2 }, (_, i) => [nums[2 * i]!, nums[2 * i + 1]!] as const);
      const edge = [...line.band.map((b) => [b[0], b[2]] as const), ...[...line.band].reverse().map((b) => [b[0], b[1]] as const)];
      expect(pts).toHaveLength(edge.length);
      pts.forEach(([x, y], i) => {
        expect(Math.abs(x - toX(edge[i]![0]))).toBeLessThan(0.6);
        expect(Math.abs(y - toY(edge[i]![1]))).toBeLessThan(0.6);
      });
    }
  });

  it("the table names each group with its runs and the optimum's regret", () => {
    const r = runCli(["search", "report", ...files]);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^dataset\s+algorithm\s+budget\(s\)\s+runs\s+valid\(%\)\s+test\(%\)\s+optimum test\s+regret/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 4))).toEqual(["REA", "RS", "REINFORCE", "BOHB"].map((a) => ["cifar10", a, String(BUDGET), String(RUNS)]));
  });

  it("refuses bad options and files with one line and exit 2", () => {
    for (const [args, message] of [
      [["search", "report", files[0]!, "--metric", "loss"], /bad --metric 'loss': valid values are 'test' or 'valid'/],
      [["search", "report", files[0]!, "--points", "1"], /bad --points '1'/],
      [["search", "report", files[0]!, "--y-range", "95,90"], /bad --y-range '95,90'/],
      [["search", "report", join(dir, "nope.json")], /do not exist/],
    ] as const) {
      const r = runCli([...args]);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  });

  it("refuses a campaign file of a newer version instead of misreading it", () => {
    const path = join(dir, "future.json");
    writeFileSync(path, JSON.stringify({ ...written[0]!, version: 99 }));
    const r = runCli(["search", "report", path]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/version-99 campaign file; this aa-nas reads versions up to 1/);
  });
});
