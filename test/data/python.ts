import { spawnSync } from "node:child_process";

/** The reference Python (Debian's, which has python3-torch and numpy). */
export const PYTHON = "/usr/bin/python3";

/** Runs a Python script; throws with its stderr when it fails. Returns stdout. */
export function runPython(script: string, args: readonly string[] = [], timeoutMs = 120_000): string {
  const r = spawnSync(PYTHON, ["-c", script, ...args], { encoding: "utf8", timeout: timeoutMs, env: { ...process.env, OMP_NUM_THREADS: "1" } });
  if (r.status !== 0) throw new Error(`python failed (status ${r.status}): ${r.stderr || r.error?.message}`);
  return r.stdout;
}
