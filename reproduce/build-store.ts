/**
 * Builds a benchmark store from the peer tables (RunRecords from tables-to-records.ts, written with the store writer).
 * Idempotent: an existing store built from the same tables is reused when complete.
 */
import { existsSync } from "node:fs";
import { BenchStore } from "../packages/core/src/bench/store.js";
import { NUM_ARCHS } from "../packages/core/src/space/index.js";
import type { PeerTables } from "./tables.js";
import { recordsForArch } from "./tables-to-records.js";

export const TABLE_IMPORT_SOURCE = "reproduce-paper:peer-tables";

export interface BuildResult {
  path: string;
  built: boolean;
  runs: number;
  seconds: number;
}

export function buildTableStore(path: string, tables: PeerTables, log: (s: string) => void = () => {}): BuildResult {
  const started = performance.now();
  if (existsSync(path)) {
    const store = BenchStore.open(path, { write: true });
    try {
      const done = store.importedArchs(TABLE_IMPORT_SOURCE);
      if (done.size === NUM_ARCHS) {
        return { path, built: false, runs: store.meta().runs, seconds: (performance.now() - started) / 1000 };
      }
      log(`resuming store build at ${done.size}/${NUM_ARCHS} archs`);
      fill(store, tables, done, log);
      return { path, built: true, runs: store.meta().runs, seconds: (performance.now() - started) / 1000 };
    } finally {
      store.close();
    }
  }
  const store = BenchStore.create(path, { createdBy: "reproduce (peer tables)" });
  try {
    fill(store, tables, new Set(), log);
    return { path, built: true, runs: store.meta().runs, seconds: (performance.now() - started) / 1000 };
  } finally {
    store.close();
  }
}

function fill(store: BenchStore, tables: PeerTables, done: Set<number>, log: (s: string) => void): void {
  const batch = 250;
  for (let start = 0; start < NUM_ARCHS; start += batch) {
    const archs: number[] = [];
    for (let i = start; i < Math.min(start + batch, NUM_ARCHS); i++) if (!done.has(i)) archs.push(i);
    if (archs.length === 0) continue;
    store.putRuns(archs.flatMap((i) => recordsForArch(tables, i)));
    store.markImported(TABLE_IMPORT_SOURCE, archs);
    if ((start / batch) % 10 === 0) log(`  store: ${start + archs.length}/${NUM_ARCHS} archs`);
  }
}
