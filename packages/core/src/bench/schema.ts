/** SQLite schema of the benchmark store, version 1. docs/format.md documents every column for non-TS readers. */

export const STORE_FORMAT = "aa-nas-bench-store";
export const SCHEMA_VERSION = 1;
/** PRAGMA application_id: 'AANB' — lets `file(1)`-style checks and our opener reject foreign SQLite files fast. */
export const APPLICATION_ID = 0x41414e42;

/** Eval-set column prefixes (SQL identifiers cannot hold '-'). Order = EVAL_SETS. */
export const EVAL_COLUMN: Readonly<Record<"x-valid" | "x-test" | "ori-test", string>> = {
  "x-valid": "xvalid",
  "x-test": "xtest",
  "ori-test": "oritest",
};

function evalColumns(prefix: string): string {
  return `
  ${prefix}_epochs BLOB,
  ${prefix}_loss BLOB,
  ${prefix}_acc BLOB,
  ${prefix}_time BLOB,
  ${prefix}_time_dense INTEGER`;
}

/**
 * A rowid table on purpose: in a WITHOUT ROWID table the 450 KB BLOB would sit in the primary-key b-tree, and SQLite's
 * index search loads a cell's whole overflowing payload to compare keys, so one lookup read ~5 BLOBs (2.2 MB).
 * `top` precedes `data` so that reading it stops before data's overflow pages. Stores written before this layout have
 * no `top` and a WITHOUT ROWID table; `refreshRankings()` recreates it.
 */
export const RANKINGS_SQL = `CREATE TABLE rankings (
  hp TEXT NOT NULL,
  dataset TEXT NOT NULL,
  metric TEXT NOT NULL,
  archs INTEGER NOT NULL,
  top BLOB,
  data BLOB NOT NULL,
  UNIQUE (hp, dataset, metric)
);`;

/**
 * Zero-cost proxy scores (docs/zero-cost.md): one row per (arch, batch dataset, init seed, proxy). `score` NULL is a
 * NaN score (SQLite has no NaN); ±Infinity are stored as such. The batch a score was computed on is a row of
 * `zero_cost_batches` (its JSON description, shared by all archs scored on it). Created on first write in stores made
 * before these tables existed; readers treat a missing table as "no scores".
 */
export const ZERO_COST_SQL = `CREATE TABLE IF NOT EXISTS zero_cost_batches (
  batch_id INTEGER PRIMARY KEY,
  description TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS zero_cost (
  arch_index INTEGER NOT NULL,
  dataset TEXT NOT NULL,
  seed INTEGER NOT NULL,
  proxy TEXT NOT NULL,
  score REAL,
  version INTEGER NOT NULL,
  batch_id INTEGER NOT NULL REFERENCES zero_cost_batches(batch_id),
  seconds REAL NOT NULL,
  device TEXT NOT NULL,
  computed_at TEXT NOT NULL,
  PRIMARY KEY (arch_index, dataset, seed, proxy)
) WITHOUT ROWID;`;

export const SCHEMA_SQL = `
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE archs (
  arch_index INTEGER PRIMARY KEY,
  arch TEXT NOT NULL UNIQUE
);
CREATE TABLE hps (
  hp TEXT PRIMARY KEY,
  ordinal INTEGER NOT NULL UNIQUE
);
CREATE TABLE runs (
  run_id INTEGER PRIMARY KEY,
  arch_index INTEGER NOT NULL REFERENCES archs(arch_index),
  hp TEXT NOT NULL REFERENCES hps(hp),
  dataset TEXT NOT NULL,
  seed INTEGER NOT NULL,
  epochs INTEGER NOT NULL,
  trained_epochs INTEGER NOT NULL,
  params REAL NOT NULL,
  flops REAL NOT NULL,
  latency BLOB,
  channel INTEGER NOT NULL,
  num_cells INTEGER NOT NULL,
  class_num INTEGER NOT NULL,
  train_loss BLOB NOT NULL,
  train_acc1 BLOB NOT NULL,
  train_acc5 BLOB,
  train_time BLOB,
  eval_order TEXT NOT NULL,${evalColumns("xvalid")},${evalColumns("xtest")},${evalColumns("oritest")},
  seed_imputed INTEGER NOT NULL,
  times_estimated INTEGER NOT NULL,
  device TEXT,
  source TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  UNIQUE (arch_index, hp, dataset, seed)
);
CREATE TABLE final (
  run_id INTEGER PRIMARY KEY REFERENCES runs(run_id) ON DELETE CASCADE,
  arch_index INTEGER NOT NULL,
  hp TEXT NOT NULL,
  dataset TEXT NOT NULL,
  seed INTEGER NOT NULL,
  epochs INTEGER NOT NULL,
  params REAL NOT NULL,
  flops REAL NOT NULL,
  latency REAL,
  train_loss REAL,
  train_acc REAL,
  xvalid_loss REAL,
  xvalid_acc REAL,
  xtest_loss REAL,
  xtest_acc REAL,
  oritest_loss REAL,
  oritest_acc REAL,
  train_time_total REAL
);
CREATE INDEX final_by_query ON final (hp, dataset, arch_index, seed, flops, params, train_acc, xvalid_acc, xtest_acc, oritest_acc);
${RANKINGS_SQL}
CREATE TABLE imports (
  source TEXT NOT NULL,
  arch_index INTEGER NOT NULL,
  completed_at TEXT NOT NULL,
  PRIMARY KEY (source, arch_index)
) WITHOUT ROWID;
${ZERO_COST_SQL}
`;
