import { describe, expect, it } from "vitest";
import { AgingPopulation, SearchSession, regularizedEvolution, type Individual, type ReaCycle } from "../../packages/core/src/search/index.js";
import { opsOf, archAt } from "../../packages/core/src/space/index.js";
import { syntheticBenchmark } from "./synthetic.js";

const member = (historyIndex: number, reward: number): Individual => ({ archIndex: historyIndex, reward, historyIndex });

/** Returns the given indices in turn, as randbelow would. */
const scripted = (picks: number[]) => ({ randbelow: () => picks.shift()! });

describe("aging population", () => {
  it("retires the oldest member, not the worst", () => {
    const pop = new AgingPopulation(3);
    pop.push(member(0, 99)); // best, but oldest
    pop.push(member(1, 10));
    pop.push(member(2, 20));
    const retired = pop.push(member(3, 5));
    expect(retired?.historyIndex).toBe(0);
    expect(pop.snapshot().map((m) => m.historyIndex)).toEqual([1, 2, 3]);
  });

  it("tournament draws with replacement and returns the best drawn, ties to the first drawn", () => {
    const pop = new AgingPopulation(4);
    [member(0, 10), member(1, 30), member(2, 30), member(3, 20)].forEach((m) => pop.push(m));
    expect(pop.tournament(3, scripted([0, 3, 0])).historyIndex).toBe(3);
    expect(pop.tournament(3, scripted([2, 1, 0])).historyIndex).toBe(2);
    expect(pop.tournament(3, scripted([0, 0, 0])).historyIndex).toBe(0);
  });
});

describe("regularized evolution", () => {
  const cycles: ReaCycle[] = [];
  const session = new SearchSession({ benchmark: syntheticBenchmark(), dataset: "cifar10", budget: 20000, seed: 5 });
  const result = regularizedEvolution(session, { populationSize: 10, tournamentSize: 3 }, (c) => cycles.push(c));

  it("starts from 10 random cells and then produces one child per cycle", () => {
    expect(cycles.length).toBe(result.evaluations - 10);
    cycles.forEach((c, i) => expect(c.child.historyIndex).toBe(10 + i));
  });

  it("takes parents only from the living population (the 10 most recent evaluations) and retires the oldest", () => {
    for (const c of cycles) {
      expect(c.parent.historyIndex).toBeGreaterThanOrEqual(c.child.historyIndex - 10);
      expect(c.parent.historyIndex).toBeLessThan(c.child.historyIndex);
      expect(c.retired?.historyIndex).toBe(c.child.historyIndex - 10);
    }
  });

  it("mutates exactly one edge of the parent to a different op", () => {
    for (const c of cycles) {
      const p = opsOf(archAt(c.parent.archIndex));
      const q = opsOf(archAt(c.child.archIndex));
      expect(p.filter((op, e) => op !== q[e]).length).toBe(1);
    }
  });

  it("answers with the first arch of the whole history that has the best reward", () => {
    const best = Math.max(...result.history.map((h) => h.reward));
    const first = result.history.find((h) => h.reward === best)!;
    expect(result.archIndex).toBe(first.archIndex);
    expect(result.trace[result.trace.length - 1]!.archIndex).toBe(result.archIndex);
  });

  it("improves on its initial population on a benchmark with a clear gradient", () => {
    const initialBest = Math.max(...result.history.slice(0, 10).map((h) => h.reward));
    expect(result.reward).toBeGreaterThan(initialBest);
  });
});
