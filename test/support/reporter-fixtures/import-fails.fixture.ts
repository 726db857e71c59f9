// Fixture of test/support/summary-reporter.test.ts, run by a nested vitest: a module that throws while loading.
import { expect, it } from "vitest";

throw new Error("module failed to load on purpose");

it("never collected", () => expect(1).toBe(1));
