/** Dataset correlation: rank agreement between datasets (per hp) and between schedules (e.g. 12 vs 200 epochs). */
import { getJson } from "./api.js";
import { draw, makeChart } from "./charts.js";
import { fmt, h, hashOf, select } from "./dom.js";

const METHOD_LABELS = { kendall: "Kendall τ-b", spearman: "Spearman ρ" };

export async function render(root, { params }, ctx) {
  await ctx.ready;
  const method = params.get("method") ?? "kendall";
  const c = await getJson("/api/correlation", { method });
  if (!ctx.isCurrent()) return;
  const label = METHOD_LABELS[c.method];
  const go = (patch) => ctx.navigate(hashOf("correlation", [], { method, dataset: params.get("dataset"), ...patch }));

  root.append(
    h("h1", {}, "How much do datasets and schedules agree on the ranking?"),
    h(
      "div",
      { class: "controls" },
      select("method", Object.entries(METHOD_LABELS), c.method, (v) => go({ method: v }), "rank correlation"),
    ),
    h(
      "p",
      { class: "muted" },
      "Each dataset is ranked by its last-epoch accuracy, mean over seeds: ",
      Object.entries(ctx.meta.defaultSets)
        .map(([d, s]) => `${d} ${s}`)
        .join(", "),
      ". Every pair uses the archs that have a value on both sides (n).",
    ),
  );
  if (c.byHp.length === 0) {
    root.append(h("p", { class: "muted" }, "The store holds no final accuracies to correlate."));
    return;
  }
  const draws = [];
  // one colour scale for all heatmaps, from the lowest value (rounded down to 0.1) to 1
  const values = c.byHp.flatMap((m) => m.matrix.flat().map((cell) => cell.value)).filter((v) => v !== null);
  const lowest = Math.max(-1, Math.floor(Math.min(1, ...values) * 10) / 10 - 0.1);
  const grid = h("div", { class: "chart-pair" });
  root.append(h("h2", {}, `Between datasets (${label})`), grid);
  for (const m of c.byHp) {
    const el = h("div", { class: "chart chart-square", dataset: { hp: m.hp } });
    grid.append(el);
    draws.push(draw(makeChart(el, ctx.charts), heatmapOption(m, label, lowest)));
  }

  if (c.betweenHps.length > 0) {
    const barEl = h("div", { class: "chart", id: "hp-bars" });
    root.append(h("h2", {}, `Between schedules (${label})`), barEl);
    draws.push(draw(makeChart(barEl, ctx.charts), barOption(c.betweenHps, label)));

    const pairs = c.betweenHps;
    const dataset = params.get("dataset") && pairs.some((p) => p.dataset === params.get("dataset")) ? params.get("dataset") : pairs[0].dataset;
    const pair = pairs.find((p) => p.dataset === dataset);
    const scatterEl = h("div", { class: "chart chart-tall", id: "hp-scatter" });
    root.append(
      h("h3", {}, `Per arch: ${pair.hpA}-epoch vs ${pair.hpB}-epoch ${pair.set} accuracy`),
      h("div", { class: "controls" }, select("dataset", [...new Set(pairs.map((p) => p.dataset))], dataset, (v) => go({ dataset: v }), "dataset")),
      scatterEl,
    );
    const [a, b] = await Promise.all([
      getJson("/api/overview", { hp: pair.hpA, dataset, set: pair.set }),
      getJson("/api/overview", { hp: pair.hpB, dataset, set: pair.set }),
    ]);
    if (!ctx.isCurrent()) return;
    const accB = new Map(b.points.index.map((idx, i) => [idx, b.points.accuracy[i]]));
    const points = [];
    a.points.index.forEach((idx, i) => {
      const y = accB.get(idx);
      if (y !== undefined) points.push([a.points.accuracy[i], y, idx]);
    });
    const chart = makeChart(scatterEl, ctx.charts);
    chart.on("click", (e) => points[e.dataIndex] && ctx.navigate(hashOf("arch", [String(points[e.dataIndex][2])], { hp: pair.hpB, dataset })));
    draws.push(
      draw(chart, {
        grid: { left: 64, right: 24, top: 30, bottom: 56 },
        tooltip: {
          trigger: "item",
          formatter: (e) => {
            const [a12, b200, idx] = points[e.dataIndex];
            return `arch ${idx}<br>${pair.hpA} epochs: ${fmt(a12, 2)}%<br>${pair.hpB} epochs: ${fmt(b200, 2)}%`;
          },
        },
        xAxis: { type: "value", scale: true, name: `${pair.hpA}-epoch ${pair.set} accuracy (%)`, nameLocation: "middle", nameGap: 32 },
        yAxis: { type: "value", scale: true, name: `${pair.hpB}-epoch ${pair.set} accuracy (%)`, nameLocation: "middle", nameGap: 44 },
        series: [{ type: "scatter", data: points, symbolSize: points.length > 3000 ? 3 : 6, itemStyle: { color: "#1c7ed6", opacity: 0.6 }, large: true, largeThreshold: 2000, progressive: 0 }],
      }),
    );
  }
  await Promise.all(draws);
}

function heatmapOption(m, label, lowest) {
  const data = [];
  m.matrix.forEach((row, i) => row.forEach((cell, j) => data.push([j, i, cell.value === null ? "-" : Number(cell.value.toFixed(3)), cell.n])));
  const names = m.datasets;

  return {
    title: { text: `${m.hp}-epoch schedule`, left: "center", textStyle: { fontSize: 13 } },
    grid: { left: 110, right: 24, top: 36, bottom: 80 },
    tooltip: { formatter: (e) => `${m.datasets[e.data[1]]} (${m.sets[e.data[1]]}) vs ${m.datasets[e.data[0]]} (${m.sets[e.data[0]]})<br>${label} = ${e.data[2]} (n = ${e.data[3]})` },
    xAxis: { type: "category", data: names, axisLabel: { interval: 0, fontSize: 11 } },
    yAxis: { type: "category", data: names, axisLabel: { interval: 0, fontSize: 11 }, inverse: true },
    visualMap: { dimension: 2, min: lowest, max: 1, calculable: false, orient: "horizontal", left: "center", bottom: 0, itemHeight: 160, precision: 1, inRange: { color: ["#f8f9fa", "#a5d8ff", "#1864ab"] } },
    series: [{ type: "heatmap", data, label: { show: true, formatter: (e) => (e.data[2] === "-" ? "–" : fmt(e.data[2], 3)) } }],
  };
}

function barOption(pairs, label) {
  return {
    grid: { left: 64, right: 24, top: 24, bottom: 40 },
    tooltip: { trigger: "item", formatter: (e) => `${e.name}: ${label} = ${fmt(e.value, 3)} (n = ${pairs[e.dataIndex].n})` },
    xAxis: { type: "category", data: pairs.map((p) => `${p.dataset} (${p.hpA} vs ${p.hpB})`), axisLabel: { interval: 0 } },
    yAxis: { type: "value", min: (v) => Math.min(0, v.min), max: 1, name: label },
    series: [{ type: "bar", data: pairs.map((p) => p.value), itemStyle: { color: "#1c7ed6" }, label: { show: true, position: "top", formatter: (e) => fmt(e.value, 3) }, barMaxWidth: 60 }],
  };
}
