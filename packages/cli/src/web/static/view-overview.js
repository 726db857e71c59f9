/** Overview of a topology store: the shared scatter overview (scatter-overview.js) with op-count filters, coloured by the number of 3×3 convolutions (sss stores: view-size-overview.js). */
import { getJson } from "./api.js";
import { archFromCode, h, hashOf, select } from "./dom.js";
import { overviewState, renderScatterOverview } from "./scatter-overview.js";
import * as sizeOverview from "./view-size-overview.js";

/** filter name → label, in the order of the query string (boot.js prefetches with the same order) */
const FILTER_LABELS = { conv3x3: "conv 3×3", conv1x1: "conv 1×1", skip: "skip", pool: "avg pool", none: "none" };
const CONV3_COLORS = ["#adb5bd", "#66d9e8", "#22b8cf", "#1c7ed6", "#5f3dc4", "#862e9c", "#212529"];

export async function render(root, { params }, ctx) {
  const filters = {};
  for (const name of Object.keys(FILTER_LABELS)) if (params.get(name)) filters[name] = params.get(name);
  // the server fills in the default hp / dataset / set, so the data need not wait for /api/meta
  const [meta, data] = await Promise.all([
    ctx.ready,
    // parameter order as boot.js prefetches it
    getJson("/api/overview", { hp: params.get("hp"), dataset: params.get("dataset"), set: params.get("set"), ...filters }),
  ]);
  if (!ctx.isCurrent()) return;
  // a size-space store: the same endpoint answers with channel strings, drawn by the sss overview
  if (meta.space.name === "sss") return sizeOverview.render(root, params, ctx, meta, data);
  const state = overviewState(params, data);
  const go = (patch) => ctx.navigate(hashOf("overview", [], { ...state, ...filters, log: state.log ? "1" : undefined, ...patch }));

  const filterControls = Object.keys(FILTER_LABELS).map((name) => {
    const [lo, hi] = (filters[name] ?? "0-6").split("-").map(Number);
    const counts = [0, 1, 2, 3, 4, 5, 6];
    const upd = (a, b) => go({ [name]: a === 0 && b === 6 ? undefined : a === b ? String(a) : `${a}-${b ?? a}` });
    return h(
      "span",
      { class: "filter", dataset: { op: name } },
      h("span", { class: "filter-label" }, FILTER_LABELS[name]),
      select(`${name}-min`, counts, lo, (v) => upd(Number(v), Math.max(Number(v), hi ?? lo))),
      "–",
      select(`${name}-max`, counts, hi ?? lo, (v) => upd(Math.min(lo, Number(v)), Number(v))),
    );
  });
  const ops = data.points.ops;
  await renderScatterOverview(root, ctx, meta, data, {
    state,
    go,
    noun: "arch",
    bars: [h("div", { class: "controls filters" }, h("span", { class: "muted" }, "edges with op:"), filterControls)],
    summaryExtra: data.filteredOut > 0 ? ` · ${data.filteredOut.toLocaleString("en")} filtered out` : "",
    colors: CONV3_COLORS,
    groupOf: (i) => {
      let conv3 = 0;
      for (const c of ops[i]) if (c === "3") conv3++;
      return conv3;
    },
    label: (k) => `${k} × conv 3×3`,
    describeHeader: "arch",
    describe: (i) => archFromCode(ops[i], meta.space.ops, meta.space.edges),
  });
}
