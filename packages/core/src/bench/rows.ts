/** RunRecord ⇄ `runs` row, and row → DecodedRun for queries. Validation of incoming records lives here too. */
import type * as Crypto from "node:crypto";
import { createRequire } from "node:module";
import { searchSpace, type SearchSpace } from "../space/index.js";
import { encodeEpochs, encodeFloats } from "./codec.js";
import { InvalidRecordError } from "./errors.js";
import { RECORD_DATASET_KEYS, trainedEpochs, type DatasetKey, EVAL_SETS, type EvalCurve, type EvalSet, type RunRecord } from "../registry/index.js";
import { EVAL_COLUMN } from "./schema.js";
import { rowToDecoded } from "./row-decode.js";
import { absentMetrics, evalAt, runLatency, trainAt } from "./semantics.js";

export { rowToDecoded };

/** Column values of one `runs` row (names as in the schema). */
export type RunRow = Record<string, string | number | Buffer | null>;

function fail(rec: RunRecord, msg: string, where?: string): never {
  const run = `run (arch ${rec.archIndex}, hp '${rec.hp}', ${rec.dataset}, seed ${rec.seed})`;
  throw new InvalidRecordError(`${where !== undefined ? `${where}: ` : ""}${run}: ${msg}`);
}

/** The bounds every stored value must satisfy: what a percentage, a loss, a duration and a cost can be at all. */
const VALUE_BOUNDS = {
  accuracy: { min: 0, max: 100, text: "an accuracy in [0, 100] %" },
  loss: { min: 0, max: Infinity, text: "a finite loss ≥ 0" },
  time: { min: 0, max: Infinity, text: "a finite time ≥ 0 s" },
} as const;

function showValue(v: unknown): string {
  return typeof v === "number" ? String(v) : v === null ? "null" : `a ${typeof v}`;
}

function checkValues(rec: RunRecord, field: string, values: readonly number[] | null, kind: keyof typeof VALUE_BOUNDS, where?: string): void {
  if (values === null) return;
  const b = VALUE_BOUNDS[kind];
  for (let i = 0; i < values.length; i++) {
    const v: unknown = values[i];
    if (typeof v !== "number" || !Number.isFinite(v) || v < b.min || v > b.max) {
      fail(rec, `${field}[${i}] is ${showValue(v)}, expected ${b.text}${Number.isNaN(v) ? " (a metric the source did not record is null, not NaN)" : ""}`, where);
    }
  }
}

function checkPositive(rec: RunRecord, field: string, v: unknown, integer: boolean, where?: string): void {
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
    fail(rec, `${field} is ${showValue(v)}, expected a ${integer ? "positive integer" : "finite number > 0"}`, where);
  }
}

/**
 * Every check a run passes before it is stored, imported or merged: identity, curve shapes, and the range of every
 * value (a byte flip in a pickled float can still unpickle, as 14101.5 % or −4.5e67 s). `where` (the file) leads the
 * error message; the InvalidRecordError names the run, the field, the bad value and what is valid. The arch index and
 * string are checked in `space` (the store's; tss when not given).
 */
export function validateRecord(rec: RunRecord, where?: string, space: SearchSpace = searchSpace("tss")): void {
  validateShape(rec, space, where);
  checkPositive(rec, "params", rec.params, false, where);
  checkPositive(rec, "flops", rec.flops, false, where);
  checkPositive(rec, "config.channel", rec.config?.channel, true, where);
  checkPositive(rec, "config.numCells", rec.config?.numCells, true, where);
  checkPositive(rec, "config.classNum", rec.config?.classNum, true, where);
  checkValues(rec, "latency", rec.latency, "time", where);
  checkValues(rec, "train.loss", rec.train.loss, "loss", where);
  checkValues(rec, "train.acc1", rec.train.acc1, "accuracy", where);
  checkValues(rec, "train.acc5", rec.train.acc5, "accuracy", where);
  checkValues(rec, "train.time", rec.train.time, "time", where);
  for (const [set, ev] of Object.entries(rec.evals) as [EvalSet, EvalCurve | undefined][]) {
    if (ev === undefined) continue;
    checkValues(rec, `${set}.loss`, ev.loss, "loss", where);
    checkValues(rec, `${set}.acc`, ev.acc, "accuracy", where);
    checkValues(rec, `${set}.time`, ev.time, "time", where);
    checkValues(rec, `${set}.timeAllEpochs`, ev.timeAllEpochs ?? null, "time", where);
  }
}

function validateShape(rec: RunRecord, space: SearchSpace, where?: string): void {
  const fail2 = (r: RunRecord, msg: string): never => fail(r, msg, where);
  if (!Number.isInteger(rec.archIndex) || rec.archIndex < 0 || rec.archIndex >= space.size) fail2(rec, `arch index out of 0..${space.size - 1} (the ${space.title})`);
  const arch = space.archAt(rec.archIndex);
  if (arch !== rec.arch) fail2(rec, `arch string '${rec.arch}' is not arch ${rec.archIndex} of the ${space.title} ('${arch}')`);
  if (typeof rec.hp !== "string" || rec.hp.length === 0 || rec.hp.length > 64) fail2(rec, "hp must be a non-empty name");
  if (!(RECORD_DATASET_KEYS as readonly string[]).includes(rec.dataset)) fail2(rec, `unknown dataset; valid: ${RECORD_DATASET_KEYS.join(", ")}`);
  if (!Number.isSafeInteger(rec.seed)) fail2(rec, "seed must be an integer");
  if (!Number.isInteger(rec.epochs) || rec.epochs <= 0) fail2(rec, "epochs must be a positive integer");
  const n = trainedEpochs(rec.train);
  if (n > rec.epochs) fail2(rec, `train curve has ${n} epochs, more than the schedule's ${rec.epochs}`);
  for (const k of ["loss", "acc1", "acc5", "time"] as const) {
    const c = rec.train[k];
    if (c !== null && c.length !== n) fail2(rec, `train ${k} has ${c.length} epochs, the other train curves ${n}`);
  }
  if (rec.latency !== null && rec.latency.length === 0) fail2(rec, "latency list is empty (use null when not measured)");
  for (const [set, ev] of Object.entries(rec.evals) as [EvalSet, EvalCurve | undefined][]) {
    if (!(EVAL_SETS as readonly string[]).includes(set)) fail2(rec, `unknown eval set '${set}'`);
    if (ev === undefined) continue;
    const m = ev.epochs.length;
    if ((ev.loss !== null && ev.loss.length !== m) || (ev.acc !== null && ev.acc.length !== m)) fail2(rec, `${set}: epochs, loss and acc lengths differ`);
    for (let i = 0; i < m; i++) {
      const e = ev.epochs[i]!;
      if (!Number.isInteger(e) || e < 0 || e >= rec.epochs || (i > 0 && e <= ev.epochs[i - 1]!)) {
        fail2(rec, `${set}: epochs must be ascending integers in 0..${rec.epochs - 1}`);
      }
    }
    if (ev.time !== null && ev.time.length !== m) fail2(rec, `${set}: time and epochs lengths differ`);
    const all = ev.timeAllEpochs ?? null;
    if (all !== null) {
      if (all.length !== rec.epochs) fail2(rec, `${set}: timeAllEpochs must hold one time per epoch (${rec.epochs})`);
      if (ev.time !== null && ev.time.some((t, i) => !Object.is(t, all[ev.epochs[i]!]))) {
        fail2(rec, `${set}: time disagrees with timeAllEpochs`);
      }
    }
  }
}

function isDense(epochs: readonly number[], n: number): boolean {
  if (epochs.length !== n) return false;
  for (let i = 0; i < n; i++) if (epochs[i] !== i) return false;
  return true;
}

/** A metric the source did not record (a loss in a store built from all-arch accuracy tables): no values, not NaN. */
const ABSENT_CURVE = Buffer.alloc(0);

/** A curve column that the schema requires: a metric the source did not record is the zero-length ABSENT_CURVE. */
function curve(values: readonly number[] | null): Buffer {
  return values === null ? ABSENT_CURVE : encodeFloats(values);
}

/** Encodes a validated record as a `runs` row (without run_id / content_hash / provenance). */
export function recordToRow(rec: RunRecord): RunRow {
  const trained = trainedEpochs(rec.train);
  const row: RunRow = {
    arch_index: rec.archIndex,
    hp: rec.hp,
    dataset: rec.dataset,
    seed: rec.seed,
    epochs: rec.epochs,
    trained_epochs: trained,
    params: rec.params,
    flops: rec.flops,
    latency: rec.latency === null ? null : encodeFloats(rec.latency, false),
    channel: rec.config.channel,
    num_cells: rec.config.numCells,
    class_num: rec.config.classNum,
    train_loss: curve(rec.train.loss),
    train_acc1: curve(rec.train.acc1),
    train_acc5: rec.train.acc5 === null ? null : encodeFloats(rec.train.acc5),
    train_time: rec.train.time === null ? null : encodeFloats(rec.train.time),
    eval_order: (Object.keys(rec.evals) as EvalSet[]).filter((s) => rec.evals[s] !== undefined).join(","),
  };
  for (const set of EVAL_SETS) {
    const c = EVAL_COLUMN[set];
    const ev = rec.evals[set];
    if (ev === undefined) {
      for (const k of ["epochs", "loss", "acc", "time", "time_dense"]) row[`${c}_${k}`] = null;
      continue;
    }
    const all = ev.timeAllEpochs ?? null;
    row[`${c}_epochs`] = encodeEpochs(ev.epochs, isDense(ev.epochs, trained));
    row[`${c}_loss`] = curve(ev.loss);
    row[`${c}_acc`] = curve(ev.acc);
    row[`${c}_time`] = all !== null ? encodeFloats(all) : ev.time !== null ? encodeFloats(ev.time) : null;
    row[`${c}_time_dense`] = all !== null ? 1 : 0;
  }
  return row;
}

let cryptoModule: typeof Crypto | undefined;

/** node:crypto, loaded on the write path rather than at start-up: a read-only query never hashes (~8 ms, issue #19). */
function crypto(): typeof Crypto {
  cryptoModule ??= createRequire(import.meta.url)("node:crypto") as typeof Crypto;
  return cryptoModule;
}

/** Hash of the measured content (not the provenance): equal hashes = the same run. */
export function contentHash(row: RunRow): string {
  const h = crypto().createHash("sha256");
  for (const [k, v] of Object.entries(row)) {
    h.update(k);
    h.update("\0");
    if (v === null) h.update("\u0001null");
    else if (Buffer.isBuffer(v)) h.update(v);
    else h.update(typeof v === "number" ? numberKey(v) : String(v));
    h.update("\0");
  }
  return h.digest("hex");
}

function numberKey(v: number): string {
  const b = Buffer.allocUnsafe(8);
  b.writeDoubleLE(v, 0);
  return b.toString("hex");
}

/** Full RunRecord from a row (for export, merging and round-trip checks). */
export function rowToRecord(row: RunRow, space: SearchSpace): RunRecord {
  const d = rowToDecoded(row);
  const evals: RunRecord["evals"] = {};
  for (const set of d.evalOrder) {
    const ev = d.evals[set]!;
    const epochs = ev.epochs === null ? Array.from({ length: d.trainedEpochs }, (_, i) => i) : Array.from(ev.epochs);
    const dense = ev.time !== null && ev.timeDense;
    evals[set] = {
      epochs,
      loss: ev.loss === null ? null : Array.from(ev.loss),
      acc: ev.acc === null ? null : Array.from(ev.acc),
      time: ev.time === null ? null : dense ? epochs.map((e) => ev.time![e]!) : Array.from(ev.time),
      timeAllEpochs: dense ? Array.from(ev.time!) : null,
    };
  }
  return {
    archIndex: Number(row.arch_index),
    arch: space.archAt(Number(row.arch_index)),
    hp: String(row.hp),
    dataset: String(row.dataset) as DatasetKey,
    seed: d.seed,
    epochs: d.epochs,
    params: d.params,
    flops: d.flops,
    latency: d.latency === null ? null : Array.from(d.latency),
    config: { channel: d.channel, numCells: d.numCells, classNum: d.classNum },
    train: {
      loss: d.trainLoss === null ? null : Array.from(d.trainLoss),
      acc1: d.trainAcc1 === null ? null : Array.from(d.trainAcc1),
      acc5: d.trainAcc5 === null ? null : Array.from(d.trainAcc5),
      time: d.trainTime === null ? null : Array.from(d.trainTime),
    },
    evals,
    provenance: {
      seedImputed: row.seed_imputed === 1,
      timesEstimated: row.times_estimated === 1,
      device: row.device === null ? null : String(row.device),
      source: String(row.source),
    },
  };
}

/** Values of the `final` table: what the original's queries return at the last epoch (null where they raise). */
export function finalRow(runId: number, row: RunRow): RunRow {
  const d = rowToDecoded(row);
  const at = (set: "train" | EvalSet): { loss: number | null; acc: number | null } => {
    let m;
    try {
      m = set === "train" ? trainAt(d, undefined) : evalAt(d, set, undefined);
    } catch {
      return { loss: null, acc: null };
    }
    // a value this store does not hold (absentMetrics) is NULL here, independently of its companion
    const absent = absentMetrics(m);
    return { loss: absent.includes("loss") ? null : m.loss, acc: absent.includes("accuracy") ? null : m.accuracy };
  };
  const train = at("train");
  const xv = at("x-valid");
  const xt = at("x-test");
  const ot = at("ori-test");
  const lat = runLatency(d);
  return {
    run_id: runId,
    arch_index: row.arch_index!,
    hp: row.hp!,
    dataset: row.dataset!,
    seed: row.seed!,
    epochs: row.epochs!,
    params: row.params!,
    flops: row.flops!,
    latency: lat > 0 ? lat : null,
    train_loss: train.loss,
    train_acc: train.acc,
    xvalid_loss: xv.loss,
    xvalid_acc: xv.acc,
    xtest_loss: xt.loss,
    xtest_acc: xt.acc,
    oritest_loss: ot.loss,
    oritest_acc: ot.acc,
    train_time_total: d.trainTimePrefix === null || d.trainTimePrefix.length === 0 ? null : d.trainTimePrefix[d.trainTimePrefix.length - 1]!,
  };
}
