/**
 * Zero-cost proxies: one proxy's score against a stored trained accuracy, per arch, and Spearman ρ / Kendall τ-b of
 * every stored proxy against that accuracy (the same rank correlation as `aa-nas zero-cost correlation`).
 */
import { getJson } from "./api.js";
import { denseWindow, draw, fittedRange, makeChart, zoom } from "./charts.js";
import { fmt, h, hashOf, select } from "./dom.js";
import { exportBar, slug } from "./export.js";

export async function render(root, { params }, ctx) {
  await ctx.ready;
  if (ctx.meta.space.name !== "tss") {
    root.append(
      h("h1", {}, "Zero-cost proxies"),
      h("div", { class: "panel empty", id: "not-applicable" }, `Zero-cost proxy scores are computed for topology-space cells (aa-nas zero-cost); this store holds the ${ctx.meta.space.title}, for which they are not built.`),
    );
    return;
  }
  const r = await getJson("/api/proxies", {
    hp: params.get("hp"),
    dataset: params.get("dataset"),
    set: params.get("set"),
    proxyDataset: params.get("proxyDataset"),
    proxy: params.get("proxy"),
  });
  if (!ctx.isCurrent()) return;
  root.append(h("h1", {}, "Zero-cost proxies vs trained accuracy"));
  if (r.stored.length === 0) {
    root.append(
      h(
        "div",
        { class: "panel empty", id: "no-proxies" },
        h("p", {}, h("strong", {}, "No zero-cost proxy scores in this store."), " Compute them into the store (docs/zero-cost.md), then restart the explorer:"),
        h("pre", {}, "aa-nas zero-cost compute --bench bench.sqlite --dataset cifar10 --range 0-389 --batch-size 64 --seed 0"),
      ),
    );
    return;
  }
  const state = { hp: r.hp, dataset: r.dataset, set: r.set, proxyDataset: r.proxyDataset, proxy: r.proxy };
  const go = (patch) => ctx.navigate(hashOf("proxies", [], { ...state, ...patch }));
  const sets = ctx.meta.accuracySets;
  root.append(
    h(
      "div",
      { class: "controls" },
      select("hp", ctx.meta.store.hps.map((x) => [x, `${x} epochs`]), r.hp, (v) => go({ hp: v }), "schedule"),
      select("dataset", ctx.meta.store.datasets, r.dataset, (v) => go({ dataset: v, set: undefined, proxyDataset: undefined }), "accuracy of"),
      select("set", sets, r.set, (v) => go({ set: v }), "on"),
      select("proxyDataset", r.stored.map((s) => [s.dataset, `${s.dataset} (${s.archs} archs)`]), r.proxyDataset, (v) => go({ proxyDataset: v }), "proxy batch"),
      select("proxy", r.stored.find((s) => s.dataset === r.proxyDataset).proxies, r.proxy, (v) => go({ proxy: v }), "proxy"),
    ),
    h(
      "p",
      { class: "muted" },
      `Scores are the mean over the stored init seeds of the proxy on a ${r.proxyDataset} batch; the accuracy is the last-epoch ${r.set} accuracy after ${r.hp} epochs on ${r.dataset}, mean over seeds. Each correlation uses the archs with a finite score and an accuracy (n).`,
    ),
  );

  const p = r.points;
  const file = slug("proxies", r.proxyDataset, r.dataset, r.hp, r.set);
  root.append(h("h2", {}, "Rank correlation with the accuracy"));
  root.append(
    exportBar({
      name: `${file}-correlation`,
      csv: () => ({ header: ["proxy", "spearman", "kendall", "n"], rows: r.correlations.map((c) => [c.proxy, c.spearman, c.kendall, c.n]) }),
    }),
    h(
      "table",
      { class: "table", id: "proxy-correlations" },
      h("thead", {}, h("tr", {}, ["proxy", "Spearman ρ", "Kendall τ-b", "n"].map((t) => h("th", {}, t)))),
      h(
        "tbody",
        {},
        r.correlations.map((c) =>
          h(
            "tr",
            { class: c.proxy === r.proxy ? "selected" : undefined },
            h("td", {}, h("a", { href: hashOf("proxies", [], { ...state, proxy: c.proxy }) }, c.proxy)),
            h("td", {}, fmt(c.spearman, 3)),
            h("td", {}, fmt(c.kendall, 3)),
            h("td", {}, String(c.n)),
          ),
        ),
      ),
    ),
  );

  root.append(h("h2", {}, `${r.proxy} vs ${r.set} accuracy (${p.index.length} archs)`));
  if (p.index.length === 0) {
    root.append(h("p", { class: "muted", id: "no-pairs" }, `No arch has both a finite ${r.proxy} score and a ${r.set} accuracy on ${r.dataset} (${r.hp} epochs).`));
    return;
  }
  // scores such as synflow span many orders of magnitude: a log axis when they are all positive and do
  const lo = Math.min(...p.score);
  const hi = Math.max(...p.score);
  const log = lo > 0 && hi / lo > 1000;
  const el = h("div", { class: "chart chart-tall", id: "proxy-scatter" });
  let chart;
  root.append(
    exportBar({
      name: slug(file, r.proxy),
      chart: () => chart,
      csv: () => ({ header: ["index", r.proxy, `accuracy_${r.set}`], rows: p.index.map((idx, i) => [idx, p.score[i], p.accuracy[i]]) }),
    }),
    el,
  );
  const data = p.index.map((idx, i) => [p.score[i], p.accuracy[i], idx]);
  chart = makeChart(el, ctx.charts);
  chart.on("click", (e) => data[e.dataIndex] && ctx.navigate(hashOf("arch", [String(data[e.dataIndex][2])], { hp: r.hp, dataset: r.dataset })));
  await draw(chart, {
    grid: { left: 64, right: 48, top: 30, bottom: 84 },
    dataZoom: zoom({ yWindow: denseWindow(p.accuracy, { lo: 0, hi: 100 }) }),
    tooltip: { trigger: "item", formatter: (e) => `arch ${e.data[2]}<br>${r.proxy}: ${Number(e.data[0]).toPrecision(5)}<br>${r.set}: ${fmt(e.data[1], 2)}%<br>click to open` },
    xAxis: log
      ? {
          type: "log",
          name: `${r.proxy} score (log scale)`,
          nameLocation: "middle",
          nameGap: 32,
          min: 10 ** Math.floor(Math.log10(lo)),
          max: 10 ** Math.ceil(Math.log10(hi)),
          axisLabel: { formatter: (v) => Number(v).toExponential(0) },
        }
      : { type: "value", name: `${r.proxy} score`, nameLocation: "middle", nameGap: 32, ...fittedRange(p.score) },
    yAxis: { type: "value", name: `accuracy (${r.set}, %)`, nameLocation: "middle", nameGap: 44, ...fittedRange(p.accuracy, { lo: 0, hi: 100 }) },
    series: [{ type: "scatter", data, symbolSize: data.length > 3000 ? 3 : 7, itemStyle: { color: "#1c7ed6", opacity: 0.7 }, large: true, largeThreshold: 2000, progressive: 0 }],
  });
}
