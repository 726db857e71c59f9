/* global performance */
/**
 * The size space's overview: accuracy vs params / FLOPs / latency for one (hp, dataset, set), one point per channel
 * config, coloured by a width pattern. The default colour is the width of the last position, C5: FLOPs are dominated
 * by the early, full-resolution positions (C1, C2), so the x axis already orders the configs by those, while C5 works
 * on 8×8 maps (few FLOPs) yet sets the classifier's input width: its colour separates configs of equal FLOPs, which
 * the x axis cannot. The total width (C1 + … + C5) and each other position are a click away.
 */
import { denseWindow, draw, fittedRange, makeChart, optimumSeries, zoom } from "./charts.js";
import { fmt, fmtMs, h, hashOf, select } from "./dom.js";
import { exportBar, slug } from "./export.js";

export const AXES = {
  params: { label: "parameters (MB)", fmt: (v) => `${fmt(v, 3)} MB`, csv: "params_mb" },
  flops: { label: "FLOPs (M)", fmt: (v) => `${fmt(v, 1)} M`, csv: "flops_m" },
  latency: { label: "latency (ms per batch of 256)", fmt: (v) => fmtMs(v / 1000), scale: 1000, csv: "latency_s" },
};
/** one colour per candidate width (light = narrow, dark = wide) */
const WIDTH_COLORS = ["#d0ebff", "#a5d8ff", "#74c0fc", "#4dabf7", "#228be6", "#1971c2", "#5f3dc4", "#212529"];
const TOTAL_STEP = 40;

/** colour-by choices: "total" or the position "1".."5" */
function colourChoices(positions) {
  return [["total", "total width (C1 + … + C5)"], ...Array.from({ length: positions }, (_, k) => [String(k + 1), `width of C${k + 1}`])];
}

/** The group (0..7) and its legend label of a config under a colour choice. */
function grouping(by, widths) {
  if (by === "total") {
    // five widths of 8..64 sum to 40..320: eight bands of 40 (five steps of 8)
    const lo = 5 * widths[0];
    const label = (g) => (g === widths.length - 1 ? `total ${lo + g * TOTAL_STEP}` : `total ${lo + g * TOTAL_STEP}–${lo + g * TOTAL_STEP + TOTAL_STEP - 8}`);
    return { of: (channels) => Math.min(widths.length - 1, Math.floor((channels.reduce((s, c) => s + c, 0) - lo) / TOTAL_STEP)), label };
  }
  const k = Number(by) - 1;
  return { of: (channels) => widths.indexOf(channels[k]), label: (g) => `C${k + 1} = ${widths[g]}` };
}

export async function render(root, params, ctx, meta, data) {
  const positions = meta.space.positions;
  const widths = meta.space.widths;
  const choices = colourChoices(positions);
  const state = {
    hp: data.hp,
    dataset: data.dataset,
    set: params.get("set") ?? undefined,
    x: AXES[params.get("x")] ? params.get("x") : "flops",
    log: params.get("log") === "1",
    color: choices.some(([v]) => v === params.get("color")) ? params.get("color") : String(positions),
  };
  const go = (patch) => ctx.navigate(hashOf("overview", [], { ...state, log: state.log ? "1" : undefined, ...patch }));
  performance.mark("overview:data");
  const set = data.set;
  const controls = h(
    "div",
    { class: "controls" },
    select("hp", meta.store.hps.map((x) => [x, `${x} epochs`]), state.hp, (v) => go({ hp: v }), "schedule"),
    select("dataset", meta.store.datasets, state.dataset, (v) => go({ dataset: v, set: undefined }), "dataset"),
    select("set", data.availableSets.includes(set) ? data.availableSets : [set, ...data.availableSets], set, (v) => go({ set: v }), "accuracy on"),
    select("x", Object.keys(AXES).map((k) => [k, AXES[k].label]), state.x, (v) => go({ x: v }), "x axis"),
    select("color", choices, state.color, (v) => go({ color: v }), "colour by"),
    h("label", { class: "control" }, h("input", { type: "checkbox", name: "log", checked: state.log, onchange: (e) => go({ log: e.target.checked ? "1" : undefined }) }), "log x"),
  );

  const p = data.points;
  const n = p.index.length;
  const axis = AXES[state.x];
  const xs = p[state.x];
  const scale = axis.scale ?? 1;
  const byIndex = new Map();
  const group = grouping(state.color, widths);
  const groups = widths.map(() => ({ data: [], index: [] }));
  let shown = 0;
  for (let i = 0; i < n; i++) {
    byIndex.set(p.index[i], i);
    if (xs[i] === null) continue;
    const g = groups[group.of(p.channels[i].split(":").map(Number))];
    g.data.push(xs[i] * scale, p.accuracy[i]);
    g.index.push(p.index[i]);
    shown++;
  }
  const front = data.pareto[state.x].map((idx) => {
    const i = byIndex.get(idx);
    return [xs[i] * scale, p.accuracy[i], idx];
  });
  const drawn = groups.map((g, k) => ({ ...g, k })).filter((g) => g.index.length > 0);
  const archOf = (seriesIndex, dataIndex) => (seriesIndex < drawn.length ? drawn[seriesIndex].index[dataIndex] : front[dataIndex]?.[2]);

  const summary = h(
    "p",
    { class: "summary" },
    `${shown.toLocaleString("en")} of ${data.archsWithRuns.toLocaleString("en")} configs shown`,
    data.missing > 0 ? ` · ${data.missing.toLocaleString("en")} without ${set}` : "",
    n - shown > 0 ? ` · ${(n - shown).toLocaleString("en")} without a latency` : "",
    ` · Pareto front: ${front.length} configs (red)`,
  );
  const note = h(
    "p",
    { class: "muted small", id: "sss-note" },
    `${meta.space.title}: every config has the same cell, so the topology views (op-count filters, cell diagrams, isomorphism) do not apply; the `,
    h("a", { href: hashOf("widths", [], { hp: state.hp, dataset: state.dataset, set: state.set }) }, "width effects"),
    " view shows how each position's width moves the accuracy.",
  );
  const yWindow = denseWindow([...p.accuracy, data.optimum?.accuracy], { lo: 0, hi: 100 });
  const zoomNote = yWindow
    ? h("p", { class: "muted small", id: "zoom-note" }, `Zoomed to ${fmt(yWindow.min, 1)}–${fmt(yWindow.max, 1)} %, where 95 % of the configs lie; drag the slider on the right (or shift + wheel) to see the rest.`)
    : null;
  const chartEl = h("div", { class: "chart chart-tall", id: "overview-chart" });
  const file = slug("overview", state.dataset, state.hp, set, state.x);
  let chart;
  const header = ["index", axis.csv, `accuracy_${set}`, "channels"];
  const chartExport = exportBar({
    name: file,
    chart: () => chart,
    csv: () => ({ header, rows: p.index.flatMap((idx, i) => (xs[i] === null ? [] : [[idx, xs[i], p.accuracy[i], p.channels[i]]])) }),
  });
  const frontExport = exportBar({
    name: `${file}-pareto`,
    csv: () => ({ header, rows: data.pareto[state.x].map((idx) => [idx, xs[byIndex.get(idx)], p.accuracy[byIndex.get(idx)], p.channels[byIndex.get(idx)]]) }),
  });
  const link = (idx) => h("a", { href: hashOf("arch", [String(idx)], { hp: state.hp, dataset: state.dataset }) }, String(idx));
  const frontTable = h(
    "table",
    { class: "table" },
    h("thead", {}, h("tr", {}, h("th", {}, "index"), h("th", {}, axis.label), h("th", {}, `accuracy (${set})`), h("th", {}, "channels"))),
    h(
      "tbody",
      {},
      front.map(([x, acc, idx]) => h("tr", {}, h("td", {}, link(idx)), h("td", {}, axis.fmt(x)), h("td", {}, fmt(acc, 2)), h("td", { class: "mono" }, p.channels[byIndex.get(idx)]))),
    ),
  );
  root.append(
    h("h1", {}, `Accuracy vs ${axis.label} — ${state.dataset}, ${state.hp} epochs (size space)`),
    controls,
    note,
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
    if (idx !== undefined) ctx.navigate(hashOf("arch", [String(idx)], { hp: state.hp, dataset: state.dataset }));
  });
  await draw(chart, {
    grid: { left: 64, right: 48, top: 44, bottom: 84 },
    dataZoom: zoom({ yWindow }),
    legend: { top: 4, data: drawn.map((g) => group.label(g.k)).concat("Pareto front") },
    tooltip: {
      trigger: "item",
      formatter: (e) => {
        const idx = archOf(e.seriesIndex, e.dataIndex);
        const i = byIndex.get(idx);
        return [
          `<b>config ${idx}</b>${e.seriesIndex === drawn.length ? " (Pareto front)" : ""}`,
          `${set}: ${fmt(p.accuracy[i], 2)}%`,
          `params ${fmt(p.params[i], 3)} MB · FLOPs ${fmt(p.flops[i], 1)} M · latency ${fmtMs(p.latency[i])}`,
          `<span class="mono">${p.channels[i]}</span>`,
          "click to open",
        ].join("<br>");
      },
    },
    xAxis: { type: state.log ? "log" : "value", name: axis.label, nameLocation: "middle", nameGap: 32, scale: true },
    yAxis: { type: "value", name: `accuracy (${set}, %)`, nameLocation: "middle", nameGap: 44, ...fittedRange([...p.accuracy, data.optimum?.accuracy], { lo: 0, hi: 100 }) },
    series: [
      ...drawn.map((g) => ({
        name: group.label(g.k),
        type: "scatter",
        data: new Float64Array(g.data),
        dimensions: ["x", "y"],
        large: true,
        largeThreshold: 0,
        progressive: 0,
        symbolSize: shown > 3000 ? 3 : 7,
        itemStyle: { color: WIDTH_COLORS[g.k], opacity: 0.85 },
      })),
      { name: "Pareto front", type: "line", data: front, symbol: "circle", symbolSize: 8, z: 5, color: "#e03131", lineStyle: { width: 2 } },
      ...optimumSeries(data.optimum, `best in store: ${fmt(data.optimum?.accuracy, 2)}% (config ${data.optimum?.index})`),
    ],
  });
}
