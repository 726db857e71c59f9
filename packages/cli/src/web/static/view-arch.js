/**
 * Architecture page: cell diagram, identity and isomorphism class, costs and final accuracies, per-seed curves. A size
 * (sss) config shows its widths instead of the cell, isomorphism and unique string, which do not apply.
 */
import { getJson } from "./api.js";
import { cellDiagram } from "./cell-diagram.js";
import { draw, fittedRange, makeChart, optimumSeries, SERIES_COLORS, zoom } from "./charts.js";
import { fmt, fmtMs, h, hashOf, select } from "./dom.js";
import { exportBar, slug } from "./export.js";

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

  const sss = a.space === "sss";
  const counts = {};
  for (const op of a.ops ?? []) counts[op] = (counts[op] ?? 0) + 1;
  const facts = sss ? sizeFacts(a) : h(
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
    sss ? "closed-form costs (size space): " : "closed-form costs (spec §2.5): ",
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
    // a size config has no cell of its own to draw (every config shares one): its widths instead
    sss ? h("div", { class: "panel size-facts" }, facts) : h("div", { class: "arch-grid" }, h("div", { class: "panel" }, cellDiagram(a.ops, a.edges), legend()), h("div", { class: "panel" }, facts)),
    h("h2", {}, "Costs and last-epoch accuracy (mean over seeds)"),
    a.results.length > 0
      ? h(
          "div",
          { class: "results" },
          exportBar({
            name: slug("arch", String(a.index), "results"),
            csv: () => ({
              header: ["hp", "dataset", "seeds", "params_mb", "flops_m", "latency_s", ...sets.map((s) => `${s}_acc`)],
              rows: a.results.map((r) => [r.hp, r.dataset, r.seeds.join(" "), r.params, r.flops, r.latency, ...sets.map((s) => r.final[s])]),
            }),
          }),
          resultsTable,
        )
      : h("p", { class: "muted" }, "This store holds no runs of this arch."),
    closedForm,
  );
  if (pick === undefined) return;

  const hps = [...new Set(a.results.map((r) => r.hp))];
  const datasets = a.results.filter((r) => r.hp === pick.hp).map((r) => r.dataset);
  const go = (patch) => ctx.navigate(hashOf("arch", [String(a.index)], { hp: pick.hp, dataset: pick.dataset, ...patch }));
  const curvesBlock = h("div", { class: "curves" });
  root.append(
    h("h2", {}, "Training and evaluation curves per seed"),
    h(
      "div",
      { class: "controls" },
      select("hp", hps.map((x) => [x, `${x} epochs`]), pick.hp, (v) => go({ hp: v }), "schedule"),
      select("dataset", datasets, pick.dataset, (v) => go({ dataset: v }), "dataset"),
    ),
    curvesBlock,
  );
  const curves = await getJson("/api/curves", { arch: a.index, hp: pick.hp, dataset: pick.dataset });
  if (!ctx.isCurrent()) return;
  if (!curves.curvesStored) {
    // e.g. a store imported from the all-arch tables: last-epoch accuracies only, no per-epoch values to plot
    curvesBlock.append(
      h(
        "div",
        { class: "panel empty no-curves", id: "no-curves" },
        h("strong", {}, "No curves in this store."),
        ` It holds last-epoch values only for arch ${a.index} (${pick.hp} epochs, ${pick.dataset}) — see the table above; per-epoch training and evaluation curves come with stores built from the full NATS records or from training runs.`,
      ),
    );
    return;
  }
  const charts = [
    { id: "acc-chart", what: "accuracy", yName: "accuracy (%)", trainOf: (c) => c.train.acc1, evalOf: (ev) => ev.acc, optimum: curves.optimum },
    { id: "loss-chart", what: "loss", yName: "loss", trainOf: (c) => c.train.loss, evalOf: (ev) => ev.loss, optimum: null },
  ];
  const pair = h("div", { class: "chart-pair" });
  curvesBlock.append(pair);
  const draws = charts.map((c) => {
    const el = h("div", { class: "chart chart-curves", id: c.id });
    const lines = curveLines(curves, c.trainOf, c.evalOf);
    let chart;
    pair.append(
      h(
        "div",
        { class: "chart-block" },
        exportBar({
          name: slug("arch", String(a.index), pick.hp, pick.dataset, c.what),
          chart: () => chart,
          csv: () => ({ header: ["seed", "curve", "epoch", c.what], rows: lines.flatMap((l) => l.data.map(([e, v]) => [l.seed, l.curve, e, v])) }),
        }),
        el,
      ),
    );
    chart = makeChart(el, ctx.charts);
    return draw(chart, curveOption(curves, c.yName, lines, c.optimum));
  });
  await Promise.all(draws);
}

/** The size config's identity: index, channel string and the width of each position, drawn as proportional bars. */
function sizeFacts(a) {
  const widest = 64;
  return h(
    "table",
    { class: "table facts" },
    h(
      "tbody",
      {},
      row("index", String(a.index)),
      row("channels", h("span", { class: "mono" }, a.arch)),
      a.channels.map((c, k) =>
        row(`C${k + 1}`, h("span", { class: "width-bar-row" }, h("span", { class: "width-bar", style: `width: ${(100 * c) / widest}%` }), ` ${c}`)),
      ),
      row("total width", String(a.channels.reduce((s, c) => s + c, 0))),
    ),
  );
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

/** One line per seed and curve (train, then each eval set in the record's order); null curves are not in the store. */
function curveLines(curves, trainOf, evalOf) {
  const lines = [];
  curves.runs.forEach((run, k) => {
    const train = trainOf(run);
    if (train !== null) lines.push({ k, seed: run.seed, curve: "train", data: train.map((v, e) => [e, v]) });
    for (const [set, ev] of Object.entries(run.evals)) {
      const values = evalOf(ev);
      if (values !== null) lines.push({ k, seed: run.seed, curve: set, data: ev.epochs.map((e, i) => [e, values[i]]) });
    }
  });
  return lines;
}

function curveOption(curves, yName, lines, optimum) {
  const series = lines.map((l) => {
    const color = SERIES_COLORS[l.k % SERIES_COLORS.length];
    return {
      name: `seed ${l.seed} ${l.curve}`,
      type: "line",
      data: l.data,
      showSymbol: l.data.length < 30,
      symbolSize: 4,
      lineStyle: { color, type: SET_DASH[l.curve], width: l.curve === "train" ? 2 : 1.5 },
      itemStyle: { color },
      connectNulls: true,
    };
  });
  const absent = series.length === 0;
  const isAccuracy = optimum !== null;
  const values = lines.flatMap((l) => l.data.map(([, v]) => v));
  return {
    title: { text: yName, subtext: absent ? "not in this store" : undefined, left: "center", textStyle: { fontSize: 13 } },
    grid: { left: 56, right: 40, top: 36, bottom: 104 },
    tooltip: { trigger: "axis", valueFormatter: (v) => fmt(v, 3) },
    legend: { type: "scroll", bottom: 30, data: series.map((s) => s.name) },
    dataZoom: zoom(),
    xAxis: { type: "value", name: "epoch", nameLocation: "middle", nameGap: 26, min: 0, max: Math.max(...curves.runs.map((r) => r.epochs)) - 1 },
    yAxis: { type: "value", ...fittedRange(isAccuracy ? [...values, optimum.accuracy] : values, isAccuracy ? { lo: 0, hi: 100 } : { lo: 0 }) },
    series: [...series, ...(isAccuracy ? optimumSeries(optimum, `best ${optimum.set} in store: ${fmt(optimum.accuracy, 2)}% (arch ${optimum.index})`) : [])],
  };
}
