// Runs the built CLI on bad inputs, many at once, and states the promise every user error keeps: exit 2, one line
// on stderr starting `aa-nas: `, no stack trace, no control character, within a time bound (no hang).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { repoRoot } from "../support/paths.js";

export interface Outcome {
  args: string[];
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}

/** One CLI run with a hard time limit (SIGKILL after `timeoutMs`: a hang shows as `timedOut`). */
export function runCliAsync(args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<Outcome> {
  const main = join(repoRoot, "packages", "cli", "dist", "main.js");
  if (!existsSync(main)) throw new Error(`${main} missing: run 'npm run build' before the CLI tests`);
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [main, ...args], {
      cwd: opts.cwd ?? repoRoot,
      env: { ...process.env, AA_NAS_THREADS: "1", ...opts.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (d: string) => void (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => void (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, opts.timeoutMs ?? 30_000);
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      resolve({ args, status, signal, stdout, stderr, ms: Date.now() - started, timedOut });
    });
  });
}

/** Runs every case, `parallel` at a time (2 cores: more only adds contention). */
export async function runAll<T>(cases: readonly T[], run: (c: T) => Promise<Outcome>, parallel = 3): Promise<Outcome[]> {
  const out: Outcome[] = new Array<Outcome>(cases.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < cases.length) {
      const i = next++;
      out[i] = await run(cases[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, cases.length) }, lane));
  return out;
}

// eslint-disable-next-line no-control-regex -- looking for control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** The user-error promise; `pattern` is what the one line must say. */
export function expectCleanError(r: Outcome, pattern?: RegExp): void {
  const what = `aa-nas ${r.args.join(" ")}\n--- stderr ---\n${r.stderr}`;
  expect(r.timedOut, `hung: ${what}`).toBe(false);
  expect(r.status, what).toBe(2);
  expect(r.stderr, what).toMatch(/^aa-nas: [^\n]+\n$/);
  expect(r.stderr, what).not.toMatch(/\n\s+at /);
  expect(CONTROL.test(r.stderr), `control character in: ${what}`).toBe(false);
  if (pattern !== undefined) expect(r.stderr, what).toMatch(pattern);
}
