import { describe, expect, it } from "vitest";
import { PyRandom } from "../../packages/core/src/space/index.js";
import { averageRanks, kendallTau, spearmanRho } from "../../packages/core/src/bench/correlation.js";

/** tau-b straight from its definition, O(n²): (C − D) / sqrt((n0 − n1)(n0 − n2)). */
function bruteKendall(x: number[], y: number[]): number {
  let concordant = 0;
  let discordant = 0;
  let tiesX = 0;
  let tiesY = 0;
  let pairs = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      pairs++;
      const dx = Math.sign(x[i]! - x[j]!);
      const dy = Math.sign(y[i]! - y[j]!);
      if (dx === 0) tiesX++;
      if (dy === 0) tiesY++;
      if (dx * dy > 0) concordant++;
      else if (dx * dy < 0) discordant++;
    }
  }
  return (concordant - discordant) / Math.sqrt((pairs - tiesX) * (pairs - tiesY));
}

function bruteSpearman(x: number[], y: number[]): number {
  const rank = (v: number[]) => v.map((a) => v.filter((b) => b < a).length + (v.filter((b) => b === a).length + 1) / 2);
  const rx = rank(x);
  const ry = rank(y);
  const mean = (v: number[]) => v.reduce((s, a) => s + a, 0) / v.length;
  const mx = mean(rx);
  const my = mean(ry);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  rx.forEach((a, i) => {
    sxy += (a - mx) * (ry[i]! - my);
    sxx += (a - mx) ** 2;
    syy += (ry[i]! - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}

function sample(n: number, seed: number, levels: number): [number[], number[]] {
  const rng = new PyRandom(seed);
  const x = Array.from({ length: n }, () => rng.randbelow(levels));
  // y follows x with noise, so the correlation is well away from 0
  const y = x.map((v) => v + rng.randbelow(levels));
  return [x, y];
}

describe("rank correlations", () => {
  it.each([
    [50, 1, 1000],
    [300, 2, 7],
    [301, 3, 3],
    [1000, 4, 40],
  ])("Kendall tau-b (Knight's merge sort) equals the O(n²) definition: n=%i, seed %i, %i distinct levels", (n, seed, levels) => {
    const [x, y] = sample(n, seed, levels);
    expect(kendallTau(x, y)).toBeCloseTo(bruteKendall(x, y), 12);
    expect(spearmanRho(x, y)).toBeCloseTo(bruteSpearman(x, y), 12);
  });

  it("a worked example: one swapped pair among five gives tau = (9 − 1)/10 = 0.8 and rho = 1 − 6·2/120 = 0.9", () => {
    expect(kendallTau([1, 2, 3, 4, 5], [1, 2, 4, 3, 5])).toBeCloseTo(0.8, 15);
    expect(spearmanRho([1, 2, 3, 4, 5], [1, 2, 4, 3, 5])).toBeCloseTo(0.9, 15);
  });

  it("identical rankings give exactly 1 and reversed ones exactly −1, ties included", () => {
    const [x] = sample(2000, 9, 50);
    expect(kendallTau(x, x)).toBe(1);
    expect(spearmanRho(x, x)).toBe(1);
    expect(kendallTau(x, x.map((v) => -v))).toBe(-1);
  });

  it("a constant side or fewer than two pairs has no correlation (NaN)", () => {
    expect(kendallTau([1, 2, 3], [5, 5, 5])).toBeNaN();
    expect(spearmanRho([1, 2, 3], [5, 5, 5])).toBeNaN();
    expect(kendallTau([1], [2])).toBeNaN();
  });

  it("ties share the mean of the ranks they span", () => {
    expect(Array.from(averageRanks([10, 20, 10, 30, 20, 20]))).toEqual([1.5, 4, 1.5, 6, 4, 4]);
  });

  it("refuses unpaired or NaN input instead of returning a misleading number", () => {
    expect(() => kendallTau([1, 2], [1])).toThrow(/differ in length/);
    expect(() => spearmanRho([1, NaN], [1, 2])).toThrow(/NaN/);
  });
});
