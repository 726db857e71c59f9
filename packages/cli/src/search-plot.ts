/**
 * The figure of `aa-nas search report`: per (space, dataset), the best-so-far accuracy of each algorithm's answer over
 * simulated time — mean line and ± std band over its runs — with the space's optimum as a dashed line. The series are
 * built here as plain numbers (`buildBestSoFarPlot`, what the tests check against the run files), then drawn by
 * echarts' server-side SVG renderer: no browser, no DOM.
 */
import { ALGORITHM_LABELS, ALGORITHMS, type AlgorithmName } from "@aa-nas/core/search/algorithms.js";
import { searchSpace, type SpaceName } from "@aa-nas/core/space/index.js";
import { bestSoFarSeries, type CampaignGroup, type RunMetric } from "./web/runs/best-so-far.js";

/** One algorithm's curve: points where at least one run has an answer. */
export interface PlotLine {
  algorithm: string;
  /** legend text, e.g. "REA (100 runs)" */
  label: string;
  runs: number;
  budget: number;
  color: string;
  /** [simulated seconds, mean accuracy] */
  mean: Array<[number, number]>;
  /** [simulated seconds, mean − std, mean + std] */
  band: Array<[number, number, number]>;
  /** index into `mean` / `band` from which every run has an answer (the mean is over all runs) */
  complete: number;
}

export interface BestSoFarPlot {
  space: SpaceName;
  dataset: string;
  metric: RunMetric;
  title: string;
  /** x axis: 0..xMax simulated seconds (the largest budget) */
  xMax: number;
  yMin: number;
  yMax: number;
  lines: PlotLine[];
  optimum: { archIndex: number; accuracy: number } | null;
}

export interface PlotLayout {
  width: number;
  height: number;
  /** the plotting area's margins in pixels (fixed, so a reader of the SVG can map pixels back to values) */
  grid: { left: number; right: number; top: number; bottom: number };
}

export const PLOT_LAYOUT: Readonly<PlotLayout> = Object.freeze({ width: 900, height: 540, grid: Object.freeze({ left: 72, right: 32, top: 84, bottom: 64 }) });

// Okabe–Ito colours: distinguishable with the common colour-vision deficiencies and in greyscale print
const COLORS: Readonly<Record<AlgorithmName, string>> = { rea: "#0072B2", rs: "#E69F00", reinforce: "#009E73", bohb: "#CC79A7" };
const OTHER_COLORS = ["#D55E00", "#56B4E9", "#F0E442", "#999999"];

function label(algorithm: string): string {
  return (ALGORITHMS as readonly string[]).includes(algorithm) ? ALGORITHM_LABELS[algorithm as AlgorithmName] : algorithm;
}

export interface BestSoFarPlotOptions {
  /** fix the accuracy axis to [low, high] */
  yRange?: [number, number];
  /** name the space in the title (a report over campaigns of both spaces) */
  nameSpace?: boolean;
}

/**
 * The plot of the groups of one (space, dataset). `yRange` fixes the accuracy axis; without it the axis spans the optimum and
 * every band from the time all of its runs have an answer, rounded out to whole percent. Before that time the mean is
 * over the few runs that have answered and swings widely: it runs off the axis (clipped) rather than squeezing the
 * part a reader compares into a sliver.
 */
export function buildBestSoFarPlot(groups: readonly CampaignGroup[], metric: RunMetric, points: number, options: BestSoFarPlotOptions = {}): BestSoFarPlot {
  const dataset = groups[0]?.dataset;
  const space = groups[0]?.space;
  if (dataset === undefined || space === undefined || groups.some((g) => g.dataset !== dataset || g.space !== space)) {
    throw new RangeError("a best-so-far plot shows the groups of exactly one (space, dataset)");
  }
  const yRange = options.yRange;
  let other = 0;
  const lines = groups.map((g): PlotLine => {
    const s = bestSoFarSeries(g, metric, points);
    const mean: Array<[number, number]> = [];
    const band: Array<[number, number, number]> = [];
    let complete = -1;
    s.time.forEach((t, k) => {
      const m = s.mean[k];
      const sd = s.std[k];
      if (m === null || m === undefined || sd === null || sd === undefined) return;
      if (complete < 0 && s.count[k] === g.runs.length) complete = mean.length;
      mean.push([t, m]);
      band.push([t, m - sd, m + sd]);
    });
    const color = COLORS[g.algorithm as AlgorithmName] ?? OTHER_COLORS[other++ % OTHER_COLORS.length]!;
    const budgets = new Set(groups.filter((h) => h.algorithm === g.algorithm).map((h) => h.budget));
    const name = `${label(g.algorithm)}${budgets.size > 1 ? ` @ ${g.budget} s` : ""} (${g.runs.length} runs)`;
    return { algorithm: g.algorithm, label: name, runs: g.runs.length, budget: g.budget, color, mean, band, complete: complete < 0 ? band.length : complete };
  });
  const optima = groups.map((g) => g.optimum?.[metric]).filter((o): o is { archIndex: number; accuracy: number } => o !== undefined);
  const optimum = optima.length === 0 ? null : optima.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
  let yMin: number;
  let yMax: number;
  if (yRange !== undefined) [yMin, yMax] = yRange;
  else {
    const lows = lines.flatMap((l) => l.band.slice(l.complete).map((b) => b[1]));
    const highs = [...lines.flatMap((l) => l.band.slice(l.complete).map((b) => b[2])), ...(optimum === null ? [] : [optimum.accuracy])];
    yMin = lows.length === 0 ? 0 : Math.floor(Math.min(...lows));
    yMax = highs.length === 0 ? 100 : Math.ceil(Math.max(...highs));
    if (yMax <= yMin) yMax = yMin + 1;
  }
  const runs = [...new Set(lines.map((l) => l.runs))];
  const what = metric === "test" ? "test" : "validation";
  return {
    space,
    dataset,
    metric,
    title: `${dataset}${options.nameSpace === true ? `, ${searchSpace(space).title}` : ""}: best-so-far ${what} accuracy, mean ± std over ${runs.length === 1 ? runs[0] : `${Math.min(...runs)}–${Math.max(...runs)}`} runs`,
    xMax: Math.max(...groups.map((g) => g.budget)),
    yMin,
    yMax,
    lines,
    optimum,
  };
}

/** The echarts option of a plot (exported for the tests; `renderPlotSvg` draws it). */
export function plotOption(plot: BestSoFarPlot, layout: PlotLayout = PLOT_LAYOUT): Record<string, unknown> {
  const series: Record<string, unknown>[] = [];
  for (const line of plot.lines) {
    // the band as one polygon: upper edge forwards, lower edge back (a stacked area would stack on x here, since
    // both axes are value axes)
    const polygon = [...line.band.map((b) => [b[0], b[2]]), ...[...line.band].reverse().map((b) => [b[0], b[1]])];
    series.push({
      type: "custom",
      name: line.label,
      silent: true,
      clip: true,
      data: polygon.length === 0 ? [] : [polygon[0]],
      renderItem: (_params: unknown, api: { coord: (p: number[]) => number[] }) => ({
        type: "polygon",
        shape: { points: polygon.map((p) => api.coord(p)) },
        style: { fill: line.color, opacity: 0.18 },
      }),
      itemStyle: { color: line.color },
      z: 1,
    });
    series.push({
      type: "line",
      name: line.label,
      data: line.mean,
      showSymbol: false,
      lineStyle: { color: line.color, width: 2 },
      itemStyle: { color: line.color },
      z: 3,
    });
  }
  if (plot.optimum !== null) {
    series.push({
      type: "line",
      name: `optimum: arch ${plot.optimum.archIndex}, ${plot.optimum.accuracy.toFixed(2)} %`,
      data: [
        [0, plot.optimum.accuracy],
        [plot.xMax, plot.optimum.accuracy],
      ],
      showSymbol: false,
      lineStyle: { color: "#000000", width: 1.5, type: "dashed" },
      itemStyle: { color: "#000000" },
      z: 4,
    });
  }
  const text = { fontFamily: "Helvetica, Arial, sans-serif", color: "#222222" };
  return {
    animation: false,
    backgroundColor: "#ffffff",
    textStyle: text,
    title: { text: plot.title, left: "center", top: 10, textStyle: { ...text, fontSize: 16, fontWeight: "normal" } },
    legend: { top: 42, left: "center", icon: "roundRect", itemHeight: 4, textStyle: { ...text, fontSize: 13 }, data: series.filter((s) => s.type === "line").map((s) => s.name) },
    grid: { ...layout.grid, containLabel: false },
    xAxis: {
      type: "value",
      min: 0,
      max: plot.xMax,
      name: "simulated time (s)",
      nameLocation: "middle",
      nameGap: 36,
      nameTextStyle: { ...text, fontSize: 13 },
      axisLabel: { ...text, fontSize: 12 },
      splitLine: { lineStyle: { color: "#eeeeee" } },
    },
    yAxis: {
      type: "value",
      min: plot.yMin,
      max: plot.yMax,
      name: `${plot.metric} accuracy (%)`,
      nameLocation: "middle",
      nameGap: 48,
      nameTextStyle: { ...text, fontSize: 13 },
      axisLabel: { ...text, fontSize: 12 },
      splitLine: { lineStyle: { color: "#eeeeee" } },
    },
    series,
  };
}

/** The plot as a standalone SVG document, drawn by echarts in Node (server-side rendering, no DOM). */
export async function renderPlotSvg(plot: BestSoFarPlot, layout: PlotLayout = PLOT_LAYOUT): Promise<string> {
  // loaded here: echarts is large and only the report draws with it
  const echarts = await import("echarts");
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: layout.width, height: layout.height });
  try {
    chart.setOption(plotOption(plot, layout));
    return `<?xml version="1.0" encoding="UTF-8"?>\n${chart.renderToSVGString()}\n`;
  } finally {
    chart.dispose();
  }
}
