/** The workspace's TypeScript sources and the imports between them, for the structure tests. */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { repoRoot } from "./paths.js";

/**
 * Imports of a TypeScript source within the workspace, static and dynamic (`import type` too: a type cycle is still a
 * cycle): relative ones, and a sibling package's deep imports (`@aa-nas/core/bench/api.js` → packages/core/src/…).
 */
export function importsOf(file: string): string[] {
  const specs = moduleSpecifiers(file).filter((s) => s.startsWith(".") || s.startsWith("@aa-nas/"));
  return specs.map((s) => {
    const sibling = /^@aa-nas\/(\w+)\/(.+)$/.exec(s);
    if (sibling === null) return resolve(dirname(file), s.replace(/\.js$/, ".ts"));
    const [, pkg, sub] = sibling;
    const rel = sub!.endsWith(".js") ? sub!.replace(/\.js$/, ".ts") : `${sub}/index.ts`;
    return join(repoRoot, "packages", pkg!, "src", rel);
  });
}

/**
 * Module specifiers of a source's imports and re-exports, static (`… from "x";`, `import "x";`) and dynamic
 * (`import("x")`), comments removed first so that a module named in prose is not an import.
 */
export function moduleSpecifiers(file: string): string[] {
  const code = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\/|(^|[^:"'`])\/\/.*$/gm, "$1");
  return [...code.matchAll(/(?:\bfrom\s*|^\s*import\s*)["']([^"'\s]+)["']\s*;|\bimport\(\s*["']([^"'\s]+)["']\s*\)/gm)].map((m) => (m[1] ?? m[2])!);
}

export function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [p] : [];
  });
}

