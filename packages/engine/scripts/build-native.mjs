#!/usr/bin/env node
// Builds the libtorch addon (native/build/Release/aa_nas_native.node). Runs as the package's `install`
// script: without libtorch it prints one line and exits 0 so the pure-TypeScript query API still installs;
// with --require or AA_NAS_REQUIRE_NATIVE=1 a missing libtorch or a failed build exits 1.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const nativeDir = join(root, "native");
const require = createRequire(import.meta.url);
const { findLibtorch } = await import(new URL("../native/torch-config.mjs", import.meta.url).href);

const required = process.argv.includes("--require") || process.env.AA_NAS_REQUIRE_NATIVE === "1";

function fail(message) {
  console.error(message);
  process.exit(required ? 1 : 0);
}

function nodeGypScript() {
  if (process.env.npm_config_node_gyp && existsSync(process.env.npm_config_node_gyp)) return process.env.npm_config_node_gyp;
  const candidates = [
    join(dirname(process.execPath), "..", "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"),
    "/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js",
    "/usr/local/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js",
    "/usr/share/nodejs/node-gyp/bin/node-gyp.js",
  ];
  for (const c of candidates) if (existsSync(c)) return c;
  try {
    return require.resolve("node-gyp/bin/node-gyp.js");
  } catch {
    return null;
  }
}

const torch = findLibtorch();
if (!torch) {
  fail(
    process.env.LIBTORCH
      ? `aa-nas: libtorch not found at LIBTORCH=${process.env.LIBTORCH} (expected include/torch/csrc/api/include/torch/torch.h and lib/libtorch.so)`
      : "aa-nas: libtorch not found — install it with `sudo apt-get install libtorch-dev` or set LIBTORCH=/path/to/libtorch",
  );
}

try {
  require.resolve("node-addon-api", { paths: [root] });
} catch {
  fail("aa-nas: node-addon-api is not installed — run `npm install` first");
}

// `npx aa-nas` re-runs the install script of the project it executes from; an addon that is newer than every
// source needs no rebuild (pass --force to rebuild anyway).
function upToDate() {
  const addon = join(nativeDir, "build", "Release", "aa_nas_native.node");
  if (process.argv.includes("--force") || !existsSync(addon)) return false;
  const built = statSync(addon).mtimeMs;
  const sources = [join(nativeDir, "binding.gyp"), join(nativeDir, "torch-config.mjs"), ...readdirSync(join(nativeDir, "src")).map((f) => join(nativeDir, "src", f))];
  return sources.every((f) => statSync(f).mtimeMs <= built);
}
if (upToDate()) {
  console.log("aa-nas: native/build/Release/aa_nas_native.node is up to date");
  process.exit(0);
}

const gyp = nodeGypScript();
if (!gyp) fail("aa-nas: node-gyp not found (it ships with npm) — set npm_config_node_gyp=/path/to/node-gyp.js");

// Node's headers ship with the node binary's prefix (e.g. /usr/include/node); pointing node-gyp there avoids
// its default of downloading them, which fails offline. npm sets npm_config_nodedir when configured.
function nodedirArgs() {
  if (process.env.npm_config_nodedir) return [`--nodedir=${process.env.npm_config_nodedir}`];
  const prefix = resolve(dirname(process.execPath), "..");
  return existsSync(join(prefix, "include", "node", "node_api.h")) ? [`--nodedir=${prefix}`] : [];
}

console.log(`aa-nas: building the libtorch addon against ${torch.root}${torch.hasCuda ? " (with CUDA)" : " (CPU)"}…`);
const result = spawnSync(process.execPath, [gyp, "rebuild", "--release", "-j", "max", ...nodedirArgs()], { cwd: nativeDir, stdio: "inherit" });
if (result.status !== 0) {
  fail(`aa-nas: building the libtorch addon failed (exit ${result.status ?? result.signal}); the engine will be unavailable`);
}
console.log("aa-nas: built native/build/Release/aa_nas_native.node");
