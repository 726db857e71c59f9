/** Architecture page: cell diagram, identity and isomorphism class, costs and final accuracies, per-seed curves. */
import { getJson } from "./api.js";
import { cellDiagram } from "./cell-diagram.js";
import { draw, makeChart, SERIES_COLORS } from "./charts.js";
import { fmt, fmtMs, h, hashOf, select } from "./dom.js";

const SET_DASH = { train: "solid", "x-valid": "dashed", "x-test": "dotted", "ori-test": [8, 3, 2, 3] };
const MAX_ISOMORPHS = 24;

export async function render(root, { rest, params }, ctx) {
  await ctx.ready;
  const ref = rest[0] ?? params.get("arch") ?? "0";
  const a = await getJson("/api/arch", { arch: ref });
  if (!ctx.isCurrent()) return;
  const hp = params.get("hp");
  const dataset = params.get("dataset");
  const pick =
    a.results.find((r) => r.hp === hp && r.dataset === dataset) ??
    a.results.find((r) => r.hp === (hp ?? ctx.meta.defaults.hp) && r.dataset === ctx.meta.defaults.dataset) ??
    a.results.find((r) => r.dataset === dataset) ??
    a.results[0];
  const link = (index, label = String(index)) => h("a", { href: hashOf("arch", [String(index)], { hp: pick?.hp, dataset: pick?.dataset }) }, label);

  const counts = {};
  for (const op of a.ops) counts[op] = (counts[op] ?? 0) + 1;
  const facts = h(
    "table",
    { class: "table facts" },
    h(
      "tbody",
      {},
      row("index", String(a.index)),
      row("arch", h("span", { class: "mono" }, a.arch)),
      row("valid", a.valid ? "yes: the output is reachable from the input" : "no: every input→output path has a 'none' edge"),
      row("edges", Object.entries(counts).map(([op, k]) => `${k}× ${op}`).join(", ")),
      row("unique string", h("span", { class: "mono small" }, a.uniqueStr)),
      row(
        "isomorphism class",
        a.isomorphs.length === 0
          ? "no other arch computes the same function"
          : h(
              "span",
              {},
              `${a.isomorphs.length + 1} archs compute the same function (uniqueStr, considerZero = true): `,
              a.isomorphs.slice(0, MAX_ISOMORPHS).flatMap((iso, k) => [k > 0 ? ", " : "", h("a", { href: hashOf("arch", [String(iso.index)], { hp: pick?.hp, dataset: pick?.dataset }), title: iso.arch, class: "isomorph" }, String(iso.index))]),
              a.isomorphs.length > MAX_ISOMORPHS ? ` and ${a.isomorphs.length - MAX_ISOMORPHS} more` : "",
            ),
      ),
    ),
  );

  const sets = ["train", "x-valid", "x-test", "ori-test"];
  const resultsTable = h(
    "table",
    { class: "table" },
    h("thead", {}, h("tr", {}, ["hp", "dataset", "seeds", "params (MB)", "FLOPs (M)", "latency", ...sets.map((s) => `${s} acc`)].map((t) => h("th", {}, t)))),
    h(
      "tbody",
      {},
      a.results.map((r) =>
        h(
          "tr",
          { class: r === pick ? "selected" : undefined },
          h("td", {}, r.hp),
          h("td", {}, r.dataset),
          h("td", {}, r.seeds.join(", ")),
          h("td", {}, fmt(r.params, 4)),
          h("td", {}, fmt(r.flops, 2)),
          h("td", {}, fmtMs(r.latency)),
          sets.map((s) => h("td", { class: s === r.defaultSet ? "strong" : undefined }, fmt(r.final[s], 2))),
        ),
      ),
    ),
  );
  const closedForm = h(
    "p",
    { class: "muted small" },
    "closed-form costs (spec §2.5): ",
    Object.entries(a.closedFormCosts)
      .map(([d, c]) => `${d} ${fmt(c.params, 4)} MB / ${fmt(c.flops, 2)} MFLOPs`)
      .join(" · "),
  );

  root.append(
    h(
      "div",
      { class: "arch-head" },
      h("h1", {}, `Architecture ${a.index}`),
      h("span", { class: "pager" }, a.index > 0 ? link(a.index - 1, `← ${a.index - 1}`) : "", " ", a.index < ctx.meta.space.numArchs - 1 ? link(a.index + 1, `${a.index + 1} →`) : ""),
    ),
    h("div", { class: "arch-grid" }, h("div", { class: "panel" }, cellDiagram(a.ops, a.edges), legend()), h("div", { class: "panel" }, facts)),
    h("h2", {}, "Costs and last-epoch accuracy (mean over seeds)"),
    a.results.length > 0 ? resultsTable : h("p", { class: "muted" }, "This store holds no runs of this arch."),
    closedForm,
  );
  if (pick === undefined) return;

  const hps = [...new Set(a.results.map((r) => r.hp))];
  const datasets = a.results.filter((r) => r.hp === pick.hp).map((r) => r.dataset);
  const go = (patch) => ctx.navigate(hashOf("arch", [String(a.index)], { hp: pick.hp, dataset: pick.dataset, ...patch }));
  const accEl = h("div", { class: "chart", id: "acc-chart" });
  const lossEl = h("div", { class: "chart", id: "loss-chart" });
  root.append(
    h("h2", {}, "Training and evaluation curves per seed"),
    h(
      "div",
      { class: "controls" },
      select("hp", hps.map((x) => [x, `${x} epochs`]), pick.hp, (v) => go({ hp: v }), "schedule"),
      select("dataset", datasets, pick.dataset, (v) => go({ dataset: v }), "dataset"),
    ),
    h("div", { class: "chart-pair" }, accEl, lossEl),
  );
  const curves = await getJson("/api/curves", { arch: a.index, hp: pick.hp, dataset: pick.dataset });
  if (!ctx.isCurrent()) return;
  await Promise.all([
    draw(makeChart(accEl, ctx.charts), curveOption(curves, "accuracy (%)", (c) => c.train.acc1, (ev) => ev.acc)),
    draw(makeChart(lossEl, ctx.charts), curveOption(curves, "loss", (c) => c.train.loss, (ev) => ev.loss)),
  ]);
}

function row(label, value) {
  return h("tr", {}, h("th", {}, label), h("td", {}, value));
}

function legend() {
  const items = [
    ["conv 3×3", "op-nor_conv_3x3"],
    ["conv 1×1", "op-nor_conv_1x1"],
    ["skip", "op-skip_connect"],
    ["avg pool", "op-avg_pool_3x3"],
    ["none (zeros)", "op-none"],
  ];
  return h("div", { class: "legend" }, items.map(([label, cls]) => h("span", { class: `swatch ${cls}` }, label)));
}

function curveOption(curves, yName, trainOf, evalOf) {
  const series = [];
  curves.runs.forEach((run, k) => {
    const color = SERIES_COLORS[k % SERIES_COLORS.length];
    const line = (name, set, data) =>
      series.push({ name, type: "line", data, showSymbol: data.length < 30, symbolSize: 4, lineStyle: { color, type: SET_DASH[set], width: set === "train" ? 2 : 1.5 }, itemStyle: { color }, connectNulls: true });
    // a null curve is a metric this store does not hold (e.g. losses in a store built from all-arch tables): no line
    const train = trainOf(run);
    if (train !== null) line(`seed ${run.seed} train`, "train", train.map((v, e) => [e, v]));
    for (const [set, ev] of Object.entries(run.evals)) {
      const values = evalOf(ev);
      if (values !== null) line(`seed ${run.seed} ${set}`, set, ev.epochs.map((e, i) => [e, values[i]]));
    }
  });
  const absent = curves.runs.length > 0 && series.length === 0;
  return {
    title: { text: yName, subtext: absent ? "not in this store" : undefined, left: "center", textStyle: { fontSize: 13 } },
    grid: { left: 56, right: 16, top: 36, bottom: 88 },
    tooltip: { trigger: "axis", valueFormatter: (v) => fmt(v, 3) },
    legend: { type: "scroll", bottom: 0 },
    xAxis: { type: "value", name: "epoch", nameLocation: "middle", nameGap: 26, min: 0, max: Math.max(...curves.runs.map((r) => r.epochs)) - 1 },
    yAxis: { type: "value", scale: true },
    series,
  };
}
