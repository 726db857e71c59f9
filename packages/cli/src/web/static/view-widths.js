/**
 * Size space: per-position width effects. For each position C1..C5, one box per candidate width: the distribution of
 * the configs' accuracy (min, quartiles, max as the whiskers' ends; the mean as a dot) over every stored config with
 * that width there. All five charts share one y range, so the positions compare at a glance.
 */
import { getJson } from "./api.js";
import { draw, fittedRange, makeChart } from "./charts.js";
import { fmt, h, hashOf, select } from "./dom.js";
import { exportBar, slug } from "./export.js";

export async function render(root, { params }, ctx) {
  await ctx.ready;
  const meta = ctx.meta;
  if (meta.space.name !== "sss") {
    root.append(
      h("h1", {}, "Width effects"),
      h("div", { class: "panel empty", id: "not-applicable" }, `Width effects apply to the size search space (sss), whose configs differ in their five widths; this store holds the ${meta.space.title}, whose archs differ in their cell.`),
    );
    return;
  }
  const d = await getJson("/api/width-effects", { hp: params.get("hp"), dataset: params.get("dataset"), set: params.get("set") });
  if (!ctx.isCurrent()) return;
  const go = (patch) => ctx.navigate(hashOf("widths", [], { hp: d.hp, dataset: d.dataset, set: params.get("set") ?? undefined, ...patch }));
  const rows = d.positions.flatMap((p) => p.widths.map((w) => [p.position, w.width, w.count, w.mean, w.min, w.q1, w.median, w.q3, w.max]));
  root.append(
    h("h1", {}, `Width effects — ${d.dataset}, ${d.hp} epochs, ${d.set}`),
    h(
      "div",
      { class: "controls" },
      select("hp", meta.store.hps.map((x) => [x, `${x} epochs`]), d.hp, (v) => go({ hp: v }), "schedule"),
      select("dataset", meta.store.datasets, d.dataset, (v) => go({ dataset: v, set: undefined }), "dataset"),
      select("set", d.availableSets.includes(d.set) ? d.availableSets : [d.set, ...d.availableSets], d.set, (v) => go({ set: v }), "accuracy on"),
    ),
    h(
      "p",
      { class: "muted" },
      `For each position, the accuracy of the ${(d.archsWithRuns - d.missing).toLocaleString("en")} stored configs grouped by that position's width: box = quartiles, line = median, whiskers = min and max, dot = mean.`,
      d.missing > 0 ? ` ${d.missing.toLocaleString("en")} configs without ${d.set} are left out.` : "",
    ),
    exportBar({
      name: slug("widths", d.dataset, d.hp, d.set),
      csv: () => ({ header: ["position", "width", "count", "mean", "min", "q1", "median", "q3", "max"], rows }),
    }),
  );
  const range = fittedRange(d.positions.flatMap((p) => p.widths.flatMap((w) => [w.min, w.max])), { lo: 0, hi: 100 });
  const grid = h("div", { class: "width-grid" });
  root.append(grid);
  const draws = d.positions.map((p) => {
    const el = h("div", { class: "chart chart-width", id: `width-chart-${p.position}`, dataset: { position: String(p.position) } });
    let chart;
    grid.append(
      h(
        "div",
        { class: "chart-block" },
        exportBar({
          name: slug("widths", d.dataset, d.hp, d.set, `C${p.position}`),
          chart: () => chart,
          csv: () => ({ header: ["width", "count", "mean", "min", "q1", "median", "q3", "max"], rows: p.widths.map((w) => [w.width, w.count, w.mean, w.min, w.q1, w.median, w.q3, w.max]) }),
        }),
        el,
      ),
    );
    chart = makeChart(el, ctx.charts);
    const categories = p.widths.map((w) => String(w.width));
    return draw(chart, {
      title: { text: `C${p.position}`, left: "center", textStyle: { fontSize: 13 } },
      grid: { left: 52, right: 16, top: 32, bottom: 40 },
      tooltip: {
        trigger: "item",
        formatter: (e) => {
          const w = p.widths[e.dataIndex];
          return [`<b>C${p.position} = ${w.width}</b> (${w.count} configs)`, `mean ${fmt(w.mean, 2)}%`, `min ${fmt(w.min, 2)} · q1 ${fmt(w.q1, 2)} · median ${fmt(w.median, 2)} · q3 ${fmt(w.q3, 2)} · max ${fmt(w.max, 2)}`].join("<br>");
        },
      },
      xAxis: { type: "category", data: categories, name: "width", nameLocation: "middle", nameGap: 24 },
      yAxis: { type: "value", name: `${d.set} (%)`, ...range },
      series: [
        {
          name: "distribution",
          type: "boxplot",
          itemStyle: { color: "#d0ebff", borderColor: "#1971c2" },
          data: p.widths.map((w) => (w.count === 0 ? [] : [w.min, w.q1, w.median, w.q3, w.max])),
        },
        { name: "mean", type: "scatter", symbolSize: 7, itemStyle: { color: "#e8590c" }, data: p.widths.map((w) => [String(w.width), w.mean]) },
      ],
    });
  });
  await Promise.all(draws);
}
