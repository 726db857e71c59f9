/**
 * What the query API (NasBench, ./api.ts) reads: a small synchronous interface, so the same query code runs over the
 * SQLite store in Node (BenchStore) and over the browser export in a page (browser/source.ts). Nothing here imports
 * Node modules: this file is part of the browser's module graph.
 */
import type { RecordDatasetKey, RunRecord } from "../registry/index.js";
import type { SpaceName } from "../space/index.js";
import { StoreError } from "./errors.js";
import type { RankingMetric, RankingSummary, RankingTop } from "./ranking.js";
import type { DecodedRun } from "./semantics.js";

export interface TrialCount {
  arch_index: number;
  dataset: string;
  trials: number;
}

export interface BenchSource {
  /** where the results come from, for messages and summaries: a store's file path, an export's URL */
  readonly path: string;
  /** the search space the results belong to; absent: tss (sources written before the size space existed) */
  readonly spaceName?: SpaceName;
  /** hp names in order of first import (the original's dict order, e.g. '12' before '200') */
  hps(): string[];
  /** indexes of archs with at least one run, ascending */
  evaluatedIndexes(): number[];
  /** decoded runs of (arch, hp, dataset) in seed order; empty when there are none */
  loadRuns(archIndex: number, hp: string, dataset: string): DecodedRun[];
  /** hp names stored for one arch, in hp order */
  hpsOf(archIndex: number): string[];
  /** datasets that hold runs for (arch, hp) */
  datasetsOf(archIndex: number, hp: string): RecordDatasetKey[];
  /** trials per (arch, dataset) for one hp */
  trialCounts(hp: string): TrialCount[];
  /** the per-arch ranking summary of (hp, dataset, metric), archs ascending */
  ranking(hp: string, dataset: string, metric: RankingMetric): RankingSummary;
  /** the best archs of (hp, dataset, metric), or null where only the full summary answers like the original */
  rankingTop(hp: string, dataset: string, metric: RankingMetric): RankingTop | null;
  /**
   * One trial's full record (curves, times, provenance) or null; absent where the source does not hold provenance
   * (the browser export carries only what the query methods read).
   */
  getRecord?(archIndex: number, hp: string, dataset: string, seed: number): RunRecord | null;
  close(): void;
}

type StoreOpener = (path: string) => BenchSource;

let storeOpener: StoreOpener | null = null;

/**
 * store.ts registers the SQLite opener when it loads, so that NasBench.open(path) works in Node without api.ts
 * importing better-sqlite3, which would put Node modules into the browser's module graph.
 */
export function registerStoreOpener(open: StoreOpener): void {
  storeOpener = open;
}

export function openStoreSource(path: string): BenchSource {
  if (storeOpener === null) {
    throw new StoreError(
      `cannot open ${path}: NasBench.open reads an SQLite store, which needs Node and the store module; import BenchStore from '@aa-nas/core/bench' ` +
        `(or src/bench/store.js) before calling it, or in a browser use openBrowserBench(url) on an 'aa-nas export --format browser' folder`,
    );
  }
  return storeOpener(path);
}
