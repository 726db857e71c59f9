// What the search step benchmarks share: their command-line numbers, the median, and a run of a PyTorch reference's
// `bench-step` case (test/search-ws/reference/<script>) under Debian's python.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const args = process.argv.slice(2);
export const quick = args.includes("--quick");

/** `--name <number>`, else the fallback. */
export function flag(name: string, fallback: number): number {
  return args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : fallback;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export interface PythonBench {
  seconds: number[];
  version: string;
  threads: number;
}

/** Runs `<script> bench-step` of the references with `spec` as its input.json (python: $AA_NAS_PYTHON or /usr/bin/python3). */
export function pythonBench(script: string, spec: Record<string, unknown>): PythonBench {
  // compiled to dist/perf-search-ws/perf/search-ws/: four levels below the repository root
  const path = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..", "test", "search-ws", "reference", script);
  const dir = mkdtempSync(join(tmpdir(), "aa-nas-ws-bench-"));
  try {
    writeFileSync(join(dir, "input.json"), JSON.stringify(spec));
    const r = spawnSync(process.env.AA_NAS_PYTHON ?? "/usr/bin/python3", [path, "bench-step", dir], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`PyTorch side failed: ${r.stderr || r.error?.message}`);
    return JSON.parse(readFileSync(join(dir, "output.json"), "utf8")) as PythonBench;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
