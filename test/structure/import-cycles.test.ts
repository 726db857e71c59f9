// The packages' sources have no import cycle, within a package or across packages: every module can be read knowing
// only the modules below it, and a CLI action that imports its command file back (the old pipeline/train-cli ↔
// cli/commands/pipeline pair) fails here.
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/paths.js";
import { importsOf, sources } from "../support/source-graph.js";

/** Each cycle once, as the list of files around it (depth-first search, Tarjan-free: the graph is small). */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, "open");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === "open") cycles.push(stack.slice(stack.indexOf(next)));
      else if (state.get(next) === undefined) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of [...graph.keys()].sort()) if (state.get(node) === undefined) visit(node);
  return cycles;
}

describe("import structure of packages/*/src", () => {
  it("the checker finds a cycle when there is one", () => {
    const g = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a"]],
      ["d", ["a"]],
    ]);
    expect(findCycles(g)).toEqual([["a", "b", "c"]]);
    expect(findCycles(new Map([["a", ["b"]], ["b", []]]))).toEqual([]);
  });

  it("has no import cycle", () => {
    const src = join(repoRoot, "packages");
    const files = ["core", "engine", "cli"].flatMap((p) => sources(join(src, p, "src")));
    const graph = new Map(files.map((f) => [f, importsOf(f)]));
    expect(graph.size).toBeGreaterThan(100);
    // the sibling-package imports are followed (a cycle through two packages is found too)
    expect([...graph.values()].flat().filter((f) => f.includes(`${join("packages", "core", "src")}`)).length).toBeGreaterThan(100);
    const cycles = findCycles(graph).map((c) => c.map((f) => relative(src, f)).join(" → "));
    expect(cycles).toEqual([]);
  });
});
