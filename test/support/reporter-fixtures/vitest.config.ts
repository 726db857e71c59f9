// Config of the nested vitest run in test/support/summary-reporter.test.ts (the main suite never includes these files).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [process.env.AA_NAS_REPORTER_FIXTURE ?? "*.fixture.ts"],
    reporters: ["../summary-reporter.ts"],
  },
});
