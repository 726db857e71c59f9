/** The JSON endpoints (documented in docs/web.md): path → validated query → response body. */
import type { DatasetKey } from "@aa-nas/core/registry/index.js";
import type { ExplorerData } from "./explorer-data.js";
import { parseQuery } from "./http.js";
import { querySchemas } from "./query-schemas.js";
import type { OpCountFilters } from "./data/overview.js";
import { OP_FILTER_NAMES } from "./data/op-counts.js";

export type ApiHandler = (params: URLSearchParams) => unknown;

export function apiRoutes(data: ExplorerData): Map<string, ApiHandler> {
  const q = querySchemas(data.choices);
  return new Map<string, ApiHandler>([
    [
      "/api/meta",
      (p) => {
        parseQuery(q.meta, p);
        return data.meta();
      },
    ],
    [
      "/api/overview",
      (p) => {
        const v = parseQuery(q.overview, p);
        const filters: OpCountFilters = {};
        for (const name of OP_FILTER_NAMES) if (v[name] !== undefined) filters[name] = v[name];
        return data.overviewJson(v.hp, v.dataset as DatasetKey, v.set, filters);
      },
    ],
    [
      "/api/width-effects",
      (p) => {
        const v = parseQuery(q.widthEffects, p);
        return data.widthEffects(v.hp, v.dataset as DatasetKey, v.set);
      },
    ],
    ["/api/arch", (p) => data.arch(parseQuery(q.arch, p).arch)],
    [
      "/api/curves",
      (p) => {
        const v = parseQuery(q.curves, p);
        return data.curves(v.arch, v.hp, v.dataset as DatasetKey);
      },
    ],
    ["/api/correlation", (p) => data.correlation(parseQuery(q.correlation, p).method)],
    [
      "/api/proxies",
      (p) => {
        const v = parseQuery(q.proxies, p);
        return data.proxies(v.hp, v.dataset as DatasetKey, v.set, v.proxyDataset, v.proxy);
      },
    ],
    [
      "/api/runs",
      (p) => {
        const v = parseQuery(q.runs, p);
        return data.runs(v.metric, v.points);
      },
    ],
  ]);
}
