/**
 * The front-end files the server may send: a fixed allow-list of URL paths, each mapped to one file. Nothing is
 * resolved from the request path itself, so `..`, encoded slashes or absolute paths can never reach the file system.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

/** Hand-written ES modules and assets in packages/cli/src/web/static/. */
const APP_FILES = [
  "index.html",
  "boot.js",
  "style.css",
  "app.js",
  "api.js",
  "dom.js",
  "cell-diagram.js",
  "charts.js",
  "view-overview.js",
  "view-arch.js",
  "view-correlation.js",
  "view-runs.js",
  "view-lookup.js",
  "view-proxies.js",
  "view-size-overview.js",
  "scatter-overview.js",
  "view-widths.js",
  "export.js",
] as const;

const CONTENT_TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
};

export interface StaticFile {
  body: Buffer;
  /** gzip form for large files (echarts: 1 MB → about 0.35 MB), made once */
  gzipped: Buffer | null;
  contentType: string;
  /** seconds a browser may cache it */
  maxAge: number;
}

/**
 * Where the app files are: beside this module when it runs from src/ (tests), or in the checkout's packages/cli/src/web/static when
 * it runs from a tsc output such as dist/web/ or out/…/src/web/ (tsc does not copy non-TS files).
 */
export function findStaticDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, "static")];
  for (let dir = dirname(here), k = 0; k < 6; dir = dirname(dir), k++) candidates.push(join(dir, "src", "web", "static"));
  const dir = candidates.find((d) => existsSync(join(d, "index.html")));
  if (dir === undefined) throw new Error(`the explorer's front-end files are missing (looked in ${candidates.join(" and ")})`);
  return dir;
}

/** echarts' prebuilt bundle, from the installed package (never copied into the repository). */
export function echartsBundlePath(): string {
  return createRequire(import.meta.url).resolve("echarts/dist/echarts.min.js");
}

export class StaticFiles {
  private readonly routes = new Map<string, { path: string; maxAge: number }>();
  private readonly cache = new Map<string, StaticFile>();

  constructor(staticDir: string = findStaticDir(), echartsPath: string = echartsBundlePath()) {
    this.routes.set("/", { path: join(staticDir, "index.html"), maxAge: 0 });
    for (const name of APP_FILES) this.routes.set(`/static/${name}`, { path: join(staticDir, name), maxAge: 0 });
    this.routes.set("/vendor/echarts.min.js", { path: echartsPath, maxAge: 86400 });
  }

  /** The file for an exact URL path from the allow-list, or null (→ 404). */
  get(urlPath: string): StaticFile | null {
    const route = this.routes.get(urlPath);
    if (route === undefined) return null;
    let file = this.cache.get(urlPath);
    if (file === undefined) {
      const ext = route.path.slice(route.path.lastIndexOf(".") + 1);
      const body = readFileSync(route.path);
      file = {
        body,
        gzipped: body.length >= 32 * 1024 ? gzipSync(body, { level: 6 }) : null,
        contentType: CONTENT_TYPES[ext] ?? "application/octet-stream",
        maxAge: route.maxAge,
      };
      this.cache.set(urlPath, file);
    }
    return file;
  }

  paths(): string[] {
    return [...this.routes.keys()];
  }
}
