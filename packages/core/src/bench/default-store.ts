/**
 * The default store location, the counterpart of NATS-Bench's `create(None, 'tss')` (which looks under $TORCH_HOME):
 * $AA_NAS_BENCH_STORE, else ~/.cache/aa-nas/bench.sqlite (next to the default data folder ~/.cache/aa-nas/data).
 * Node-only (it reads the environment and the home folder), so it lives outside the query API itself.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { NasBench, type NasBenchOptions } from "./api.js";
import { StoreError } from "./errors.js";
import { BenchStore } from "./store.js";

export const BENCH_STORE_ENV = "AA_NAS_BENCH_STORE";

/** The store `openBench()` opens without a path. `env` is a parameter so tests and embedders need not mutate process.env. */
export function defaultStorePath(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const fromEnv = env[BENCH_STORE_ENV];
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  return join(homedir(), ".cache", "aa-nas", "bench.sqlite");
}

/**
 * NATS `create(path, 'tss')`: opens `path`, or the default store when `path` is null or undefined (`create(None, …)`).
 * A missing default store is an error that names both places it looked for.
 */
export function openBench(path?: string | null, opts: NasBenchOptions & { env?: Readonly<Record<string, string | undefined>> } = {}): NasBench {
  const { env, ...benchOpts } = opts;
  if (path !== undefined && path !== null) return new NasBench(BenchStore.open(path), benchOpts);
  const where = defaultStorePath(env);
  if (!existsSync(where)) {
    throw new StoreError(
      `no benchmark store at the default location ${where}: set ${BENCH_STORE_ENV} to a store file, put one there ` +
        `('aa-nas import <source> --out ${where}'), or pass a path`,
    );
  }
  return new NasBench(BenchStore.open(where), benchOpts);
}
