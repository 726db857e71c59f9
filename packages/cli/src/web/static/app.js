/* global document, window, location, performance */
/**
 * The explorer's single page: hash routes (#/overview, #/arch/<index>, #/correlation, #/proxies, #/runs, #/lookup, #/widths) with their
 * state in the hash's query, so every view is a shareable link. `main[data-ready]` turns "true" once a view has
 * finished drawing (the browser tests and the load-time bench wait for it).
 */
import { getJson } from "./api.js";
import { disposeCharts } from "./charts.js";
import { errorBox, h, parseHash } from "./dom.js";
import * as overview from "./view-overview.js";
import * as arch from "./view-arch.js";
import * as correlation from "./view-correlation.js";
import * as runs from "./view-runs.js";
import * as lookup from "./view-lookup.js";
import * as proxies from "./view-proxies.js";
import * as widths from "./view-widths.js";

const VIEWS = { overview, arch, correlation, proxies, runs, lookup, widths };
const root = document.getElementById("view");
/** /api/meta, fetched once; views await it through ctx.ready (the overview fetches its data meanwhile). */
let metaPromise = null;
let current = { token: 0, charts: [] };

export function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

async function route() {
  const { view, rest, params } = parseHash(location.hash);
  const name = view in VIEWS ? view : "overview";
  disposeCharts(current.charts);
  const ctx = { token: current.token + 1, charts: [], meta: null, navigate, isCurrent: () => current === ctx };
  ctx.ready = metaPromise.then((m) => (ctx.meta = m));
  current = ctx;
  root.dataset.ready = "false";
  root.dataset.view = name;
  root.replaceChildren();
  for (const a of document.querySelectorAll("nav a")) a.classList.toggle("active", a.dataset.view === name);
  try {
    if (!(view in VIEWS)) root.append(errorBox(`unknown view '${view}': showing the overview`));
    await VIEWS[name].render(root, { rest, params }, ctx);
  } catch (e) {
    if (ctx.isCurrent()) root.append(errorBox(e.message));
  }
  if (ctx.isCurrent()) {
    performance.mark(`ready:${name}`);
    root.dataset.ready = "true";
  }
}

function showStore(meta) {
  performance.mark("meta");
  // views of one space only (width effects: sss; proxies: tss) are in the nav when the store holds that space
  for (const a of document.querySelectorAll("nav a[data-space]")) a.hidden = a.dataset.space !== meta.space.name;
  // search runs: always on a tss store (its empty state says how to make runs), on an sss store when runs were given
  const runsLink = document.querySelector('nav a[data-view="runs"]');
  if (runsLink) runsLink.hidden = meta.space.name !== "tss" && meta.searchRuns.files === 0;
  const s = meta.store;
  document.getElementById("store-info").replaceChildren(
    h("span", { title: `sources: ${s.sources.join(", ")}` }, `${s.file}${meta.space.name === "tss" ? "" : ` (${meta.space.name})`}: ${s.runs.toLocaleString("en")} runs, ${s.archsWithRuns.toLocaleString("en")} archs`),
  );
}

function start() {
  metaPromise = getJson("/api/meta");
  metaPromise.then(showStore, (e) => {
    root.replaceChildren(errorBox(`cannot reach the explorer's API: ${e.message}`));
    root.dataset.ready = "true";
  });
  document.getElementById("quick-lookup").addEventListener("submit", (e) => {
    e.preventDefault();
    const q = e.target.elements.q.value.trim();
    if (q) navigate(`#/lookup?q=${encodeURIComponent(q)}`);
  });
  window.addEventListener("hashchange", route);
  route();
}

start();
