/* global performance */
/** Overview: accuracy vs params / FLOPs / latency for one (hp, dataset), Pareto front, op-count filters (tss; sss: view-size-overview.js). */
import { getJson } from "./api.js";
import { denseWindow, draw, fittedRange, makeChart, optimumSeries, zoom } from "./charts.js";
import { archFromCode, fmt, fmtMs, h, hashOf, select } from "./dom.js";
import { exportBar, slug } from "./export.js";
import * as sizeOverview from "./view-size-overview.js";

const AXES = {
  params: { label: "parameters (MB)", fmt: (v) => `${fmt(v, 3)} MB`, csv: "params_mb" },
  flops: { label: "FLOPs (M)", fmt: (v) => `${fmt(v, 1)} M`, csv: "flops_m" },
  latency: { label: "latency (ms per batch of 256)", fmt: (v) => fmtMs(v / 1000), scale: 1000, csv: "latency_s" },
};
/** filter name → label, in the order of the query string (boot.js prefetches with the same order) */
const FILTER_LABELS = { conv3x3: "conv 3×3", conv1x1: "conv 1×1", skip: "skip", pool: "avg pool", none: "none" };
const CONV3_COLORS = ["#adb5bd", "#66d9e8", "#22b8cf", "#1c7ed6", "#5f3dc4", "#862e9c", "#212529"];

export async function render(root, { params }, ctx) {
  const filters = {};
  for (const name of Object.keys(FILTER_LABELS)) if (params.get(name)) filters[name] = params.get(name);
  // the server fills in the default hp / dataset / set, so the data need not wait for /api/meta
  const [meta, data] = await Promise.all([
    ctx.ready,
    // parameter order as boot.js prefetches it
    getJson("/api/overview", { hp: params.get("hp"), dataset: params.get("dataset"), set: params.get("set"), ...filters }),
  ]);
  if (!ctx.isCurrent()) return;
  // a size-space store: the same endpoint answers with channel strings, drawn by the sss overview
  if (meta.space.name === "sss") return sizeOverview.render(root, params, ctx, meta, data);
  const state = {
    hp: data.hp,
    dataset: data.dataset,
    set: params.get("set") ?? undefined,
    x: AXES[params.get("x")] ? params.get("x") : "flops",
    log: params.get("log") === "1",
  };
  const go = (patch) => ctx.navigate(hashOf("overview", [], { ...state, ...filters, log: state.log ? "1" : undefined, ...patch }));
  // marks for the load-time bench (perf/web): data arrived, chart option built, chart drawn
  performance.mark("overview:data");
  const set = data.set;

  const filterControls = Object.keys(FILTER_LABELS).map((name) => {
    const [lo, hi] = (filters[name] ?? "0-6").split("-").map(Number);
    const counts = [0, 1, 2, 3, 4, 5, 6];
    const upd = (a, b) => go({ [name]: a === 0 && b === 6 ? undefined : a === b ? String(a) : `${a}-${b ?? a}` });
    return h(
      "span",
      { class: "filter", dataset: { op: name } },
      h("span", { class: "filter-label" }, FILTER_LABELS[name]),
      select(`${name}-min`, counts, lo, (v) => upd(Number(v), Math.max(Number(v), hi ?? lo))),
      "–",
      select(`${name}-max`, counts, hi ?? lo, (v) => upd(Math.min(lo, Number(v)), Number(v))),
    );
  });

  const controls = h(
    "div",
    { class: "controls" },
    select("hp", meta.store.hps.map((x) => [x, `${x} epochs`]), state.hp, (v) => go({ hp: v }), "schedule"),
    select("dataset", meta.store.datasets, state.dataset, (v) => go({ dataset: v, set: undefined }), "dataset"),
    select("set", data.availableSets.includes(set) ? data.availableSets : [set, ...data.availableSets], set, (v) => go({ set: v }), "accuracy on"),
    select("x", Object.keys(AXES).map((k) => [k, AXES[k].label]), state.x, (v) => go({ x: v }), "x axis"),
    h("label", { class: "control" }, h("input", { type: "checkbox", name: "log", checked: state.log, onchange: (e) => go({ log: e.target.checked ? "1" : undefined }) }), "log x"),
  );
  const filterBar = h("div", { class: "controls filters" }, h("span", { class: "muted" }, "edges with op:"), filterControls);

  const p = data.points;
  const n = p.index.length;
  const axis = AXES[state.x];
  const xs = p[state.x];
  const scale = axis.scale ?? 1;
  const byIndex = new Map();
  // One series per number of 3×3 convolutions (its colour and legend entry), each drawn in echarts' large mode: one
  // canvas path per series instead of one element per point, which keeps 15,625 points well inside the load budget.
  const groups = CONV3_COLORS.map(() => ({ data: [], index: [] }));
  let shown = 0;
  for (let i = 0; i < n; i++) {
    byIndex.set(p.index[i], i);
    if (xs[i] === null) continue;
    let conv3 = 0;
    for (const c of p.ops[i]) if (c === "3") conv3++;
    groups[conv3].data.push(xs[i] * scale, p.accuracy[i]);
    groups[conv3].index.push(p.index[i]);
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
    `${shown.toLocaleString("en")} of ${data.archsWithRuns.toLocaleString("en")} archs shown`,
    data.filteredOut > 0 ? ` · ${data.filteredOut.toLocaleString("en")} filtered out` : "",
    data.missing > 0 ? ` · ${data.missing.toLocaleString("en")} without ${set}` : "",
    n - shown > 0 ? ` · ${(n - shown).toLocaleString("en")} without a latency` : "",
    ` · Pareto front: ${front.length} archs (red)`,
  );
  const yWindow = denseWindow([...p.accuracy, data.optimum?.accuracy], { lo: 0, hi: 100 });
  const zoomNote = yWindow
    ? h("p", { class: "muted small", id: "zoom-note" }, `Zoomed to ${fmt(yWindow.min, 1)}–${fmt(yWindow.max, 1)} %, where 95 % of the archs lie; drag the slider on the right (or shift + wheel) to see the rest.`)
    : null;
  const chartEl = h("div", { class: "chart chart-tall", id: "overview-chart" });
  const file = slug("overview", state.dataset, state.hp, set, state.x);
  const archOfRow = (i) => archFromCode(p.ops[i], meta.space.ops, meta.space.edges);
  let chart;
  const chartExport = exportBar({
    name: file,
    chart: () => chart,
    csv: () => ({
      header: ["index", axis.csv, `accuracy_${set}`, "arch"],
      rows: p.index.flatMap((idx, i) => (xs[i] === null ? [] : [[idx, xs[i], p.accuracy[i], archOfRow(i)]])),
    }),
  });
  const frontExport = exportBar({
    name: `${file}-pareto`,
    csv: () => ({ header: ["index", axis.csv, `accuracy_${set}`, "arch"], rows: data.pareto[state.x].map((idx) => [idx, xs[byIndex.get(idx)], p.accuracy[byIndex.get(idx)], archOfRow(byIndex.get(idx))]) }),
  });
  const frontTable = h(
    "table",
    { class: "table" },
    h("thead", {}, h("tr", {}, h("th", {}, "index"), h("th", {}, axis.label), h("th", {}, `accuracy (${set})`), h("th", {}, "arch"))),
    h(
      "tbody",
      {},
      front.map(([x, acc, idx]) =>
        h(
          "tr",
          {},
          h("td", {}, h("a", { href: hashOf("arch", [String(idx)], { hp: state.hp, dataset: state.dataset }) }, String(idx))),
          h("td", {}, axis.fmt(x)),
          h("td", {}, fmt(acc, 2)),
          h("td", { class: "mono small" }, archFromCode(p.ops[byIndex.get(idx)], meta.space.ops, meta.space.edges)),
        ),
      ),
    ),
  );
  root.append(
    h("h1", {}, `Accuracy vs ${axis.label} — ${state.dataset}, ${state.hp} epochs`),
    controls,
    filterBar,
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
  const open = (idx) => ctx.navigate(hashOf("arch", [String(idx)], { hp: state.hp, dataset: state.dataset }));
  chart.on("click", (e) => {
    const idx = archOf(e.seriesIndex, e.dataIndex);
    if (idx !== undefined) open(idx);
  });
  await draw(chart, {
    grid: { left: 64, right: 48, top: 44, bottom: 84 },
    dataZoom: zoom({ yWindow }),
    legend: { top: 4, data: drawn.map((g) => conv3Label(g.k)).concat("Pareto front") },
    tooltip: {
      trigger: "item",
      formatter: (e) => {
        const idx = archOf(e.seriesIndex, e.dataIndex);
        const i = byIndex.get(idx);
        return [
          `<b>arch ${idx}</b>${e.seriesIndex === drawn.length ? " (Pareto front)" : ""}`,
          `${set}: ${fmt(p.accuracy[i], 2)}%`,
          `params ${fmt(p.params[i], 3)} MB · FLOPs ${fmt(p.flops[i], 1)} M · latency ${fmtMs(p.latency[i])}`,
          `<span class="mono">${archFromCode(p.ops[i], meta.space.ops, meta.space.edges)}</span>`,
          "click to open",
        ].join("<br>");
      },
    },
    xAxis: { type: state.log ? "log" : "value", name: axis.label, nameLocation: "middle", nameGap: 32, scale: true },
    // fitted to the shown points and the optimum line, so the band where the archs differ fills the plot
    yAxis: { type: "value", name: `accuracy (${set}, %)`, nameLocation: "middle", nameGap: 44, ...fittedRange([...p.accuracy, data.optimum?.accuracy], { lo: 0, hi: 100 }) },
    series: [
      ...drawn.map((g) => ({
        name: conv3Label(g.k),
        type: "scatter",
        data: new Float64Array(g.data),
        dimensions: ["x", "y"],
        large: true,
        largeThreshold: 0,
        // no progressive (chunk-per-frame) rendering: 15,625 points in 400-point frames would take ~40 frames
        progressive: 0,
        symbolSize: shown > 3000 ? 3 : 7,
        itemStyle: { color: CONV3_COLORS[g.k], opacity: 0.8 },
      })),
      {
        name: "Pareto front",
        type: "line",
        data: front,
        symbol: "circle",
        symbolSize: 8,
        z: 5,
        color: "#e03131",
        lineStyle: { width: 2 },
      },
      ...optimumSeries(data.optimum, `best in store: ${fmt(data.optimum?.accuracy, 2)}% (arch ${data.optimum?.index})`),
    ],
  });
}

function conv3Label(k) {
  return `${k} × conv 3×3`;
}
