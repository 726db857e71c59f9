/**
 * Spearman ρ and Kendall τ-b against an independent implementation: plain Python (no scipy), written here from the
 * textbook definitions (average ranks for ties; τ-b = (C − D)/√((n₀ − n₁)(n₀ − n₂))), on samples with and without ties.
 */
import { describe, expect, it } from "vitest";
import { averageRanks, kendallTau, rankCorrelation, spearmanRho } from "../../packages/core/src/bench/correlation.js";
import { PyRandom } from "../../packages/core/src/space/index.js";
import { runPython } from "../data/python.js";
import { requireSystem } from "../support/system.js";

const PY = `
import json, sys, math
def ranks(v):
    order = sorted(range(len(v)), key=lambda i: v[i]); r = [0.0] * len(v); i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and v[order[j + 1]] == v[order[i]]: j += 1
        for k in range(i, j + 1): r[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return r
def pearson(a, b):
    ma, mb = sum(a) / len(a), sum(b) / len(b)
    return sum((x - ma) * (y - mb) for x, y in zip(a, b)) / math.sqrt(sum((x - ma) ** 2 for x in a) * sum((y - mb) ** 2 for y in b))
def tau_b(x, y):
    n = len(x); c = d = tx = ty = 0
    for i in range(n):
        for j in range(i + 1, n):
            a, b = (x[i] > x[j]) - (x[i] < x[j]), (y[i] > y[j]) - (y[i] < y[j])
            tx += a == 0; ty += b == 0
            if a * b > 0: c += 1
            elif a * b < 0: d += 1
    n0 = n * (n - 1) / 2
    return (c - d) / math.sqrt((n0 - tx) * (n0 - ty))
out = []
for x, y in json.loads(sys.argv[1]):
    out.append([pearson(ranks(x), ranks(y)), tau_b(x, y)])
print(json.dumps(out))
`;

function samples(): [number[], number[]][] {
  const rng = new PyRandom(31);
  const noisy = Array.from({ length: 200 }, () => rng.random());
  const tiedX = Array.from({ length: 150 }, () => rng.randbelow(7));
  const tiedY = tiedX.map((v) => v + rng.randbelow(4));
  return [
    [noisy, noisy.map((v) => v * v + 0.3 * rng.random())],
    [tiedX, tiedY],
    [[1, 2, 3, 4, 5], [5, 6, 7, 8, 7]],
    [[3, 1, 2], [1, 3, 2]],
  ];
}

describe("rank correlation", () => {
  it("equals an independent Python Spearman and Kendall tau-b, with and without ties, to 1e-12", () => {
    requireSystem("python3");
    const cases = samples();
    const expected = JSON.parse(runPython(PY, [JSON.stringify(cases)])) as [number, number][];
    cases.forEach(([x, y], i) => {
      expect(spearmanRho(x, y)).toBeCloseTo(expected[i]![0], 12);
      expect(kendallTau(x, y)).toBeCloseTo(expected[i]![1], 12);
    });
  });

  it("gives tied values the mean of their ranks", () => {
    expect([...averageRanks([10, 20, 10, 30, 20, 20])]).toEqual([1.5, 4, 1.5, 6, 4, 4]);
  });

  it("drops pairs with a non-finite value and reports how many remain", () => {
    const r = rankCorrelation([1, NaN, 3, 4, -Infinity, 6], [2, 5, 1, 4, 3, 7]);
    expect(r.n).toBe(4);
    expect(r.spearman).toBeCloseTo(spearmanRho([1, 3, 4, 6], [2, 1, 4, 7]), 15);
  });

  it("is NaN with fewer than two pairs or a constant sample", () => {
    expect(rankCorrelation([1], [2]).spearman).toBeNaN();
    expect(rankCorrelation([1, 1, 1], [1, 2, 3]).kendall).toBeNaN();
  });
});
