// Locates libtorch and prints compiler/linker flags for binding.gyp (`node torch-config.mjs cflags|ldflags|libs`).
// LIBTORCH=/path selects an unpacked libtorch distribution (or a pip torch package dir: it has include/ and lib/);
// otherwise the Debian/Ubuntu libtorch-dev layout is used. Shared by scripts/build-native.mjs.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

function multiarchLibDirs() {
  const dirs = ["/usr/lib", "/usr/local/lib"];
  for (const base of ["/usr/lib", "/usr/local/lib"]) {
    try {
      for (const name of fs.readdirSync(base)) {
        if (/-linux-gnu/.test(name)) dirs.push(path.join(base, name));
      }
    } catch {
      // directory absent
    }
  }
  return dirs;
}

// Builds of libtorch differ in the libstdc++ string ABI; the addon must match or linking fails.
function cxx11AbiOf(root) {
  const cmake = path.join(root, "share", "cmake", "Torch", "TorchConfig.cmake");
  try {
    const m = /_GLIBCXX_USE_CXX11_ABI=([01])/.exec(fs.readFileSync(cmake, "utf8"));
    if (m) return m[1];
  } catch {
    // no CMake config (e.g. some pip layouts): look at the symbols instead
  }
  try {
    return fs.readFileSync(path.join(root, "lib", "libc10.so")).includes("St7__cxx11") ? "1" : "0";
  } catch {
    return null;
  }
}

/** @returns {{root: string, includeDirs: string[], libDir: string | null, hasCuda: boolean, cxx11Abi: string | null} | null} */
export function findLibtorch(env = process.env) {
  if (env.LIBTORCH) {
    const root = path.resolve(env.LIBTORCH);
    const api = path.join(root, "include", "torch", "csrc", "api", "include");
    const libDir = path.join(root, "lib");
    if (!fs.existsSync(path.join(api, "torch", "torch.h")) || !fs.existsSync(path.join(libDir, "libtorch.so"))) return null;
    return {
      root,
      includeDirs: [path.join(root, "include"), api],
      libDir,
      hasCuda: fs.existsSync(path.join(libDir, "libtorch_cuda.so")),
      cxx11Abi: cxx11AbiOf(root),
    };
  }
  const api = "/usr/include/torch/csrc/api/include";
  if (!fs.existsSync(path.join(api, "torch", "torch.h"))) return null;
  const libDir = multiarchLibDirs().find((d) => fs.existsSync(path.join(d, "libtorch.so")));
  if (!libDir) return null;
  // /usr/include is already on the search path (and -isystem on it would break libstdc++'s #include_next).
  return { root: "/usr", includeDirs: [api], libDir: null, hasCuda: fs.existsSync(path.join(libDir, "libtorch_cuda.so")), cxx11Abi: null };
}

function flags(kind) {
  const t = findLibtorch();
  if (!t) return "";
  if (kind === "cflags") {
    // -isystem keeps libtorch's own warnings out of our build log.
    const out = t.includeDirs.map((d) => `-isystem${d}`);
    if (t.cxx11Abi !== null) out.push(`-D_GLIBCXX_USE_CXX11_ABI=${t.cxx11Abi}`);
    return out.join(" ");
  }
  if (kind === "ldflags") {
    return t.libDir ? `-L${t.libDir} -Wl,-rpath,${t.libDir}` : "";
  }
  if (kind === "libs") {
    const out = ["-ltorch", "-ltorch_cpu", "-lc10"];
    // Nothing references CUDA symbols directly; without --no-as-needed the linker would drop the CUDA
    // libraries and libtorch would report no CUDA at run time.
    if (t.hasCuda) out.push("-Wl,--no-as-needed", "-ltorch_cuda", "-lc10_cuda", "-Wl,--as-needed");
    return out.join(" ");
  }
  throw new Error(`torch-config.mjs: unknown flag kind '${kind}' (valid: 'cflags', 'ldflags' or 'libs')`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(flags(process.argv[2] ?? "cflags"));
}
