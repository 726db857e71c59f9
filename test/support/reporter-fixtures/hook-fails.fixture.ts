// Fixture of test/support/summary-reporter.test.ts, run by a nested vitest: a suite whose beforeAll throws.
import { beforeAll, describe, expect, it } from "vitest";

describe("a suite whose beforeAll throws", () => {
  beforeAll(() => {
    throw new Error("hook failed on purpose");
  });
  it("never runs (1)", () => expect(1).toBe(1));
  it("never runs (2)", () => expect(1).toBe(1));
});

describe("a healthy suite", () => {
  it("passes", () => expect(1).toBe(1));
  it("skips with a reason", (ctx) => {
    ctx.skip("needs hardware this machine lacks");
  });
});
