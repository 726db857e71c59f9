/**
 * A whole-space benchmark store for CIFAR-10 searches, built from the peer tables in test/fixtures/reference with the
 * reproduction harness's record builder: keys cifar10-valid and cifar10 only (all a CIFAR-10 search reads), every hp-12
 * trial, and one hp-200 trial (seed 777) per key to keep the build cheap. Every draw and every judged number of a
 * CIFAR-10 search comes from this store, so the CLI and the library can be compared on it.
 */
import { BenchStore } from "../../packages/core/src/bench/store.js";
import type { RunRecord } from "../../packages/core/src/registry/index.js";
import { NUM_ARCHS } from "../../packages/core/src/space/index.js";
import { loadPeerTables, recordsForArch } from "../../packages/core/src/bench/import/tables.js";
import { referenceRoot } from "../support/reference.js";

const keep = (r: RunRecord): boolean => (r.dataset === "cifar10-valid" || r.dataset === "cifar10") && (r.hp === "12" || r.seed === 777);

/** `archs` (default: the whole space) limits the store to the first archs, for a store a search must refuse. */
export function buildCifar10TableStore(path: string, archs = NUM_ARCHS): { runs: number } {
  const tables = loadPeerTables(referenceRoot);
  const store = BenchStore.create(path, { createdBy: "test: peer tables, CIFAR-10 keys" });
  let runs = 0;
  try {
    for (let start = 0; start < archs; start += 1000) {
      const batch: RunRecord[] = [];
      for (let i = start; i < Math.min(start + 1000, archs); i++) batch.push(...recordsForArch(tables, i).filter(keep));
      runs += store.putRuns(batch).inserted;
    }
  } finally {
    store.close();
  }
  return { runs };
}
