// The browser-core page tests' site and in-page query runner: the page, the package's dist/ and the exports laid out as
// a user would serve them, and the shared query runner (perf/browser/queries.mjs) run inside the page.
import { copyFileSync, existsSync, mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import type { Outcome, Query } from "../../../perf/browser/queries.mjs";
import { repoRoot } from "../../support/paths.js";
import { startStaticServer, type StaticServer } from "../../support/static-server.js";

/** Serves `<dir>/site`: page.html as index.html, queries.mjs, core's dist/, and each export folder under its name. */
export async function servePageSite(dir: string, exports: Record<string, string>): Promise<StaticServer> {
  const dist = join(repoRoot, "packages", "core", "dist", "bench", "browser", "index.js");
  if (!existsSync(dist)) throw new Error(`${dist} missing: run 'npm run build' before the browser tests`);
  const root = join(dir, "site");
  mkdirSync(root);
  copyFileSync(join(repoRoot, "packages", "core", "src", "bench", "browser", "page.html"), join(root, "index.html"));
  copyFileSync(join(repoRoot, "perf", "browser", "queries.mjs"), join(root, "queries.mjs"));
  symlinkSync(join(repoRoot, "packages", "core", "dist"), join(root, "dist"));
  for (const [name, folder] of Object.entries(exports)) symlinkSync(folder, join(root, name));
  return startStaticServer(root);
}

/** Runs `queries` through the page's opened bench (`window.aanas.bench`) with the shared runner, in order. */
export async function runInPage(page: Page, queries: Query[]): Promise<Outcome[]> {
  // a module script, not import() inside evaluate: vitest rewrites import() in the test's functions
  await page.addScriptTag({ type: "module", content: 'import { runQuery } from "/queries.mjs"; window.runQuery = runQuery;' });
  await page.waitForFunction(() => "runQuery" in window);
  return page.evaluate(async (qs) => {
    const w = window as unknown as { runQuery: (b: object, q: unknown) => Promise<unknown>; aanas: { bench: object } };
    const out: unknown[] = [];
    for (const q of qs) out.push(await w.runQuery(w.aanas.bench, q));
    return out;
  }, queries) as Promise<Outcome[]>;
}
