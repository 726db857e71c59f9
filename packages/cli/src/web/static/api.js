/* global URLSearchParams, window */
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
  const res = await (prefetched ?? window.aaNasFetchJson(url));
  if (!res.ok) throw new ApiError(res.status, res.body.error ?? `${res.status} ${res.statusText}`);
  return res.body;
}
