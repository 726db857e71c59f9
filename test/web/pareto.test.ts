import { describe, expect, it } from "vitest";
import { paretoFront } from "../../packages/cli/src/web/data/pareto.js";

describe("paretoFront", () => {
  it("keeps the archs no other arch beats on both cost and accuracy, cheapest first", () => {
    const cost = [5, 1, 3, 2, 4, 6];
    const acc = [90, 60, 80, 70, 75, 89];
    // 4 (cost 4, 75) is beaten by 2 (cost 3, 80); 5 (cost 6, 89) by 0 (cost 5, 90)
    expect(paretoFront(cost, acc)).toEqual([1, 3, 2, 0]);
  });

  it("at equal cost only the most accurate survives, and equal accuracy at a higher cost is dominated", () => {
    expect(paretoFront([1, 1, 2], [50, 70, 70])).toEqual([1]);
  });

  it("skips NaN points (e.g. archs without a measured latency)", () => {
    expect(paretoFront([NaN, 2, 3], [99, 50, 60])).toEqual([1, 2]);
    expect(paretoFront([], [])).toEqual([]);
  });
});
