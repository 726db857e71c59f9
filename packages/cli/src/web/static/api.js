/* global URLSearchParams, window, document */
/**
 * The JSON endpoints: errors from the server ({ error }) become ApiError with its message. While any request is
 * pending, the page's loading indicator (#loading) says what it waits for and <main> is aria-busy.
 */

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

const pending = new Map();

function showPending() {
  const el = document.getElementById("loading");
  if (el === null) return;
  const what = [...new Set(pending.values())];
  el.hidden = what.length === 0;
  el.textContent = what.length === 0 ? "" : `Loading ${what.join(", ")}…`;
  document.getElementById("view")?.setAttribute("aria-busy", String(what.length > 0));
}

let nextRequest = 0;

export async function getJson(path, params = {}) {
  const id = nextRequest++;
  pending.set(id, path.replace(/^\/api\//, ""));
  showPending();
  try {
    return await fetchJson(path, params);
  } finally {
    pending.delete(id);
    showPending();
  }
}

async function fetchJson(path, params) {
  const search = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== "")).toString();
  const url = search ? `${path}?${search}` : path;
  // boot.js may have started this exact request while the modules were loading; use it once
  const prefetched = window.aaNasPrefetched?.[url];
  if (prefetched !== undefined) delete window.aaNasPrefetched[url];
  const res = await (prefetched ?? window.aaNasFetchJson(url));
  if (!res.ok) throw new ApiError(res.status, res.body.error ?? `${res.status} ${res.statusText}`);
  return res.body;
}
