import { describe, expect, it } from "vitest";
import { computeIndexOrder, indexOrder } from "../../packages/core/src/space/index-order.js";
import { allArchs, archAt, enumerateArchs, indexOf, NUM_ARCHS, opsToArch, OPS } from "../../packages/core/src/space/index.js";

/** Op indices of enumeration position u, last edge fastest (the definition in spec §1.3). */
function digits(u: number): number[] {
  const ops: number[] = [];
  for (let p = 0, v = u; p < 6; p++, v = Math.floor(v / OPS.length)) ops.unshift(v % OPS.length);
  return ops;
}

describe("precomputed index order", () => {
  it("the stored table equals random.seed(88); random.shuffle(range(15625)) replayed with MT19937, for every index", () => {
    const stored = indexOrder();
    const replayed = computeIndexOrder();
    expect(stored.length).toBe(NUM_ARCHS);
    // compare as plain arrays so a mismatch reports the first differing index
    expect(Array.from(stored)).toEqual(Array.from(replayed));
  });

  it("is a permutation of the enumeration positions", () => {
    expect(new Set(indexOrder()).size).toBe(NUM_ARCHS);
    expect(Math.max(...indexOrder())).toBe(NUM_ARCHS - 1);
  });

  it("strings built on demand equal the canonical strings opsToArch formats", () => {
    const enumerated = enumerateArchs();
    for (let u = 0; u < NUM_ARCHS; u++) expect(enumerated[u]).toBe(opsToArch(digits(u)));
    const order = indexOrder();
    for (let i = 0; i < NUM_ARCHS; i++) expect(archAt(i)).toBe(enumerated[order[i]!]);
    expect(allArchs()).toEqual(Array.from(order, (u) => enumerated[u]));
  });

  it("indexOf inverts archAt for all 15,625 archs", () => {
    for (let i = 0; i < NUM_ARCHS; i++) expect(indexOf(archAt(i))).toBe(i);
  });

  it("indexOf is an exact-string lookup: anything but a canonical string is -1", () => {
    const a = archAt(11472);
    for (const bad of [
      `${a}\n`,
      ` ${a}`,
      `${a}|`,
      a.replace("~0|+", "~0||+"),
      a.replace("nor_conv_3x3", "NOR_CONV_3X3"),
      a.replace("nor_conv_3x3", "conv_3x3"),
      a.replace("none~0|nor_conv_3x3~1", "nor_conv_3x3~1|none~0"),
      "",
    ]) {
      expect(indexOf(bad), bad).toBe(-1);
    }
    expect(indexOf(undefined as unknown as string)).toBe(-1);
  });
});
