/**
 * The benchmark store: ONE SQLite file (schema in ./schema.ts, documented in docs/format.md) holding RunRecords.
 * Opening is lazy (a few pragmas and the meta table); runs are read per (arch, hp, dataset) on demand.
 *
 *   BenchStore.create(path, {overwrite?, space?})  new store of one search space ('tss' default, or 'sss'): fills
 *                                            its arch table (15,625 or 32,768 rows) and records the space in meta
 *   BenchStore.open(path, {write?, space?})  existing store; validates magic, application id, schema version, tables,
 *                                            and, when `space` is given, that the store holds that space
 *   BenchStore.write(path, store => …)       writes into path: an existing store (transactions wait for other
 *                                            writers), or a new one built in a temporary file and linked into
 *                                            place only when fn succeeds (a failed import leaves no file)
 *   store.putRuns(records, {onConflict?})    one transaction; idempotent on (arch, hp, dataset, seed):
 *                                            same content → no-op; different → RunConflictError unless
 *                                            onConflict 'replace' (overwrite) or 'skip' (keep the stored run)
 *   store.meta()                             counts, hps, datasets, sources, schema version
 *   store.verify()                           PRAGMA quick_check + schema checks (StoreError on damage)
 *   store.loadRuns(arch, hp, dataset)        decoded runs sorted by seed (query layer)
 *   store.getRecord(arch, hp, dataset, seed) full RunRecord
 *   store.markImported / importedArchs       resumable-import bookkeeping per source
 *   store.ranking(hp, dataset, metric)       per-arch ranking summary for findBest (stored BLOB or computed)
 *   store.refreshRankings()                  recompute all ranking summaries (after writing runs)
 */
import { existsSync, linkSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import type DatabaseConstructor from "better-sqlite3";
import { removeStaleTemps, syncFolder, tempSibling } from "../atomic-file.js";
import { isSpaceName, searchSpace, type SearchSpace, type SpaceName } from "../space/index.js";
import { RunConflictError, SpaceMismatchError, StoreError } from "./errors.js";
import type { RecordDatasetKey, RunRecord } from "../registry/index.js";
import { DECODE_COLUMNS, type StoredRow } from "./row-decode.js";
import { contentHash, finalRow, recordToRow, rowToDecoded, rowToRecord, type RunRow, validateRecord } from "./rows.js";
import { APPLICATION_ID, RANKINGS_SQL, SCHEMA_SQL, SCHEMA_VERSION, STORE_FORMAT, ZERO_COST_SQL } from "./schema.js";
import { isProxyName, type ZeroCostBatch, type ZeroCostFilter, type ZeroCostScore } from "./zero-cost-types.js";
import {
  decodeRanking,
  decodeTop,
  encodeRanking,
  encodeTop,
  RANKING_COSTS_UNDEFINED,
  RANKING_METRICS,
  RANKING_VALUE_MISSING,
  rankingTop,
  type RankingMetric,
  type RankingSummary,
  type RankingTop,
} from "./ranking.js";
import { type DecodedRun, legacyFix, pyMean } from "./semantics.js";
import { type BenchSource, registerStoreOpener } from "./source.js";

type Db = DatabaseConstructor.Database;
type Stmt = DatabaseConstructor.Statement;

// Start-up cost of a one-shot query (issue #19): better-sqlite3 is required rather than imported (no ES-module
// wrapper around a CommonJS package, ~4 ms), and its addon is named by path (see addonPath); node:crypto (~8 ms) is
// loaded only by the writes that need it.
const require = createRequire(import.meta.url);
const Database = require("better-sqlite3") as typeof DatabaseConstructor;

let addon: string | undefined | null = null;

/**
 * better-sqlite3 finds its addon through the `bindings` package, which derives the package root from a stack trace
 * and probes a dozen paths: ~5 ms of every first open. Naming the file it would find skips that; where the addon lies
 * elsewhere (another build layout) the search runs as before.
 */
function addonPath(): string | undefined {
  if (addon === null) {
    try {
      addon = require.resolve("better-sqlite3/build/Release/better_sqlite3.node");
    } catch {
      addon = undefined;
    }
  }
  return addon;
}

function databaseOptions(opts: DatabaseConstructor.Options): DatabaseConstructor.Options {
  const nativeBinding = addonPath();
  return nativeBinding === undefined ? opts : { ...opts, nativeBinding };
}

export interface PutOptions {
  onConflict?: "error" | "replace" | "skip";
}

export interface PutResult {
  inserted: number;
  unchanged: number;
  replaced: number;
  skipped: number;
}

export interface StoreMeta {
  format: string;
  /** the search space the store holds ('tss' for stores written before sss existed) */
  space: SpaceName;
  schemaVersion: number;
  createdAt: string | null;
  createdBy: string | null;
  runs: number;
  archs: number;
  hps: string[];
  datasets: string[];
  sources: string[];
}

/** One row of the `final` table (last-epoch values; null where the original raises). */
export interface FinalRow {
  arch_index: number;
  hp: string;
  dataset: string;
  seed: number;
  epochs: number;
  params: number;
  flops: number;
  latency: number | null;
  train_loss: number | null;
  train_acc: number | null;
  xvalid_loss: number | null;
  xvalid_acc: number | null;
  xtest_loss: number | null;
  xtest_acc: number | null;
  oritest_loss: number | null;
  oritest_acc: number | null;
  train_time_total: number | null;
}

const CORRUPT_CODES = new Set(["SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_CORRUPT_INDEX", "SQLITE_CORRUPT_VTAB", "SQLITE_CORRUPT_SEQUENCE"]);

function sqliteCode(e: unknown): string | null {
  return e instanceof Database.SqliteError ? e.code : null;
}

/**
 * How long a write waits for another process's transaction before giving up. Importers commit every 64 archs and
 * merges once, so concurrent writers take turns well within this.
 */
const BUSY_TIMEOUT_MS = 120_000;

/** Tables every store has (schema.ts); one missing means the file is damaged or not a store. */
const REQUIRED_TABLES = ["meta", "archs", "hps", "runs", "final", "rankings", "imports"] as const;

/** SQLite's failures as the one-line StoreError a user can act on; other errors are returned unchanged. */
function storeErrorOf(e: unknown, path: string): unknown {
  const code = sqliteCode(e);
  if (code === null) return e;
  const msg = (e as Error).message;
  if (CORRUPT_CODES.has(code) || code.startsWith("SQLITE_CORRUPT") || code === "SQLITE_IOERR_SHORT_READ") {
    return new StoreError(`${path} is not an aa-nas store or is damaged: corrupt (${code}: ${msg}); re-create it with 'aa-nas import'`);
  }
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
    return new StoreError(`${path} is being written by another process (waited ${BUSY_TIMEOUT_MS / 1000} s); try again when it has finished`);
  }
  if (code === "SQLITE_FULL" || code.startsWith("SQLITE_IOERR") || code.startsWith("SQLITE_CANTOPEN") || code.startsWith("SQLITE_READONLY")) {
    const what = code === "SQLITE_FULL" ? "the disk is full" : code.startsWith("SQLITE_READONLY") ? "it is read-only" : `an I/O error (${msg})`;
    return new StoreError(`cannot write ${path}: ${what} [${code}]; the write was rolled back and the store is as it was`);
  }
  if (code === "SQLITE_ERROR" && /no such (table|column)|has no column/.test(msg)) {
    return new StoreError(`${path} is not an aa-nas store or is damaged: ${msg}`);
  }
  return e;
}

function removeStoreFiles(path: string): void {
  for (const p of [path, `${path}-journal`, `${path}-wal`, `${path}-shm`]) rmSync(p, { force: true });
}

export class BenchStore implements BenchSource {
  private readonly stmts = new Map<string, Stmt>();
  private legacyRankingsLayout: boolean | undefined;
  private closed = false;
  /** the search space whose archs the store holds (meta row 'space'; absent in stores older than sss: tss) */
  readonly space: SearchSpace;

  private constructor(
    private readonly db: Db,
    readonly path: string,
    space: SearchSpace,
  ) {
    this.space = space;
  }

  /** The space's name, as BenchSource exposes it to the query API. */
  get spaceName(): SpaceName {
    return this.space.name;
  }

  /** Creates a new, empty store. */
  static create(path: string, opts: { overwrite?: boolean; createdBy?: string; space?: string } = {}): BenchStore {
    const space = searchSpace(opts.space ?? "tss");
    if (existsSync(path)) {
      if (opts.overwrite !== true) throw new StoreError(`${path} already exists; pass overwrite to replace it, or open it to add runs`);
      rmSync(path);
    }
    let db: Db;
    try {
      db = new Database(path, databaseOptions({ timeout: BUSY_TIMEOUT_MS }));
    } catch (e) {
      throw storeErrorOf(e, path);
    }
    try {
      // 16 KiB pages: a 200-epoch run (~6 KB of curves) then fits one page instead of spilling into overflow pages.
      db.pragma("page_size = 16384");
      db.pragma("journal_mode = DELETE");
      db.pragma(`application_id = ${APPLICATION_ID}`);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
      db.exec(SCHEMA_SQL);
      const meta = db.prepare("INSERT INTO meta (key, value) VALUES (?, ?)");
      const archs = db.prepare("INSERT INTO archs (arch_index, arch) VALUES (?, ?)");
      db.transaction(() => {
        meta.run("format", STORE_FORMAT);
        meta.run("schema_version", String(SCHEMA_VERSION));
        meta.run("created_at", new Date().toISOString());
        meta.run("created_by", opts.createdBy ?? "aa-nas-bench");
        meta.run("float_encoding", "float64-le; one value = constant curve");
        meta.run("space", space.name);
        space.allArchs().forEach((a, i) => archs.run(i, a));
      })();
    } catch (e) {
      db.close();
      throw storeErrorOf(e, path);
    }
    return new BenchStore(db, path, space);
  }

  /**
   * Runs `fn` on the store at `path` for writing. An existing store is opened (its transactions wait for other
   * writers); a new one is built in a temporary file beside `path` and linked into place only when `fn` returned, so
   * a failed or interrupted write never leaves a half-made store. When another process created `path` meanwhile,
   * the temporary store is dropped and `fn` runs again on that store (imports and merges are idempotent).
   * Temporary stores that killed writers on this host left beside `path` are removed first.
   */
  static write<T>(path: string, fn: (store: BenchStore) => T, opts: { createdBy?: string; space?: string } = {}): T {
    removeStaleTemps(dirname(path), true);
    if (existsSync(path)) {
      const store = BenchStore.open(path, { write: true, space: opts.space });
      try {
        return fn(store);
      } finally {
        store.close();
      }
    }
    const tmp = tempSibling(path);
    let result: T;
    try {
      const store = BenchStore.create(tmp, opts);
      try {
        result = fn(store);
      } finally {
        store.close();
      }
      try {
        // link, not rename: it fails instead of replacing a store another process put there first
        linkSync(tmp, path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw new StoreError(`cannot create ${path}: ${(e as Error).message}`);
        removeStoreFiles(tmp);
        return BenchStore.write(path, fn, opts);
      }
    } finally {
      removeStoreFiles(tmp);
    }
    syncFolder(dirname(path));
    return result;
  }

  /** Opens an existing store. Cheap: no data is read beyond the header checks. */
  static open(path: string, opts: { write?: boolean; space?: string } = {}): BenchStore {
    const expected = opts.space === undefined ? undefined : searchSpace(opts.space);
    if (!existsSync(path)) throw new StoreError(`benchmark store ${path} does not exist (create one with 'aa-nas import <source> --out ${path}')`);
    let db: Db;
    try {
      db = new Database(path, databaseOptions({ readonly: opts.write !== true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS }));
    } catch (e) {
      throw new StoreError(`${path} cannot be opened as a benchmark store: ${(e as Error).message}`);
    }
    let space: SearchSpace;
    try {
      space = BenchStore.checkHeader(db, path);
    } catch (e) {
      db.close();
      throw e;
    }
    if (expected !== undefined && expected !== space) {
      db.close();
      throw new SpaceMismatchError(path, space.name, expected.name);
    }
    return new BenchStore(db, path, space);
  }

  static openOrCreate(path: string, opts: { space?: string } = {}): BenchStore {
    return existsSync(path) ? BenchStore.open(path, { write: true, space: opts.space }) : BenchStore.create(path, { space: opts.space });
  }

  /** Validates the header of an opened database and returns the space it holds. */
  private static checkHeader(db: Db, path: string): SearchSpace {
    try {
      return BenchStore.readHeader(db, path);
    } catch (e) {
      throw storeErrorOf(e, path);
    }
  }

  private static readHeader(db: Db, path: string): SearchSpace {
    const appId = db.pragma("application_id", { simple: true });
    const version = Number(db.pragma("user_version", { simple: true }));
    if (appId !== APPLICATION_ID) {
      throw new StoreError(`${path} is an SQLite file but not an aa-nas benchmark store (application_id ${String(appId)})`);
    }
    if (version > SCHEMA_VERSION) {
      throw new StoreError(`${path} uses store schema ${version}; this version reads schema ${SCHEMA_VERSION} — upgrade aa-nas-bench`);
    }
    if (version < 1) throw new StoreError(`${path} has no store schema version; it is not a benchmark store`);
    const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as unknown[]).map(String));
    const missing = REQUIRED_TABLES.filter((t) => !tables.has(t));
    if (missing.length > 0) throw new StoreError(`${path} is not an aa-nas store or is damaged: table(s) ${missing.join(", ")} missing`);
    const format = db.prepare("SELECT value FROM meta WHERE key = 'format'").pluck().get();
    if (format !== STORE_FORMAT) throw new StoreError(`${path}: meta.format is '${String(format)}', expected '${STORE_FORMAT}'`);
    // stores written before the size space have no 'space' row: they hold tss
    const name = db.prepare("SELECT value FROM meta WHERE key = 'space'").pluck().get();
    if (name !== undefined && (typeof name !== "string" || !isSpaceName(name))) {
      throw new StoreError(`${path}: meta.space is '${String(name)}', expected 'tss' or 'sss'`);
    }
    return searchSpace(name ?? "tss");
  }

  /** Runs a database operation, turning SQLite's failures (damage, a busy store, a full disk) into one StoreError. */
  private guard<T>(fn: () => T): T {
    if (this.closed) throw new StoreError(`${this.path}: the store is closed`);
    try {
      return fn();
    } catch (e) {
      throw storeErrorOf(e, this.path);
    }
  }

  /**
   * A write transaction. The outermost one starts IMMEDIATE: it takes the write lock first (waiting for other
   * writers), where a deferred one that read first could only fail with SQLITE_BUSY once another process wrote.
   */
  private writeTx<T>(fn: () => T): T {
    return this.guard(() => {
      const tx = this.db.transaction(fn);
      return this.db.inTransaction || this.db.readonly ? tx() : tx.immediate();
    });
  }

  /** Iterates a statement, with every step guarded (corruption can surface on any row). */
  private *guardedIterate<R>(it: IterableIterator<unknown>): IterableIterator<R> {
    try {
      for (;;) {
        const step = this.guard(() => it.next());
        if (step.done === true) return;
        yield step.value as R;
      }
    } finally {
      // a consumer that stops early (an error) must end the statement, or the connection cannot close
      it.return?.();
    }
  }

  private stmt(sql: string): Stmt {
    let s = this.stmts.get(sql);
    if (s === undefined) {
      s = this.guard(() => this.db.prepare(sql));
      this.stmts.set(sql, s);
    }
    return s;
  }

  /** PRAGMA quick_check plus the store's own invariants; throws StoreError describing the first problem. */
  verify(): void {
    this.guard(() => {
      const rows = this.db.pragma("quick_check") as Array<{ quick_check: string }>;
      const bad = rows.map((r) => r.quick_check).filter((m) => m !== "ok");
      if (bad.length > 0) throw new StoreError(`${this.path} failed PRAGMA quick_check: ${bad.slice(0, 3).join("; ")}`);
      const archCount = this.db.prepare("SELECT COUNT(*) FROM archs").pluck().get();
      if (archCount !== this.space.size) throw new StoreError(`${this.path}: arch table has ${String(archCount)} rows, expected ${this.space.size} (the ${this.space.title})`);
      const orphan = this.db.prepare("SELECT COUNT(*) FROM runs WHERE run_id NOT IN (SELECT run_id FROM final)").pluck().get();
      if (orphan !== 0) throw new StoreError(`${this.path}: ${String(orphan)} runs lack their final-table row`);
    });
  }

  putRuns(records: readonly RunRecord[], opts: PutOptions = {}): PutResult {
    const mode = opts.onConflict ?? "error";
    for (const r of records) validateRecord(r, undefined, this.space);
    const result: PutResult = { inserted: 0, unchanged: 0, replaced: 0, skipped: 0 };
    const find = this.stmt("SELECT run_id, content_hash FROM runs WHERE arch_index = ? AND hp = ? AND dataset = ? AND seed = ?");
    const del = this.stmt("DELETE FROM runs WHERE run_id = ?");
    const delFinal = this.stmt("DELETE FROM final WHERE run_id = ?");
    const hpExists = this.stmt("SELECT 1 FROM hps WHERE hp = ?");
    const hpInsert = this.stmt("INSERT INTO hps (hp, ordinal) VALUES (?, (SELECT COUNT(*) FROM hps))");
    const dropRanking = this.stmt("DELETE FROM rankings WHERE hp = ? AND dataset = ?");
    const touched = new Set<string>();
    this.writeTx(() => {
        for (const rec of records) {
          const row = recordToRow(rec);
          const hash = contentHash(row);
          const existing = find.get(rec.archIndex, rec.hp, rec.dataset, rec.seed) as { run_id: number; content_hash: string } | undefined;
          if (existing !== undefined) {
            if (existing.content_hash === hash) {
              result.unchanged++;
              continue;
            }
            if (mode === "skip") {
              result.skipped++;
              continue;
            }
            if (mode === "error") {
              throw new RunConflictError(
                `a different run for (arch ${rec.archIndex}, hp '${rec.hp}', ${rec.dataset}, seed ${rec.seed}) is already stored ` +
                  `(source '${rec.provenance.source}'); pass onConflict 'replace' to overwrite it or 'skip' to keep it`,
              );
            }
            delFinal.run(existing.run_id);
            del.run(existing.run_id);
            result.replaced++;
          } else result.inserted++;
          if (hpExists.get(rec.hp) === undefined) hpInsert.run(rec.hp);
          const full: RunRow = {
            ...row,
            seed_imputed: rec.provenance.seedImputed ? 1 : 0,
            times_estimated: rec.provenance.timesEstimated ? 1 : 0,
            device: rec.provenance.device,
            source: rec.provenance.source,
            content_hash: hash,
          };
          const runId = Number(this.insertRun(full));
          this.insertFinal(finalRow(runId, full));
          const group = `${rec.hp}\u0000${rec.dataset}`;
          if (!touched.has(group)) {
            touched.add(group);
            dropRanking.run(rec.hp, rec.dataset);
          }
        }
    });
    return result;
  }

  private insertRun(row: RunRow): number | bigint {
    const cols = Object.keys(row);
    const s = this.stmt(`INSERT INTO runs (${cols.join(", ")}) VALUES (${cols.map((c) => "@" + c).join(", ")})`);
    return s.run(row).lastInsertRowid;
  }

  private insertFinal(row: RunRow): void {
    const cols = Object.keys(row);
    this.stmt(`INSERT INTO final (${cols.join(", ")}) VALUES (${cols.map((c) => "@" + c).join(", ")})`).run(row);
  }

  meta(): StoreMeta {
    return this.guard(() => {
      const kv = new Map(
        (this.stmt("SELECT key, value FROM meta").all() as Array<{ key: string; value: string }>).map((r) => [r.key, r.value]),
      );
      const pluckAll = (sql: string): string[] => (this.stmt(sql).pluck().all() as unknown[]).map(String);
      return {
        format: kv.get("format") ?? "",
        space: this.space.name,
        schemaVersion: Number(kv.get("schema_version") ?? 0),
        createdAt: kv.get("created_at") ?? null,
        createdBy: kv.get("created_by") ?? null,
        runs: Number(this.stmt("SELECT COUNT(*) FROM runs").pluck().get()),
        archs: Number(this.stmt("SELECT COUNT(DISTINCT arch_index) FROM runs").pluck().get()),
        hps: this.hps(),
        datasets: pluckAll("SELECT DISTINCT dataset FROM runs"),
        sources: pluckAll("SELECT DISTINCT source FROM runs ORDER BY source"),
      };
    });
  }

  /** hp names in order of first import (the original's dict order, e.g. '12' before '200'). */
  hps(): string[] {
    return this.guard(() => (this.stmt("SELECT hp FROM hps ORDER BY ordinal").pluck().all() as unknown[]).map(String));
  }

  /** Indexes of archs with at least one run, ascending (the original's evaluated_indexes). */
  evaluatedIndexes(): number[] {
    return this.guard(() => (this.stmt("SELECT DISTINCT arch_index FROM runs ORDER BY arch_index").pluck().all() as unknown[]).map(Number));
  }

  /** Datasets that hold runs for (arch, hp), in the canonical training order. */
  datasetsOf(archIndex: number, hp: string): RecordDatasetKey[] {
    return this.guard(
      () => (this.stmt("SELECT DISTINCT dataset FROM runs WHERE arch_index = ? AND hp = ?").pluck().all(archIndex, hp) as unknown[]).map(String) as RecordDatasetKey[],
    );
  }

  /** hp names stored for one arch, in hp order. */
  hpsOf(archIndex: number): string[] {
    return this.guard(() =>
      (
        this.stmt("SELECT DISTINCT r.hp FROM runs r JOIN hps h ON h.hp = r.hp WHERE r.arch_index = ? ORDER BY h.ordinal").pluck().all(archIndex) as unknown[]
      ).map(String),
    );
  }

  loadRuns(archIndex: number, hp: string, dataset: string): DecodedRun[] {
    return this.guard(() => {
      const rows = this.stmt("SELECT * FROM runs WHERE arch_index = ? AND hp = ? AND dataset = ? ORDER BY seed").all(archIndex, hp, dataset) as RunRow[];
      return rows.map(rowToDecoded);
    });
  }

  getRecord(archIndex: number, hp: string, dataset: string, seed: number): RunRecord | null {
    return this.guard(() => {
      const row = this.stmt("SELECT * FROM runs WHERE arch_index = ? AND hp = ? AND dataset = ? AND seed = ?").get(archIndex, hp, dataset, seed) as
        | RunRow
        | undefined;
      return row === undefined ? null : rowToRecord(row, this.space);
    });
  }

  /** Every stored record, streamed in (arch, hp, dataset, seed) order. */
  *records(): IterableIterator<RunRecord> {
    const it = this.guard(() => this.stmt("SELECT * FROM runs ORDER BY arch_index, hp, dataset, seed").iterate());
    for (const row of this.guardedIterate<RunRow>(it)) yield rowToRecord(row, this.space);
  }

  /**
   * Every run as the columns a query decodes (DECODE_COLUMNS) plus hp and dataset, streamed in (arch, hp, dataset,
   * seed) order: what a browser export copies into its per-arch chunks.
   */
  *decodeRows(): IterableIterator<StoredRow> {
    const cols = ["hp", "dataset", ...DECODE_COLUMNS].join(", ");
    const it = this.guard(() => this.stmt(`SELECT ${cols} FROM runs ORDER BY arch_index, hp, dataset, seed`).iterate());
    yield* this.guardedIterate<StoredRow>(it);
  }

  /** Last-epoch table rows for (hp, dataset), ordered by arch and seed; all rows when both are omitted. */
  finalRows(hp?: string, dataset?: string): FinalRow[] {
    return this.guard(() => {
      if (hp === undefined || dataset === undefined) {
        return this.stmt("SELECT * FROM final ORDER BY arch_index, hp, dataset, seed").all() as FinalRow[];
      }
      return this.stmt("SELECT * FROM final WHERE hp = ? AND dataset = ? ORDER BY arch_index, seed").all(hp, dataset) as FinalRow[];
    });
  }

  /**
   * Columns of the `final` table for ranking (findBest): rows [arch_index, seed, flops, params, value] ordered by
   * arch and seed, fetched as arrays (no per-row objects) because all 15,625 × seeds rows are read at once.
   */
  rankingRows(hp: string, dataset: string, column: RankingMetric): Array<[number, number, number, number, number | null]> {
    return this.guard(
      () =>
        this.stmt(`SELECT arch_index, seed, flops, params, ${column} FROM final WHERE hp = ? AND dataset = ? ORDER BY arch_index, seed`)
          .raw(true)
          .all(hp, dataset) as Array<[number, number, number, number, number | null]>,
    );
  }

  /**
   * The ranking summary of (hp, dataset, metric): read from the `rankings` table when present (one BLOB), otherwise
   * computed from `final` (and stored when the store is writable). putRuns drops the summaries it makes stale.
   */
  ranking(hp: string, dataset: string, metric: RankingMetric): RankingSummary {
    const stored = this.guard(() => this.stmt("SELECT data FROM rankings WHERE hp = ? AND dataset = ? AND metric = ?").pluck().get(hp, dataset, metric)) as
      | Uint8Array
      | undefined;
    if (stored !== undefined) {
      const r = decodeRanking(stored);
      if (r === null) throw new StoreError(`${this.path}: ranking summary (${hp}, ${dataset}, ${metric}) is corrupt; run refreshRankings or re-import`);
      return r;
    }
    return this.computeAndStoreRanking(hp, dataset, metric);
  }

  /**
   * The best archs of (hp, dataset, metric), best first (see RankingTop), or null where only a full scan answers like
   * the original. Reads a few pages instead of the whole summary.
   */
  rankingTop(hp: string, dataset: string, metric: RankingMetric): RankingTop | null {
    if (this.legacyRankings()) {
      if (this.db.readonly) return null;
      this.upgradeRankings();
    }
    const row = this.guard(() => this.stmt("SELECT top FROM rankings WHERE hp = ? AND dataset = ? AND metric = ?").raw().get(hp, dataset, metric)) as
      | [Uint8Array | null]
      | undefined;
    if (row === undefined) return rankingTop(this.computeAndStoreRanking(hp, dataset, metric));
    if (row[0] === null) return null;
    const t = decodeTop(row[0]);
    if (t === null) throw new StoreError(`${this.path}: ranking summary (${hp}, ${dataset}, ${metric}) is corrupt; run refreshRankings or re-import`);
    return t;
  }

  private computeAndStoreRanking(hp: string, dataset: string, metric: RankingMetric): RankingSummary {
    const r = this.computeRanking(hp, dataset, metric);
    if (!this.db.readonly) this.storeRanking(hp, dataset, metric, r);
    return r;
  }

  private storeRanking(hp: string, dataset: string, metric: RankingMetric, r: RankingSummary): void {
    this.upgradeRankings();
    const top = rankingTop(r);
    this.guard(() =>
      this.stmt("INSERT OR REPLACE INTO rankings (hp, dataset, metric, archs, top, data) VALUES (?, ?, ?, ?, ?, ?)").run(
        hp,
        dataset,
        metric,
        r.index.length,
        top === null ? null : encodeTop(top),
        encodeRanking(r),
      ),
    );
  }

  private computeRanking(hp: string, dataset: string, metric: RankingMetric): RankingSummary {
    const rows = this.rankingRows(hp, dataset, metric);
    let n = 0;
    for (let i = 0; i < rows.length; i++) if (i === 0 || rows[i]![0] !== rows[i - 1]![0]) n++;
    const out: RankingSummary = { index: new Int32Array(n), flops: new Float64Array(n), params: new Float64Array(n), value: new Float64Array(n), flags: new Uint8Array(n) };
    let g = 0;
    for (let start = 0; start < rows.length; g++) {
      let end = start + 1;
      while (end < rows.length && rows[end]![0] === rows[start]![0]) end++;
      const trials = rows.slice(start, end).map(([, seed, flops, params, value]) => ({ seed, flops, params, value }));
      out.index[g] = rows[start]![0];
      try {
        out.flops[g] = pyMean(legacyFix(trials, (t) => t.flops));
        out.params[g] = pyMean(legacyFix(trials, (t) => t.params));
      } catch {
        out.flags[g]! |= RANKING_COSTS_UNDEFINED;
      }
      if (trials.some((t) => t.value === null)) out.flags[g]! |= RANKING_VALUE_MISSING;
      else out.value[g] = pyMean(trials.map((t) => t.value!));
      start = end;
    }
    return out;
  }

  /** (Re)computes every ranking summary (importers call this when done, so queries never scan `final`). */
  refreshRankings(): number {
    const groups = this.guard(() => this.stmt("SELECT DISTINCT hp, dataset FROM final").all()) as Array<{ hp: string; dataset: string }>;
    this.transaction(() => {
      for (const { hp, dataset } of groups) for (const m of RANKING_METRICS) this.storeRanking(hp, dataset, m, this.computeRanking(hp, dataset, m));
    });
    return groups.length * RANKING_METRICS.length;
  }

  /** Written by a version before `top` (a WITHOUT ROWID table): readable, but without the top and slow to look up. */
  private legacyRankings(): boolean {
    if (this.legacyRankingsLayout === undefined) {
      const columns = this.guard(() => this.db.pragma("table_info(rankings)")) as Array<{ name: string }>;
      this.legacyRankingsLayout = !columns.some((c) => c.name === "top");
    }
    return this.legacyRankingsLayout;
  }

  /** rankings is a derived cache, so an older layout is dropped and recreated rather than migrated. */
  private upgradeRankings(): void {
    if (!this.legacyRankings()) return;
    this.guard(() => this.db.exec(`DROP TABLE rankings; ${RANKINGS_SQL}`));
    this.legacyRankingsLayout = false;
  }

  /**
   * Every `final` row, checked: the table must have one row per run, and each row plausible values (checkFinalRow), so
   * an export never passes on a damaged or edited table as data.
   */
  *iterateFinal(): IterableIterator<FinalRow> {
    const [runs, finals] = this.guard(() => [this.stmt("SELECT COUNT(*) FROM runs").pluck().get(), this.stmt("SELECT COUNT(*) FROM final").pluck().get()]);
    if (runs !== finals) throw new StoreError(`${this.path} is damaged: the final table has ${String(finals)} rows for ${String(runs)} runs; re-create it with 'aa-nas import'`);
    const it = this.guard(() => this.stmt("SELECT * FROM final ORDER BY arch_index, hp, dataset, seed").iterate());
    for (const row of this.guardedIterate<FinalRow>(it)) {
      checkFinalRow(row, this.path, this.space.size);
      yield row;
    }
  }

  /** Number of trials per (arch, dataset) for an hp: rows of (arch_index, dataset, trials). */
  trialCounts(hp: string): Array<{ arch_index: number; dataset: string; trials: number }> {
    return this.guard(
      () =>
        this.stmt("SELECT arch_index, dataset, COUNT(*) AS trials FROM runs WHERE hp = ? GROUP BY arch_index, dataset").all(hp) as Array<{
          arch_index: number;
          dataset: string;
          trials: number;
        }>,
    );
  }

  markImported(source: string, archIndexes: readonly number[]): void {
    const s = this.stmt("INSERT OR REPLACE INTO imports (source, arch_index, completed_at) VALUES (?, ?, ?)");
    const now = new Date().toISOString();
    this.writeTx(() => archIndexes.forEach((i) => s.run(source, i, now)));
  }

  importedArchs(source: string): Set<number> {
    return this.guard(() => new Set((this.stmt("SELECT arch_index FROM imports WHERE source = ?").pluck().all(source) as unknown[]).map(Number)));
  }

  private hasZeroCostTables(): boolean {
    return this.guard(() => this.stmt("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'zero_cost'").pluck().get()) === 1;
  }

  /**
   * Stores zero-cost scores, replacing any earlier score of the same (arch, dataset, seed, proxy). Creates the tables
   * in a store made before they existed.
   */
  putZeroCost(scores: readonly ZeroCostScore[]): void {
    if (scores.length === 0) return;
    this.writeTx(() => {
      if (!this.hasZeroCostTables()) this.db.exec(ZERO_COST_SQL);
      const findBatch = this.stmt("SELECT batch_id FROM zero_cost_batches WHERE description = ?").pluck();
      const addBatch = this.stmt("INSERT INTO zero_cost_batches (description) VALUES (?)");
      const put = this.stmt(
        "INSERT OR REPLACE INTO zero_cost (arch_index, dataset, seed, proxy, score, version, batch_id, seconds, device, computed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      );
      const ids = new Map<string, number>();
      for (const z of scores) {
        if (!Number.isInteger(z.archIndex) || z.archIndex < 0 || z.archIndex >= this.space.size) throw new StoreError(`zero-cost score for arch ${z.archIndex}: valid indexes are 0..${this.space.size - 1}`);
        if (!isProxyName(z.proxy)) throw new StoreError(`zero-cost score of unknown proxy '${String(z.proxy)}'`);
        const description = JSON.stringify(z.batch);
        let id = ids.get(description) ?? (findBatch.get(description) as number | undefined);
        if (id === undefined) id = Number(addBatch.run(description).lastInsertRowid);
        ids.set(description, id);
        put.run(z.archIndex, z.dataset, z.seed, z.proxy, Number.isNaN(z.score) ? null : z.score, z.version, id, z.seconds, z.device, z.computedAt);
      }
    });
  }

  /** Stored zero-cost scores matching the filter, ordered by arch, dataset, seed and proxy (none in an older store). */
  zeroCostScores(f: ZeroCostFilter = {}): ZeroCostScore[] {
    if (!this.hasZeroCostTables()) return [];
    const conditions: [string, string | number | undefined][] = [
      ["z.proxy = ?", f.proxy],
      ["z.dataset = ?", f.dataset],
      ["z.seed = ?", f.seed],
      ["z.arch_index = ?", f.archIndex],
    ];
    const used = conditions.filter((c): c is [string, string | number] => c[1] !== undefined);
    const where = used.map(([sql]) => sql);
    const args = used.map(([, value]) => value);
    const sql =
      "SELECT z.arch_index, z.dataset, z.seed, z.proxy, z.score, z.version, b.description, z.seconds, z.device, z.computed_at " +
      "FROM zero_cost z JOIN zero_cost_batches b USING (batch_id)" +
      (where.length > 0 ? ` WHERE ${where.join(" AND ")}` : "") +
      " ORDER BY z.arch_index, z.dataset, z.seed, z.proxy";
    const rows = this.guard(() => this.stmt(sql).raw(true).all(...args)) as Array<[number, string, number, string, number | null, number, string, number, string, string]>;
    const batches = new Map<string, ZeroCostBatch>();
    const out: ZeroCostScore[] = [];
    for (const [archIndex, dataset, seed, proxy, score, version, description, seconds, device, computedAt] of rows) {
      if (f.archIndexes !== undefined && !f.archIndexes.has(archIndex)) continue;
      if (!isProxyName(proxy)) throw new StoreError(`${this.path}: zero_cost holds an unknown proxy '${proxy}'`);
      let batch = batches.get(description);
      if (batch === undefined) {
        batch = JSON.parse(description) as ZeroCostBatch;
        batches.set(description, batch);
      }
      out.push({ archIndex, dataset, seed, proxy, score: score ?? NaN, version, batch, seconds, device, computedAt });
    }
    return out;
  }

  /** Runs several store operations in one transaction (importers batch archs this way). */
  transaction<T>(fn: () => T): T {
    return this.writeTx(fn);
  }

  close(): void {
    if (!this.closed) {
      this.closed = true;
      this.db.close();
    }
  }
}

// NasBench.open(path) opens stores through this (source.ts), so that api.ts need not import this Node-only module.
registerStoreOpener((path) => BenchStore.open(path));

const FINAL_ACCURACIES = ["train_acc", "xvalid_acc", "xtest_acc", "oritest_acc"] as const;
const FINAL_NONNEGATIVE = ["latency", "train_loss", "xvalid_loss", "xtest_loss", "oritest_loss", "train_time_total"] as const;

/** The `final` row's values must be what validateRecord admits; anything else means the table was damaged or edited. */
function checkFinalRow(row: FinalRow, path: string, archs: number): void {
  const bad = (col: string, v: unknown, valid: string): never => {
    throw new StoreError(
      `${path} is damaged: final row (arch ${String(row.arch_index)}, hp '${String(row.hp)}', ${String(row.dataset)}, seed ${String(row.seed)}) ` +
        `has ${col} = ${typeof v === "string" ? `'${v}'` : String(v)}, expected ${valid}; re-create it with 'aa-nas import'`,
    );
  };
  const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
  if (!Number.isInteger(row.arch_index) || row.arch_index < 0 || row.arch_index >= archs) bad("arch_index", row.arch_index, `an arch index 0..${archs - 1}`);
  if (typeof row.hp !== "string" || typeof row.dataset !== "string") bad("hp/dataset", `${String(row.hp)}/${String(row.dataset)}`, "names");
  if (!Number.isSafeInteger(row.seed)) bad("seed", row.seed, "an integer");
  if (!Number.isInteger(row.epochs) || row.epochs <= 0) bad("epochs", row.epochs, "a positive integer");
  for (const c of ["params", "flops"] as const) if (!isNum(row[c]) || row[c] <= 0) bad(c, row[c], "a finite number > 0");
  for (const c of FINAL_ACCURACIES) {
    const v = row[c];
    if (v !== null && (!isNum(v) || v < 0 || v > 100)) bad(c, v, "null or an accuracy in [0, 100]");
  }
  for (const c of FINAL_NONNEGATIVE) {
    const v = row[c];
    if (v !== null && (!isNum(v) || v < 0)) bad(c, v, "null or a finite number ≥ 0");
  }
}
