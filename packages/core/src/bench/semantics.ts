/**
 * The metric semantics of NATS-Bench v1.8 (`ResultsCount` / `ArchResults`, spec §6.5), on decoded runs. Every sum is
 * Python's sequential `sum()` (left to right from 0) and every mean is `sum / len`, in seed order, so results are
 * bit-exact with the original. Where the original raises (missing epoch, missing set) this raises
 * MetricUnavailableError.
 */
import type { EvalSet } from "../registry/index.js";
import { MetricNotInStoreError, MetricUnavailableError } from "./errors.js";

export interface DecodedEval {
  /** epochs with loss/accuracy; null = every epoch 0..trainedEpochs-1 */
  epochs: Int32Array | null;
  /** values per listed epoch (the length of `epochs`, or trainedEpochs when dense) */
  length: number;
  /** null: the source did not record this metric (not in this store) */
  loss: Float64Array | null;
  acc: Float64Array | null;
  /** eval time per epoch: dense (index = epoch) or aligned with `epochs`; null when the set has no times */
  time: Float64Array | null;
  timeDense: boolean;
  /** sequential prefix sums of `time` (dense layout, or aligned layout starting at epoch 0 without gaps) */
  timePrefix: Float64Array | null;
}

export interface DecodedRun {
  seed: number;
  epochs: number;
  params: number;
  flops: number;
  latency: Float64Array | null;
  channel: number;
  numCells: number;
  classNum: number;
  /** epochs of the training curves */
  trainedEpochs: number;
  /** null: the source did not record this metric (not in this store) */
  trainLoss: Float64Array | null;
  trainAcc1: Float64Array | null;
  trainAcc5: Float64Array | null;
  trainTime: Float64Array | null;
  trainTimePrefix: Float64Array | null;
  /** eval sets in the source's order (the original's `eval_names`) */
  evalOrder: EvalSet[];
  evals: Partial<Record<EvalSet, DecodedEval>>;
  /** the original's `eval_times` is non-empty: a set without a time at the epoch is then an error */
  hasEvalTimes: boolean;
}

/**
 * One trial's metrics at one epoch: the original's `{iepoch, loss, accuracy, cur_time, all_time}`. A loss or accuracy
 * the store does not hold is not an own enumerable value: reading it throws MetricNotInStoreError, and spreading or
 * serialising the object leaves it out (absentMetrics lists such keys).
 */
export interface EpochMetrics {
  iepoch: number;
  loss: number;
  accuracy: number;
  curTime: number | null;
  allTime: number | null;
}

/**
 * Makes `key` of `obj` a value this store does not hold: a non-enumerable getter that throws MetricNotInStoreError, so
 * a read fails with the typed error while JSON.stringify, Object.keys and spreads leave the key out (never NaN).
 */
export function markNotInStore<T extends object>(obj: T, key: keyof T & string, metric: string): void {
  withMarkers.add(obj);
  Object.defineProperty(obj, key, {
    enumerable: false,
    configurable: true,
    get(): never {
      throw new MetricNotInStoreError(metric);
    },
  });
}

/** Keys of `obj` that markNotInStore marked (values this store does not hold), in definition order. */
export function absentMetrics(obj: object): string[] {
  return Object.entries(Object.getOwnPropertyDescriptors(obj))
    .filter(([, d]) => !d.enumerable && d.get !== undefined)
    .map(([k]) => k);
}

/** The metric named by the marker on `obj[key]`. */
function absentName(obj: object, key: string): string {
  try {
    void (obj as Record<string, unknown>)[key];
  } catch (e) {
    if (e instanceof MetricNotInStoreError) return e.metric;
    throw e;
  }
  return key;
}

function isAbsent(obj: object, key: string): boolean {
  const d = Object.getOwnPropertyDescriptor(obj, key);
  return d !== undefined && !d.enumerable && d.get !== undefined;
}

/**
 * Objects that carry at least one not-in-store marker. Copying through property descriptors costs ~10x a spread, and
 * cached query results are copied on every call, so only objects with a marker take the slow path.
 */
const withMarkers = new WeakSet<object>();

/** A copy that keeps the not-in-store markers (a spread would drop them, and reading the key would give undefined). */
export function copyWithAbsent<T extends object>(obj: T): T {
  if (!withMarkers.has(obj)) return { ...obj };
  const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(obj)) as T;
  withMarkers.add(copy);
  return copy;
}

/** `to[toKey] = from[fromKey]`, or the not-in-store marker when `from` lacks it. */
export function copyMetric<F extends object, T extends object>(to: T, toKey: keyof T & string, from: F, fromKey: keyof F & string, metric: string): void {
  if (isAbsent(from, fromKey)) markNotInStore(to, toKey, `${metric} (${absentName(from, fromKey)})`);
  else (to as Record<string, unknown>)[toKey] = from[fromKey];
}

function epochMetrics(
  iepoch: number,
  loss: Float64Array | null,
  acc: Float64Array | null,
  i: number,
  curTime: number | null,
  allTime: number | null,
  what: string,
): EpochMetrics {
  const m = { iepoch, loss: loss === null ? 0 : loss[i]!, accuracy: acc === null ? 0 : acc[i]!, curTime, allTime };
  if (loss === null) markNotInStore(m, "loss", `${what} loss`);
  if (acc === null) markNotInStore(m, "accuracy", `${what} accuracy`);
  return m;
}

export function prefixSums(x: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    s += x[i]!;
    out[i] = s;
  }
  return out;
}

/** Python `sum(xs) / len(xs)`. */
export function pyMean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / xs.length;
}

function epochProblem(run: DecodedRun, iepoch: number): string | null {
  if (!Number.isInteger(iepoch) || iepoch < 0 || iepoch >= run.epochs) return `invalid iepoch=${iepoch}: valid epochs are 0..${run.epochs - 1}`;
  return null;
}

/** Metrics, or the reason the original would raise (a string): lets callers probe without the cost of exceptions. */
export type MetricsOrProblem = EpochMetrics | string;

function trainAtOrProblem(run: DecodedRun, iepoch: number | undefined): MetricsOrProblem {
  const e = iepoch ?? run.epochs - 1;
  const bad = epochProblem(run, e);
  if (bad !== null) return bad;
  if (e >= run.trainedEpochs) return `train@${e} is missing: seed ${run.seed} was trained for ${run.trainedEpochs} epochs only`;
  const time = run.trainTime;
  return epochMetrics(e, run.trainLoss, run.trainAcc1, e, time === null ? null : time[e]!, time === null ? null : run.trainTimePrefix![e]!, `train (seed ${run.seed}, epoch ${e})`);
}

function indexOfEpoch(epochs: Int32Array | null, length: number, e: number): number {
  if (epochs === null) return e < length ? e : -1;
  // epochs are ascending and short (≤ 200): a linear scan from the end finds the usual last-epoch query at once.
  for (let i = epochs.length - 1; i >= 0; i--) {
    if (epochs[i] === e) return i;
    if (epochs[i]! < e) return -1;
  }
  return -1;
}

function evalAtOrProblem(run: DecodedRun, set: EvalSet, iepoch: number | undefined): MetricsOrProblem {
  const e = iepoch ?? run.epochs - 1;
  const bad = epochProblem(run, e);
  if (bad !== null) return bad;
  const ev = run.evals[set];
  let curTime: number | null = null;
  let allTime: number | null = null;
  if (run.hasEvalTimes) {
    if (ev === undefined || ev.time === null) return `${set}@${e} has no time: the set is not in this run`;
    if (ev.timeDense) {
      if (e >= ev.time.length) return `${set}@${e} is not in this run`;
      curTime = ev.time[e]!;
      allTime = ev.timePrefix![e]!;
    } else {
      const i = indexOfEpoch(ev.epochs, ev.length, e);
      if (i < 0) return `${set}@${e} is not in this run`;
      curTime = ev.time[i]!;
      if (ev.timePrefix === null || i !== e) return `${set}@${e}: times of earlier epochs are missing, so the total time is undefined`;
      allTime = ev.timePrefix[e]!;
    }
  }
  const i = ev === undefined ? -1 : indexOfEpoch(ev.epochs, ev.length, e);
  if (ev === undefined || i < 0) return `${set}@${e} is not in this run (the set has no value at that epoch)`;
  return epochMetrics(e, ev.loss, ev.acc, i, curTime, allTime, `${set} (seed ${run.seed}, epoch ${e})`);
}

/** `ResultsCount.get_train` / `get_eval` without throwing. */
export function metricsOrProblem(run: DecodedRun, set: "train" | EvalSet, iepoch: number | undefined): MetricsOrProblem {
  return set === "train" ? trainAtOrProblem(run, iepoch) : evalAtOrProblem(run, set, iepoch);
}

function orThrow(m: MetricsOrProblem): EpochMetrics {
  if (typeof m === "string") throw new MetricUnavailableError(m);
  return m;
}

export function trainAt(run: DecodedRun, iepoch: number | undefined): EpochMetrics {
  return orThrow(trainAtOrProblem(run, iepoch));
}

export function evalAt(run: DecodedRun, set: EvalSet, iepoch: number | undefined): EpochMetrics {
  return orThrow(evalAtOrProblem(run, set, iepoch));
}

/** `ResultsCount.get_train` / `get_eval`; 'valid' is the original's alias of 'x-valid'. */
export function metricsAt(run: DecodedRun, set: "train" | EvalSet, iepoch: number | undefined): EpochMetrics {
  return orThrow(metricsOrProblem(run, set, iepoch));
}

/** `ArchResults.get_metrics(..., is_random=False)`: key-wise mean over the trials, in seed order. */
export function meanMetrics(items: readonly EpochMetrics[]): EpochMetrics {
  const n = items.length;
  // a trial without the value makes the mean one this store does not hold
  const lossAbsent = items.find((m) => isAbsent(m, "loss"));
  const accAbsent = items.find((m) => isAbsent(m, "accuracy"));
  let iepoch = 0;
  let loss = 0;
  let accuracy = 0;
  for (const m of items) {
    iepoch += m.iepoch;
    if (lossAbsent === undefined) loss += m.loss;
    if (accAbsent === undefined) accuracy += m.accuracy;
  }
  const out = {
    iepoch: iepoch / n,
    loss: loss / n,
    accuracy: accuracy / n,
    curTime: meanNullable(items, "curTime"),
    allTime: meanNullable(items, "allTime"),
  };
  if (lossAbsent !== undefined) markNotInStore(out, "loss", `mean over ${n} trials: ${absentName(lossAbsent, "loss")}`);
  if (accAbsent !== undefined) markNotInStore(out, "accuracy", `mean over ${n} trials: ${absentName(accAbsent, "accuracy")}`);
  return out;
}

/** The original averages only when the first trial has the value (`value[0] is not None`). */
function meanNullable(items: readonly EpochMetrics[], key: "curTime" | "allTime"): number | null {
  if (items[0]![key] === null) return null;
  let s = 0;
  for (const m of items) {
    const v = m[key];
    if (v === null) throw new MetricUnavailableError(`trials disagree: some have ${key} and some do not`);
    s += v;
  }
  return s / items.length;
}

/** `ResultsCount.get_latency()`: mean of the latency list, −1 when not measured. */
export function runLatency(run: DecodedRun): number {
  return run.latency === null || run.latency.length === 0 ? -1 : pyMean(run.latency);
}

export interface TimeInfo {
  perEpoch: number | null;
  total: number | null;
}

/** `ResultsCount.get_times()` as ordered (key, value) pairs: T-train@epoch/total, then T-<set>@epoch/total per eval set. */
export function runTimes(run: DecodedRun): Array<[string, TimeInfo]> {
  const out: Array<[string, TimeInfo]> = [];
  const t = run.trainTime;
  // The original iterates `train_times.values()` even for unfinished runs: mean over the stored epochs.
  out.push(["train", t === null ? { perEpoch: null, total: null } : { perEpoch: pyMean(t), total: sumAll(t) }]);
  for (const set of run.evalOrder) {
    const ev = run.evals[set];
    let info: TimeInfo = { perEpoch: null, total: null };
    if (ev !== undefined && ev.time !== null) {
      // Needs a time for every epoch 0..epochs-1, else the original's try/except yields None.
      const full = ev.timeDense ? ev.time.length >= run.epochs : ev.epochs !== null && ev.epochs.length === run.epochs && ev.timePrefix !== null;
      if (full) {
        const xs = ev.time.subarray(0, run.epochs);
        info = { perEpoch: pyMean(xs), total: sumAll(xs) };
      }
    }
    out.push([set, info]);
  }
  return out;
}

function sumAll(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s;
}

/**
 * fix_legacy_issue (NATS v1.6): when per-seed values disagree at 5 decimals, the original uses the seed-888 trial only
 * (and raises when there is none).
 */
export function legacyFix<T extends { seed: number }>(runs: readonly T[], get: (r: T) => number): number[] {
  const raw = runs.map(get);
  // Identical values format identically: only differing ones need the (slow, exact) '%.5f' comparison.
  if (raw.length > 1 && raw.some((x) => x !== raw[0]) && new Set(raw.map(format5)).size > 1) {
    const at = runs.findIndex((r) => r.seed === 888);
    if (at < 0) throw new MetricUnavailableError("per-seed FLOPs/params disagree and there is no seed-888 trial to settle them (the original raises here)");
    return [raw[at]!];
  }
  return raw;
}

/** Python's `'%.5f' % x`, used by the original's legacy FLOPs/params check. */
export function format5(x: number): string {
  return pyFixed(x, 5);
}

/**
 * Python's fixed-point formatting (`'{:.Nf}'.format(x)`): the exact binary value rounded half-to-even. JS toFixed
 * rounds exact ties away from zero, so ties are detected and corrected with exact decimal expansion.
 */
export function pyFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
  const s = x.toFixed(digits);
  const exact = exactDecimal(Math.abs(x));
  const dot = exact.indexOf(".");
  const frac = dot < 0 ? "" : exact.slice(dot + 1);
  // A tie: the digit after the last kept one is 5 and nothing non-zero follows.
  if (frac.length === digits + 1 && frac.endsWith("5")) {
    const lastKept = digits === 0 ? Number(exact.slice(0, dot === -1 ? undefined : dot).slice(-1)) : Number(frac[digits - 1]);
    if (lastKept % 2 === 0) {
      // round down (toward the even digit): truncate
      const truncated = exact.slice(0, (dot < 0 ? exact.length : dot) + (digits === 0 ? 0 : digits + 1));
      return (x < 0 ? "-" : "") + truncated;
    }
  }
  return s;
}

/** Exact decimal expansion of a finite non-negative double. */
function exactDecimal(x: number): string {
  if (x === 0) return "0";
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const exp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (exp === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = exp - 1075;
  }
  if (e >= 0) return (mant << BigInt(e)).toString();
  // mant / 2^-e = mant * 5^-e / 10^-e
  const digits = (mant * 5n ** BigInt(-e)).toString().padStart(-e + 1, "0");
  const intPart = digits.slice(0, digits.length + e);
  const fracPart = digits.slice(digits.length + e).replace(/0+$/, "");
  return fracPart.length > 0 ? `${intPart}.${fracPart}` : intPart;
}
