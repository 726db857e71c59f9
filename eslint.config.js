// Package boundaries: @aa-nas/core (space, formats, registry, bench, benchmark-driven search) must install and load
// without libtorch or the CLI, and @aa-nas/engine must not reach up into the CLI; importing across the line is a lint
// error rather than a runtime surprise (test/structure/packages.test.ts checks the same on the dependency lists).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const upward = (message, ...groups) => ({ patterns: [{ group: groups, message }] });

export default tseslint.config(
  { ignores: ["**/dist/**", "out/**", "node_modules/**", "**/native/build/**", "test-artifacts/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["packages/core/src/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        upward("@aa-nas/core must not import the engine or the CLI (see docs/architecture.md).", "@aa-nas/engine", "@aa-nas/engine/*", "aa-nas-bench", "aa-nas-bench/*", "../../engine/*", "../../cli/*"),
      ],
    },
  },
  {
    files: ["packages/engine/src/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", upward("@aa-nas/engine must not import the CLI (see docs/architecture.md).", "aa-nas-bench", "aa-nas-bench/*", "../../cli/*")],
    },
  },
  {
    // the explorer serves a store: it must run where the engine is not built
    files: ["packages/cli/src/web/**/*.ts"],
    rules: { "no-restricted-imports": ["error", upward("The explorer must not import the engine.", "@aa-nas/engine", "@aa-nas/engine/*")] },
  },
  {
    files: ["**/*.js", "**/*.mjs", "**/*.cjs"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
  },
);
