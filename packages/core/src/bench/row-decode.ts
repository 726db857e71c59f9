/**
 * A stored `runs` row → DecodedRun: the one decoder behind every query, in Node (rows from SQLite) and in the browser
 * (rows from an export's arch chunk). Only DataView/typed arrays here, no Node modules or Buffer.
 */
import { EVAL_SETS, type EvalSet } from "../registry/index.js";
import { decodeEpochs, decodeFloatList, decodeFloats } from "./codec.js";
import { StoreError } from "./errors.js";
import { EVAL_COLUMN } from "./schema.js";
import { type DecodedEval, type DecodedRun, prefixSums } from "./semantics.js";

/** Column values of one stored run, as far as decoding needs them (BLOBs as bytes; a Node Buffer is one). */
export type StoredRow = Record<string, string | number | Uint8Array | null>;

/** The `runs` columns rowToDecoded reads: what a browser export copies per run, and nothing else. */
export const DECODE_COLUMNS = [
  "arch_index",
  "seed",
  "epochs",
  "trained_epochs",
  "params",
  "flops",
  "latency",
  "channel",
  "num_cells",
  "class_num",
  "train_loss",
  "train_acc1",
  "train_acc5",
  "train_time",
  "eval_order",
  ...EVAL_SETS.flatMap((s) => ["epochs", "loss", "acc", "time", "time_dense"].map((k) => `${EVAL_COLUMN[s]}_${k}`)),
] as const;

function corrupt(row: StoredRow, what: string): never {
  throw new StoreError(`store row for arch ${String(row.arch_index)} seed ${String(row.seed)} is corrupt: ${what}; run 'PRAGMA quick_check' or re-import`);
}

function floats(row: StoredRow, col: string, n: number): Float64Array {
  const b = row[col];
  if (!(b instanceof Uint8Array)) corrupt(row, `${col} is missing`);
  return decodeFloats(b, n) ?? corrupt(row, `${col} has ${b.length} bytes, expected ${n} float64 values`);
}

/** A curve column that may hold the zero-length "not recorded" BLOB (docs/format.md): null then. */
function recorded(row: StoredRow, col: string, n: number): Float64Array | null {
  const b = row[col];
  if (b instanceof Uint8Array && b.length === 0 && n > 0) return null;
  return floats(row, col, n);
}

function optFloats(row: StoredRow, col: string, n: number): Float64Array | null {
  return row[col] === null ? null : floats(row, col, n);
}

function decodeEval(row: StoredRow, set: EvalSet, trained: number, epochsTotal: number): DecodedEval | undefined {
  const c = EVAL_COLUMN[set];
  const eb = row[`${c}_epochs`];
  if (eb === null) return undefined;
  if (!(eb instanceof Uint8Array)) corrupt(row, `${c}_epochs is not a BLOB`);
  const epochs = decodeEpochs(eb);
  if (epochs === undefined) corrupt(row, `${c}_epochs has ${eb.length} bytes`);
  const m = epochs === null ? trained : epochs.length;
  const loss = recorded(row, `${c}_loss`, m);
  const acc = recorded(row, `${c}_acc`, m);
  const timeDense = row[`${c}_time_dense`] === 1;
  const time = optFloats(row, `${c}_time`, timeDense ? epochsTotal : m);
  let timePrefix: Float64Array | null = null;
  if (time !== null && (timeDense || epochs === null)) timePrefix = prefixSums(time);
  else if (time !== null && epochs !== null && epochs.every((e, i) => e === i)) timePrefix = prefixSums(time);
  return { epochs, length: m, loss, acc, time, timeDense, timePrefix };
}

export function rowToDecoded(row: StoredRow): DecodedRun {
  const epochs = Number(row.epochs);
  const trained = Number(row.trained_epochs);
  const trainTime = optFloats(row, "train_time", trained);
  const latencyBlob = row.latency;
  const latency = latencyBlob instanceof Uint8Array ? (decodeFloatList(latencyBlob) ?? corrupt(row, "latency BLOB")) : null;
  const evalOrder = String(row.eval_order ?? "")
    .split(",")
    .filter((s) => s.length > 0) as EvalSet[];
  const evals: Partial<Record<EvalSet, DecodedEval>> = {};
  let hasEvalTimes = false;
  for (const set of evalOrder) {
    if (!(EVAL_SETS as readonly string[]).includes(set)) corrupt(row, `unknown eval set '${set}'`);
    const ev = decodeEval(row, set, trained, epochs);
    if (ev === undefined) corrupt(row, `eval set ${set} listed but absent`);
    evals[set] = ev;
    if (ev.time !== null) hasEvalTimes = true;
  }
  return {
    seed: Number(row.seed),
    epochs,
    params: Number(row.params),
    flops: Number(row.flops),
    latency,
    channel: Number(row.channel),
    numCells: Number(row.num_cells),
    classNum: Number(row.class_num),
    trainedEpochs: trained,
    trainLoss: recorded(row, "train_loss", trained),
    trainAcc1: recorded(row, "train_acc1", trained),
    trainAcc5: optFloats(row, "train_acc5", trained),
    trainTime,
    trainTimePrefix: trainTime === null ? null : prefixSums(trainTime),
    evalOrder,
    evals,
    hasEvalTimes,
  };
}
