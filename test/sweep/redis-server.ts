/**
 * A private redis-server for one test file: loopback only, a free port, its files in a temp folder. With `aof` the
 * queue is persisted (append-only file, fsync on every write), so `restart()` brings it back as it was.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const REDIS_SERVER = "/usr/bin/redis-server";

export interface TestRedis {
  url: string;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

export async function startRedis(opts: { aof?: boolean } = {}): Promise<TestRedis> {
  if (!existsSync(REDIS_SERVER)) throw new Error(`${REDIS_SERVER} missing: run scripts/system-deps.sh (Debian package redis-server)`);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "aa-nas-redis-"));
  const args = [
    "--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "",
    ...(opts.aof ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"]),
  ];
  let proc: ChildProcess = await launch(args);
  return {
    url: `redis://127.0.0.1:${port}`,
    async restart() {
      await terminate(proc);
      proc = await launch(args);
    },
    stop: () => terminate(proc),
  };
}

function launch(args: string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const p = spawn(REDIS_SERVER, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000);
    p.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      if (/Ready to accept connections/.test(out)) {
        clearTimeout(timer);
        resolve(p);
      }
    });
    p.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}): ${out}`));
    });
  });
}

function terminate(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    p.removeAllListeners("exit");
    p.once("exit", () => resolve());
    p.kill("SIGTERM"); // redis flushes its append-only file on SIGTERM
  });
}
