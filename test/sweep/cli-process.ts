/** Runs the built CLI as a background process whose stderr the test can watch (sweep workers). */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "../support/paths.js";

export interface CliProcess {
  child: ChildProcess;
  /** everything written to stderr so far */
  stderr(): string;
  /** resolves with the exit code (or signal name) */
  exited: Promise<number | string>;
  /** resolves once stderr matches */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

export function startCli(args: string[], opts: { env?: NodeJS.ProcessEnv } = {}): CliProcess {
  const child = spawn(process.execPath, [join(repoRoot, "packages", "cli", "dist", "main.js"), ...args], { cwd: repoRoot, env: { ...process.env, ...opts.env }, stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.stderr?.on("data", (d: Buffer) => {
    err += d.toString();
    for (const w of [...waiters]) if (w.pattern.test(err)) w.resolve();
  });
  const exited = new Promise<number | string>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? "?")));
  return {
    child,
    stderr: () => err,
    exited,
    waitFor(pattern, timeoutMs = 90_000) {
      if (pattern.test(err)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; stderr:\n${err}`)), timeoutMs);
        waiters.push({
          pattern,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
  };
}
