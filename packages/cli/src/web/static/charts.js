/* global echarts, ResizeObserver */
/** echarts instances bound to a container: resize with it, dispose with the view, and report when drawn. */

export const OP_COLORS = {
  none: "#b0b7c3",
  skip_connect: "#2f9e44",
  nor_conv_1x1: "#1c7ed6",
  nor_conv_3x3: "#e8590c",
  avg_pool_3x3: "#9c36b5",
};

export const SERIES_COLORS = ["#1c7ed6", "#e8590c", "#2f9e44", "#9c36b5", "#c2255c", "#0c8599", "#f08c00", "#495057"];

/** Creates a chart on `el`; `charts` collects it so the view can dispose of all its charts at once. */
export function makeChart(el, charts) {
  const chart = echarts.init(el, null, { renderer: "canvas" });
  // A ResizeObserver reports once as soon as it observes; resizing then would redraw every point a second time.
  let size = `${el.clientWidth}x${el.clientHeight}`;
  const observer = new ResizeObserver(() => {
    const now = `${el.clientWidth}x${el.clientHeight}`;
    if (now !== size) {
      size = now;
      chart.resize();
    }
  });
  observer.observe(el);
  charts.push({ chart, dispose: () => (observer.disconnect(), chart.dispose()) });
  return chart;
}

export function disposeCharts(charts) {
  for (const c of charts.splice(0)) c.dispose();
}

/** Resolves once echarts has finished drawing the chart's current option (animations off). */
export function rendered(chart) {
  return new Promise((resolve) => {
    let done = false;
    const finish = () => {
      if (!done) {
        done = true;
        chart.off("finished", finish);
        resolve();
      }
    };
    chart.on("finished", finish);
  });
}

/** setOption and wait for the drawing to finish. */
export function draw(chart, option) {
  const done = rendered(chart);
  chart.setOption({ animation: false, ...option }, { notMerge: true });
  return done;
}

/**
 * Axis bounds fitted to the values (and any extra values, e.g. the optimum line): a margin of 6 % of the span on each
 * side, rounded outwards to half a power of ten of the span, kept within [lo, hi] (0..100 for accuracies). Fixed
 * ranges squash the interesting band (most of NAS-Bench-201's CIFAR-10 archs sit within 90–94.4 %).
 */
export function fittedRange(values, { lo = -Infinity, hi = Infinity } = {}) {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min > max) return {};
  const span = max - min || Math.max(Math.abs(max) * 0.02, 0.5);
  const step = 10 ** Math.floor(Math.log10(span)) / 2;
  const pad = span * 0.06;
  const round = (x) => Number(x.toPrecision(12));
  return { min: round(Math.max(lo, Math.floor((min - pad) / step) * step)), max: round(Math.min(hi, Math.ceil((max + pad) / step) * step)) };
}

/**
 * echarts' own zoom: wheel / drag inside the plot and a slider under it (and right of it for `y`), both axes by default.
 * filterMode 'none' keeps points outside the window (lines stay continuous, the large scatter is not re-filtered).
 */
export function zoom({ x = true, y = true, yWindow = null } = {}) {
  const out = [];
  if (x) out.push({ type: "inside", xAxisIndex: 0, filterMode: "none" }, { type: "slider", xAxisIndex: 0, filterMode: "none", height: 16, bottom: 6 });
  const window = yWindow === null ? {} : { startValue: yWindow.min, endValue: yWindow.max };
  if (y) {
    out.push(
      { type: "inside", yAxisIndex: 0, filterMode: "none", zoomOnMouseWheel: "shift", moveOnMouseWheel: false, ...window },
      { type: "slider", yAxisIndex: 0, filterMode: "none", width: 14, right: 6, ...window },
    );
  }
  return out;
}

/**
 * Where most values lie, when a thin low tail stretches the fitted range: NAS-Bench-201 has a few hundred archs near
 * chance (10 % on CIFAR-10) while most sit within 85–94.4 %. Returns the fitted range of the values from the 5th
 * percentile up, when that is less than 60 % of the full range (the first view zooms to it; the slider shows the
 * rest), else null.
 */
export function denseWindow(values, bounds = {}) {
  const finite = Array.from(values).filter((v) => v !== null && v !== undefined && Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length < 20) return null;
  const full = fittedRange(finite, bounds);
  const dense = fittedRange(finite.slice(Math.floor(finite.length * 0.05)), bounds);
  return dense.max - dense.min < 0.6 * (full.max - full.min) ? dense : null;
}

/** The best accuracy in the store as a dashed horizontal line (a series of its own, named "optimum"). */
export function optimumSeries(optimum, text) {
  if (optimum === null || optimum === undefined) return [];
  return [
    {
      name: "optimum",
      type: "line",
      data: [],
      silent: true,
      markLine: {
        silent: true,
        symbol: "none",
        animation: false,
        lineStyle: { color: "#c92a2a", type: "dashed", width: 1.5 },
        label: { position: "insideEndTop", color: "#c92a2a", formatter: text },
        data: [{ yAxis: optimum.accuracy }],
      },
    },
  ];
}
