import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run the TypeScript sources: a package's import of a sibling package resolves to the sibling's src/, as in
    // tsconfig.json's paths, so one class is one class whichever package names it.
    alias: [
      { find: /^@aa-nas\/(core|engine)\/(space|bench|search|registry|tensor|train|data)$/, replacement: `${root}packages/$1/src/$2/index.ts` },
      { find: /^@aa-nas\/core\/browser$/, replacement: `${root}packages/core/src/bench/browser/index.ts` },
      { find: /^@aa-nas\/(core|engine)\/(.+)\.js$/, replacement: `${root}packages/$1/src/$2.ts` },
    ],
  },
  test: {
    include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts"],
    // Engine tests hold libtorch threads; running files in parallel on 2 cores only adds contention.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ["default", "./test/support/summary-reporter.ts"],
  },
});
