/** Search runs: best-so-far accuracy vs simulated time per algorithm, mean ± std bands, per dataset. */
import { getJson } from "./api.js";
import { draw, fittedRange, makeChart, optimumSeries, SERIES_COLORS, zoom } from "./charts.js";
import { fmt, h, hashOf, select } from "./dom.js";
import { exportBar, slug } from "./export.js";

const LABELS = { rea: "REA", rs: "RS", reinforce: "REINFORCE", bohb: "BOHB" };
const COLORS = { rea: SERIES_COLORS[1], rs: SERIES_COLORS[7], reinforce: SERIES_COLORS[2], bohb: SERIES_COLORS[3] };

export async function render(root, { params }, ctx) {
  await ctx.ready;
  const metric = params.get("metric") ?? "test";
  const r = await getJson("/api/runs", { metric });
  if (!ctx.isCurrent()) return;
  root.append(h("h1", {}, "Search runs: best-so-far accuracy over simulated time"));
  if (r.groups.length === 0) {
    root.append(
      h(
        "div",
        { class: "panel empty" },
        h("p", {}, "No search results were loaded. Run searches with --json and pass the files (or a directory of them) to the server:"),
        h("pre", {}, `aa-nas search rea --bench ${ctx.meta.store.file} --runs 100 --json > runs/rea.json\naa-nas search rs --bench ${ctx.meta.store.file} --runs 100 --json > runs/rs.json\naa-nas serve --bench ${ctx.meta.store.file} --runs runs/`),
      ),
    );
    return;
  }
  root.append(
    h("div", { class: "controls" }, select("metric", [["test", "test accuracy"], ["valid", "validation accuracy"]], r.metric, (v) => ctx.navigate(hashOf("runs", [], { metric: v })), "accuracy")),
    h(
      "p",
      { class: "muted" },
      // the answers are judged at the store's space's full schedule (tss 200 epochs, sss 90), as /api/runs judges the optimum
      `At each simulated time, the ${ctx.meta.space.fullTrainEpochs}-epoch accuracy of each run's current answer (the ${ctx.meta.space.name === "tss" ? "arch" : "config"} with the best 12-epoch reward so far); lines are the mean over runs, bands ± one standard deviation.`,
    ),
  );
  const draws = [];
  const datasets = [...new Set(r.groups.map((g) => g.dataset))];
  for (const dataset of datasets) {
    const groups = r.groups.filter((g) => g.dataset === dataset);
    const el = h("div", { class: "chart chart-tall", dataset: { dataset } });
    const file = slug("runs", dataset, r.metric);
    let chart;
    root.append(
      h("h2", {}, dataset),
      exportBar({
        name: file,
        chart: () => chart,
        csv: () => ({
          header: ["algorithm", "budget_s", "time_s", `mean_${r.metric}_acc`, "std", "runs_with_answer"],
          rows: groups.flatMap((g) => g.time.map((t, i) => [g.algorithm, g.budget, t, g.mean[i], g.std[i], g.count[i]])),
        }),
      }),
      el,
      exportBar({
        name: `${file}-final`,
        csv: () => ({ header: ["algorithm", "runs", "budget_s", "final_mean", "final_std", "files"], rows: groups.map((g) => [g.algorithm, g.runs, g.budget, g.final.mean, g.final.std, g.files.join(" ")]) }),
      }),
      summaryTable(groups),
    );
    chart = makeChart(el, ctx.charts);
    draws.push(draw(chart, runsOption(groups, r.metric, ctx.meta.space.name === "tss" ? "arch" : "config")));
  }
  root.append(h("p", { class: "muted small" }, `Loaded files: ${r.files.map((f) => `${f.file} (${LABELS[f.algorithm] ?? f.algorithm}, ${f.dataset}, ${f.runs} runs)`).join(" · ")}`));
  await Promise.all(draws);
}

function label(g) {
  return `${LABELS[g.algorithm] ?? g.algorithm}${g.budget ? ` (${g.budget.toLocaleString("en")} s)` : ""}`;
}

function summaryTable(groups) {
  return h(
    "table",
    { class: "table" },
    h("thead", {}, h("tr", {}, ["algorithm", "runs", "budget (s)", "final accuracy (mean ± std)", "files"].map((t) => h("th", {}, t)))),
    h(
      "tbody",
      {},
      groups.map((g) =>
        h("tr", {}, h("td", {}, LABELS[g.algorithm] ?? g.algorithm), h("td", {}, String(g.runs)), h("td", {}, g.budget.toLocaleString("en")), h("td", {}, `${fmt(g.final.mean, 2)} ± ${fmt(g.final.std, 2)}`), h("td", { class: "small" }, g.files.join(", "))),
      ),
    ),
  );
}

/** `unit`: what the space's members are called in labels ("arch" for cells, "config" for size-space configs). */
function runsOption(groups, metric, unit) {
  const series = [];
  groups.forEach((g, k) => {
    const color = COLORS[g.algorithm] ?? SERIES_COLORS[k % SERIES_COLORS.length];
    const name = label(g);
    const band = [];
    g.time.forEach((t, i) => {
      if (g.mean[i] !== null) band.push([t, g.mean[i] - g.std[i], g.mean[i] + g.std[i]]);
    });
    // The ±std band: one polygon (upper edge forward, lower edge back), drawn once; its data sets the y extent.
    series.push({
      name,
      type: "custom",
      data: band,
      encode: { x: 0, y: [1, 2] },
      silent: true,
      z: 1,
      color,
      tooltip: { show: false },
      renderItem: (params, api) => {
        if (params.dataIndex !== 0) return null;
        const upper = band.map(([t, , hi]) => api.coord([t, hi]));
        const lower = band.map(([t, lo]) => api.coord([t, lo])).reverse();
        return { type: "polygon", shape: { points: [...upper, ...lower] }, style: { fill: color, opacity: 0.16 } };
      },
    });
    // Each run's answer holds until it changes: a step line.
    series.push({ name, type: "line", step: "end", data: g.time.map((t, i) => [t, g.mean[i]]), symbol: "none", color, lineStyle: { width: 2 }, z: 3 });
  });
  // every group of a dataset shares its optimum (the space's best arch by the same metric)
  const optimum = groups.find((g) => g.optimum !== null)?.optimum ?? null;
  const values = groups.flatMap((g) => g.mean.flatMap((m, i) => (m === null ? [] : [m - g.std[i], m + g.std[i]])));
  if (optimum !== null) values.push(optimum.accuracy);
  return {
    grid: { left: 64, right: 48, top: 40, bottom: 84 },
    legend: { top: 0, data: groups.map(label) },
    dataZoom: zoom(),
    tooltip: {
      trigger: "axis",
      formatter: (items) => {
        const t = items[0]?.value?.[0];
        const lines = items
          .filter((e) => e.seriesType === "line")
          .map((e) => {
            const g = groups[(e.seriesIndex - 1) / 2];
            const i = e.dataIndex;
            return `${label(g)}: ${fmt(g.mean[i], 2)} ± ${fmt(g.std[i], 2)} (${g.count[i]} runs)`;
          });
        return [`${fmt(t, 0)} s`, ...lines].join("<br>");
      },
    },
    xAxis: { type: "value", name: "simulated time (s)", nameLocation: "middle", nameGap: 32, min: 0, max: Math.max(...groups.map((g) => g.budget)) },
    yAxis: { type: "value", name: `${metric} accuracy (%)`, nameLocation: "middle", nameGap: 44, ...fittedRange(values, { lo: 0, hi: 100 }) },
    series: [...series, ...optimumSeries(optimum, optimum === null ? "" : `optimum: ${fmt(optimum.accuracy, 2)}% (${unit} ${optimum.index}${optimum.from === "files" ? ", as the run files recorded it" : ""})`)],
  };
}
