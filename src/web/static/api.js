/* global fetch, URLSearchParams, window */
/** The JSON endpoints: errors from the server ({ error }) become ApiError with its message. */

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function getJson(path, params = {}) {
  const search = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== "")).toString();
  const url = search ? `${path}?${search}` : path;
  // boot.js may have started this exact request while the modules were loading; use it once
  const prefetched = window.aaNasPrefetched?.[url];
  if (prefetched !== undefined) delete window.aaNasPrefetched[url];
  const res = await (prefetched ?? fetch(url, { headers: { Accept: "application/json" } }).then(parsed));
  if (!res.ok) throw new ApiError(res.status, res.body.error ?? `${res.status} ${res.statusText}`);
  return res.body;
}

/** { ok, status, statusText, body }: the form boot.js's prefetches resolve to as well. */
async function parsed(res) {
  const body = await res.json().catch(() => ({ error: `${res.status} ${res.statusText}` }));
  return { ok: res.ok, status: res.status, statusText: res.statusText, body };
}
