/* global performance */
/**
 * The overview page both search spaces share: accuracy vs params / FLOPs / latency for one (hp, dataset, set), one
 * point per arch coloured by a grouping the space's view chooses, the Pareto front as a line and a table, the optimum
 * line, fitted axes with zoom, PNG / CSV export. view-overview.js (tss: op-count filters, colour = number of 3×3
 * convolutions) and view-size-overview.js (sss: colour = a width pattern) supply only what differs.
 */
import { denseWindow, draw, fittedRange, makeChart, optimumSeries, zoom } from "./charts.js";
import { fmt, fmtMs, h, hashOf, select } from "./dom.js";
import { exportBar, slug } from "./export.js";

export const AXES = {
  params: { label: "parameters (MB)", fmt: (v) => `${fmt(v, 3)} MB`, csv: "params_mb" },
  flops: { label: "FLOPs (M)", fmt: (v) => `${fmt(v, 1)} M`, csv: "flops_m" },
  latency: { label: "latency (ms per batch of 256)", fmt: (v) => fmtMs(v / 1000), scale: 1000, csv: "latency_s" },
};

/** The state every overview keeps in its URL; `extra` adds a view's own keys (filters, colour choice). */
export function overviewState(params, data, extra = {}) {
  return {
    hp: data.hp,
    dataset: data.dataset,
    set: params.get("set") ?? undefined,
    x: AXES[params.get("x")] ? params.get("x") : "flops",
    log: params.get("log") === "1",
    ...extra,
  };
}

/**
 * Draws the page into `root`. `spec`:
 * - state, go(patch): the view's URL state and navigation
 * - noun: "arch" | "config"; title: the heading's suffix ("" or " (size space)")
 * - controls: extra selects for the controls row, placed before "log x"; bars: elements below the controls
 * - colors: one colour per group; groupOf(i): the group of point i; label(k): group k's legend entry; opacity
 * - describeHeader ("arch" | "channels"), describe(i): the point's arch as text (tables, CSV, tooltip)
 * - summaryExtra: text after "n of m shown" (e.g. how many filters removed)
 */
export async function renderScatterOverview(root, ctx, meta, data, spec) {
  const { state, go, noun } = spec;
  // marks for the load-time bench (perf/web): data arrived, chart option built, chart drawn
  performance.mark("overview:data");
  const set = data.set;
  const controls = h(
    "div",
    { class: "controls" },
    select("hp", meta.store.hps.map((x) => [x, `${x} epochs`]), state.hp, (v) => go({ hp: v }), "schedule"),
    select("dataset", meta.store.datasets, state.dataset, (v) => go({ dataset: v, set: undefined }), "dataset"),
    select("set", data.availableSets.includes(set) ? data.availableSets : [set, ...data.availableSets], set, (v) => go({ set: v }), "accuracy on"),
    select("x", Object.keys(AXES).map((k) => [k, AXES[k].label]), state.x, (v) => go({ x: v }), "x axis"),
    ...(spec.controls ?? []),
    h("label", { class: "control" }, h("input", { type: "checkbox", name: "log", checked: state.log, onchange: (e) => go({ log: e.target.checked ? "1" : undefined }) }), "log x"),
  );

  const p = data.points;
  const n = p.index.length;
  const axis = AXES[state.x];
  const xs = p[state.x];
  const scale = axis.scale ?? 1;
  const byIndex = new Map();
  // One series per group (its colour and legend entry), each drawn in echarts' large mode: one canvas path per series
  // instead of one element per point, which keeps tens of thousands of points well inside the load budget.
  const groups = spec.colors.map(() => ({ data: [], index: [] }));
  let shown = 0;
  for (let i = 0; i < n; i++) {
    byIndex.set(p.index[i], i);
    if (xs[i] === null) continue;
    const g = groups[spec.groupOf(i)];
    g.data.push(xs[i] * scale, p.accuracy[i]);
    g.index.push(p.index[i]);
    shown++;
  }
  const front = data.pareto[state.x].map((idx) => {
    const i = byIndex.get(idx);
    return [xs[i] * scale, p.accuracy[i], idx];
  });
  // empty groups get no series (echarts' large mode cannot draw an empty typed array)
  const drawn = groups.map((g, k) => ({ ...g, k })).filter((g) => g.index.length > 0);
  const archOf = (seriesIndex, dataIndex) => (seriesIndex < drawn.length ? drawn[seriesIndex].index[dataIndex] : front[dataIndex]?.[2]);

  const summary = h(
    "p",
    { class: "summary" },
    `${shown.toLocaleString("en")} of ${data.archsWithRuns.toLocaleString("en")} ${noun}s shown`,
    spec.summaryExtra ?? "",
    data.missing > 0 ? ` · ${data.missing.toLocaleString("en")} without ${set}` : "",
    n - shown > 0 ? ` · ${(n - shown).toLocaleString("en")} without a latency` : "",
    ` · Pareto front: ${front.length} ${noun}s (red)`,
  );
  const yWindow = denseWindow([...p.accuracy, data.optimum?.accuracy], { lo: 0, hi: 100 });
  const zoomNote = yWindow
    ? h("p", { class: "muted small", id: "zoom-note" }, `Zoomed to ${fmt(yWindow.min, 1)}–${fmt(yWindow.max, 1)} %, where 95 % of the ${noun}s lie; drag the slider on the right (or shift + wheel) to see the rest.`)
    : null;
  const chartEl = h("div", { class: "chart chart-tall", id: "overview-chart" });
  const file = slug("overview", state.dataset, state.hp, set, state.x);
  const header = ["index", axis.csv, `accuracy_${set}`, spec.describeHeader];
  const row = (i) => [p.index[i], xs[i], p.accuracy[i], spec.describe(i)];
  let chart;
  const chartExport = exportBar({
    name: file,
    chart: () => chart,
    csv: () => ({ header, rows: p.index.flatMap((_, i) => (xs[i] === null ? [] : [row(i)])) }),
  });
  const frontExport = exportBar({ name: `${file}-pareto`, csv: () => ({ header, rows: data.pareto[state.x].map((idx) => row(byIndex.get(idx))) }) });
  const archHash = (idx) => hashOf("arch", [String(idx)], { hp: state.hp, dataset: state.dataset });
  const frontTable = h(
    "table",
    { class: "table" },
    h("thead", {}, h("tr", {}, h("th", {}, "index"), h("th", {}, axis.label), h("th", {}, `accuracy (${set})`), h("th", {}, spec.describeHeader))),
    h(
      "tbody",
      {},
      front.map(([x, acc, idx]) =>
        h(
          "tr",
          {},
          h("td", {}, h("a", { href: archHash(idx) }, String(idx))),
          h("td", {}, axis.fmt(x)),
          h("td", {}, fmt(acc, 2)),
          h("td", { class: "mono small" }, spec.describe(byIndex.get(idx))),
        ),
      ),
    ),
  );
  root.append(
    h("h1", {}, `Accuracy vs ${axis.label} — ${state.dataset}, ${state.hp} epochs${spec.title ?? ""}`),
    controls,
    ...(spec.bars ?? []),
    summary,
    zoomNote ?? "",
    chartExport,
    chartEl,
    h("h2", {}, "Pareto front"),
    frontExport,
    frontTable,
  );

  performance.mark("overview:built");
  chart = makeChart(chartEl, ctx.charts);
  chart.on("click", (e) => {
    const idx = archOf(e.seriesIndex, e.dataIndex);
    if (idx !== undefined) ctx.navigate(archHash(idx));
  });
  await draw(chart, {
    grid: { left: 64, right: 48, top: 44, bottom: 84 },
    dataZoom: zoom({ yWindow }),
    legend: { top: 4, data: drawn.map((g) => spec.label(g.k)).concat("Pareto front") },
    tooltip: {
      trigger: "item",
      formatter: (e) => {
        const idx = archOf(e.seriesIndex, e.dataIndex);
        const i = byIndex.get(idx);
        return [
          `<b>${noun} ${idx}</b>${e.seriesIndex === drawn.length ? " (Pareto front)" : ""}`,
          `${set}: ${fmt(p.accuracy[i], 2)}%`,
          `params ${fmt(p.params[i], 3)} MB · FLOPs ${fmt(p.flops[i], 1)} M · latency ${fmtMs(p.latency[i])}`,
          `<span class="mono">${spec.describe(i)}</span>`,
          "click to open",
        ].join("<br>");
      },
    },
    xAxis: { type: state.log ? "log" : "value", name: axis.label, nameLocation: "middle", nameGap: 32, scale: true },
    // fitted to the shown points and the optimum line, so the band where the archs differ fills the plot
    yAxis: { type: "value", name: `accuracy (${set}, %)`, nameLocation: "middle", nameGap: 44, ...fittedRange([...p.accuracy, data.optimum?.accuracy], { lo: 0, hi: 100 }) },
    series: [
      ...drawn.map((g) => ({
        name: spec.label(g.k),
        type: "scatter",
        data: new Float64Array(g.data),
        dimensions: ["x", "y"],
        large: true,
        largeThreshold: 0,
        // no progressive (chunk-per-frame) rendering: 15,625 points in 400-point frames would take ~40 frames
        progressive: 0,
        symbolSize: shown > 3000 ? 3 : 7,
        itemStyle: { color: spec.colors[g.k], opacity: spec.opacity ?? 0.8 },
      })),
      { name: "Pareto front", type: "line", data: front, symbol: "circle", symbolSize: 8, z: 5, color: "#e03131", lineStyle: { width: 2 } },
      ...optimumSeries(data.optimum, `best in store: ${fmt(data.optimum?.accuracy, 2)}% (${noun} ${data.optimum?.index})`),
    ],
  });
}
