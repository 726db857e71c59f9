/** Dataset correlation: rank agreement between datasets (per hp) and between schedules (e.g. 12 vs 200 epochs). */
import { getJson } from "./api.js";
import { draw, fittedRange, makeChart, zoom } from "./charts.js";
import { fmt, h, hashOf, select } from "./dom.js";
import { exportBar, slug } from "./export.js";

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
    let chart;
    grid.append(
      h(
        "div",
        { class: "chart-block" },
        exportBar({
          name: slug("correlation", c.method, "datasets", m.hp),
          chart: () => chart,
          csv: () => ({
            header: ["dataset_a", "set_a", "dataset_b", "set_b", c.method, "n"],
            rows: m.matrix.flatMap((row, i) => row.map((cell, j) => [m.datasets[i], m.sets[i], m.datasets[j], m.sets[j], cell.value, cell.n])),
          }),
        }),
        el,
      ),
    );
    chart = makeChart(el, ctx.charts);
    draws.push(draw(chart, heatmapOption(m, label, lowest)));
  }

  if (c.betweenHps.length > 0) {
    const barEl = h("div", { class: "chart", id: "hp-bars" });
    let barChart;
    root.append(
      h("h2", {}, `Between schedules (${label})`),
      exportBar({
        name: slug("correlation", c.method, "schedules"),
        chart: () => barChart,
        csv: () => ({ header: ["dataset", "set", "hp_a", "hp_b", c.method, "n"], rows: c.betweenHps.map((p) => [p.dataset, p.set, p.hpA, p.hpB, p.value, p.n]) }),
      }),
      barEl,
    );
    barChart = makeChart(barEl, ctx.charts);
    draws.push(draw(barChart, barOption(c.betweenHps, label)));

    const pairs = c.betweenHps;
    const dataset = params.get("dataset") && pairs.some((p) => p.dataset === params.get("dataset")) ? params.get("dataset") : pairs[0].dataset;
    const pair = pairs.find((p) => p.dataset === dataset);
    const scatterEl = h("div", { class: "chart chart-tall", id: "hp-scatter" });
    let chart;
    let points = [];
    root.append(
      h("h3", {}, `Per arch: ${pair.hpA}-epoch vs ${pair.hpB}-epoch ${pair.set} accuracy`),
      h("div", { class: "controls" }, select("dataset", [...new Set(pairs.map((p) => p.dataset))], dataset, (v) => go({ dataset: v }), "dataset")),
      exportBar({
        name: slug("correlation", "scatter", dataset, pair.set, `${pair.hpA}-vs-${pair.hpB}`),
        chart: () => chart,
        csv: () => ({ header: ["index", `acc_${pair.hpA}`, `acc_${pair.hpB}`], rows: points.map(([x, y, idx]) => [idx, x, y]) }),
      }),
      scatterEl,
    );
    const [a, b] = await Promise.all([
      getJson("/api/overview", { hp: pair.hpA, dataset, set: pair.set }),
      getJson("/api/overview", { hp: pair.hpB, dataset, set: pair.set }),
    ]);
    if (!ctx.isCurrent()) return;
    const accB = new Map(b.points.index.map((idx, i) => [idx, b.points.accuracy[i]]));
    a.points.index.forEach((idx, i) => {
      const y = accB.get(idx);
      if (y !== undefined) points.push([a.points.accuracy[i], y, idx]);
    });
    chart = makeChart(scatterEl, ctx.charts);
    chart.on("click", (e) => points[e.dataIndex] && ctx.navigate(hashOf("arch", [String(points[e.dataIndex][2])], { hp: pair.hpB, dataset })));
    draws.push(
      draw(chart, {
        grid: { left: 64, right: 48, top: 30, bottom: 84 },
        dataZoom: zoom(),
        tooltip: {
          trigger: "item",
          formatter: (e) => {
            const [a12, b200, idx] = points[e.dataIndex];
            return `arch ${idx}<br>${pair.hpA} epochs: ${fmt(a12, 2)}%<br>${pair.hpB} epochs: ${fmt(b200, 2)}%`;
          },
        },
        xAxis: { type: "value", name: `${pair.hpA}-epoch ${pair.set} accuracy (%)`, nameLocation: "middle", nameGap: 32, ...fittedRange(points.map((q) => q[0]), { lo: 0, hi: 100 }) },
        yAxis: { type: "value", name: `${pair.hpB}-epoch ${pair.set} accuracy (%)`, nameLocation: "middle", nameGap: 44, ...fittedRange(points.map((q) => q[1]), { lo: 0, hi: 100 }) },
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
    grid: { left: 64, right: 24, top: 40, bottom: 40, containLabel: false },
    tooltip: { trigger: "item", formatter: (e) => `${e.name}: ${label} = ${fmt(e.value, 3)} (n = ${pairs[e.dataIndex].n})` },
    xAxis: { type: "category", data: pairs.map((p) => `${p.dataset} (${p.hpA} vs ${p.hpB})`), axisLabel: { interval: 0 } },
    // below a negative bar, room for its label (a 3-arch store can give τ = −1)
    yAxis: { type: "value", min: (v) => (v.min >= 0 ? 0 : Math.floor(v.min * 5 - 0.5) / 5), max: 1, interval: 0.2, name: label, nameGap: 22 },
    series: [
      {
        type: "bar",
        // a negative bar's label goes under it, a positive one's over it: both stay inside the plot at ±1
        data: pairs.map((p) => ({ value: p.value, label: { position: p.value !== null && p.value < 0 ? "bottom" : "top" } })),
        itemStyle: { color: "#1c7ed6" },
        label: { show: true, formatter: (e) => fmt(e.value, 3) },
        barMaxWidth: 60,
      },
    ],
  };
}
