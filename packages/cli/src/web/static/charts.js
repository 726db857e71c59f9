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
