/* global window, location, fetch, URLSearchParams */
/**
 * Runs first (a classic script in <head>): starts the requests the first view needs while echarts and the app modules
 * are still loading, and parses their JSON as soon as it arrives: on a first visit the main thread is idle while
 * echarts downloads, so the overview's ~0.8 MB parse leaves the critical path. api.js's getJson takes a prefetched
 * result when the URL matches exactly, and fetches everything else through the same `aaNasFetchJson`.
 */
(function prefetch() {
  const started = {};
  /** GET a JSON endpoint → { ok, status, statusText, body }; a body that is not JSON counts as a failed request. */
  const fetchJson = (url) =>
    fetch(url, { headers: { Accept: "application/json" } }).then((res) =>
      res.json().then(
        (body) => ({ ok: res.ok, status: res.status, statusText: res.statusText, body }),
        () => ({ ok: false, status: res.status, statusText: res.statusText, body: { error: `${res.status} ${res.statusText}` } }),
      ),
    );
  window.aaNasFetchJson = fetchJson;
  const raw = location.hash.replace(/^#\/?/, "");
  const q = raw.indexOf("?");
  const view = (q >= 0 ? raw.slice(0, q) : raw).split("/")[0] || "overview";
  const params = new URLSearchParams(q >= 0 ? raw.slice(q + 1) : "");
  started["/api/meta"] = fetchJson("/api/meta");
  if (view === "overview") {
    // the same parameters, in the same order, as view-overview.js asks for
    const wanted = ["hp", "dataset", "set", "conv3x3", "conv1x1", "skip", "pool", "none"];
    const search = new URLSearchParams(wanted.filter((k) => params.get(k)).map((k) => [k, params.get(k)])).toString();
    const url = search ? `/api/overview?${search}` : "/api/overview";
    started[url] = fetchJson(url);
  }
  // a request no view ends up using must not surface as an unhandled rejection
  for (const p of Object.values(started)) p.catch(() => {});
  window.aaNasPrefetched = started;
})();
