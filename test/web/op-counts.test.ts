import { describe, expect, it } from "vitest";
import { allArchs, opsOf } from "../../packages/core/src/space/index.js";
import { allOpCodes, countOp, opCodeString } from "../../packages/cli/src/web/data/op-counts.js";

describe("op codes of the whole space", () => {
  it("agree with opsOf (the full parser) for every one of the 15,625 archs", () => {
    const codes = allOpCodes();
    allArchs().forEach((arch, i) => {
      expect(Array.from(codes.subarray(i * 6, i * 6 + 6))).toEqual(opsOf(arch));
    });
  });

  it("give the compact code string and per-op edge counts the overview filters on", () => {
    // 11472 is the ResNet cell: conv3x3, none, conv3x3, skip, none, skip
    expect(opCodeString(11472)).toBe("303101");
    expect(countOp(11472, "nor_conv_3x3")).toBe(2);
    expect(countOp(11472, "none")).toBe(2);
    expect(countOp(11472, "avg_pool_3x3")).toBe(0);
  });
});
