// The pure-TS core (core, space, bench, search's benchmark-driven algorithms, web) must load without libtorch,
// so importing the native engine from there is a lint error rather than a runtime surprise.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const engineImport = {
  patterns: [
    {
      group: ["**/engine", "**/engine/*", "**/models/*", "**/train/*", "**/native/*"],
      message: "The pure-TS core must not import the native engine (see docs/architecture.md).",
    },
  ],
};

export default tseslint.config(
  { ignores: ["dist/**", "out/**", "node_modules/**", "native/build/**", "test-artifacts/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["src/core/**/*.ts", "src/space/**/*.ts", "src/bench/**/*.ts", "src/formats/**/*.ts", "src/search/api/**/*.ts", "src/web/**/*.ts"],
    rules: { "no-restricted-imports": ["error", engineImport] },
  },
  {
    files: ["**/*.js", "**/*.mjs", "**/*.cjs"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
  },
);
