import { spawnSync } from "node:child_process";
import { PYTHON } from "../support/system.js";

/** Runs a Python script under Debian's python3; throws with its stderr when it fails. Returns stdout. */
export function runPython(script: string, args: readonly string[] = [], timeoutMs = 120_000): string {
  const r = spawnSync(PYTHON, ["-c", script, ...args], { encoding: "utf8", timeout: timeoutMs, env: { ...process.env, OMP_NUM_THREADS: "1" } });
  if (r.status !== 0) throw new Error(`python failed (status ${r.status}): ${r.stderr || r.error?.message}`);
  return r.stdout;
}
