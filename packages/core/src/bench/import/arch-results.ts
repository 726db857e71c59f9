/**
 * Converts the original's pickled `ArchResults` / `ResultsCount` state dicts (spec §5.6; NAS-Bench-201 ≥ v1.0 and
 * NATS-Bench) into RunRecords. Every field is checked; a record that does not have the documented shape is a
 * FormatError naming the arch, dataset and seed, never a silently partial import.
 */
import { FormatError } from "../../formats/errors.js";
import { describe, PyDict, PyTuple, type PyValue } from "../../formats/pyvalue.js";
import { validateRecord } from "../rows.js";
import { DATASET_KEYS, type DatasetKey, EVAL_SETS, type EvalCurve, type EvalSet, type RunRecord } from "../../registry/index.js";
import { searchSpace, type SpaceName } from "../../space/index.js";

export interface ConvertContext {
  /** file the state came from (error messages) */
  label: string;
  source: string;
  timesEstimated: boolean;
  /** the search space the records must belong to (a name: contexts travel to decoding threads); default tss */
  space?: SpaceName;
}

function num(v: PyValue | undefined, what: string, where: string): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  throw new FormatError(`${where}: ${what} is a ${describe(v)}, expected a number`);
}

function dict(v: PyValue | undefined, what: string, where: string): PyDict {
  if (v instanceof PyDict) return v;
  throw new FormatError(`${where}: ${what} is a ${describe(v)}, expected a dict`);
}

/** `{epoch: value}` → array indexed by epoch; the keys must be exactly 0..n-1. */
function epochArray(v: PyValue | undefined, what: string, where: string): number[] {
  const d = dict(v, what, where);
  const out = new Array<number>(d.size);
  const seen = new Uint8Array(d.size);
  for (const [k, x] of d.entries()) {
    const e = num(k, `${what} key`, where);
    if (!Number.isInteger(e) || e < 0 || e >= d.size || seen[e]) throw new FormatError(`${where}: ${what} keys are not the epochs 0..${d.size - 1}`);
    seen[e] = 1;
    out[e] = num(x, `${what}[${e}]`, where);
  }
  return out;
}

function optionalEpochArray(v: PyValue | undefined, what: string, where: string): number[] | null {
  return v === undefined || v === null ? null : epochArray(v, what, where);
}

/** Splits `{'name@epoch': value}` by name: name → (epoch → value). */
function byEvalName(v: PyValue | undefined, what: string, where: string): Map<string, Map<number, number>> {
  const out = new Map<string, Map<number, number>>();
  if (v === undefined || v === null) return out;
  for (const [k, x] of dict(v, what, where).entries()) {
    if (typeof k !== "string") throw new FormatError(`${where}: ${what} key is a ${describe(k)}, expected 'name@epoch'`);
    const at = k.lastIndexOf("@");
    const epoch = Number(k.slice(at + 1));
    if (at <= 0 || !Number.isInteger(epoch) || epoch < 0) throw new FormatError(`${where}: ${what} key '${k}' is not 'name@epoch'`);
    const name = k.slice(0, at);
    let m = out.get(name);
    if (m === undefined) out.set(name, (m = new Map()));
    m.set(epoch, num(x, `${what}['${k}']`, where));
  }
  return out;
}

function evalCurves(rc: PyDict, epochs: number, where: string): Partial<Record<EvalSet, EvalCurve>> {
  const namesValue = rc.get("eval_names");
  if (!Array.isArray(namesValue)) throw new FormatError(`${where}: eval_names is a ${describe(namesValue)}, expected a list`);
  const accs = byEvalName(rc.get("eval_acc1es"), "eval_acc1es", where);
  const losses = byEvalName(rc.get("eval_losses"), "eval_losses", where);
  const times = byEvalName(rc.get("eval_times"), "eval_times", where);
  const out: Partial<Record<EvalSet, EvalCurve>> = {};
  for (const nameValue of namesValue) {
    if (typeof nameValue !== "string" || !(EVAL_SETS as readonly string[]).includes(nameValue)) {
      throw new FormatError(`${where}: eval set ${String(nameValue)} is not one of ${EVAL_SETS.join(", ")}`);
    }
    const name = nameValue as EvalSet;
    const acc = accs.get(name) ?? new Map<number, number>();
    const loss = losses.get(name) ?? new Map<number, number>();
    const ep = [...acc.keys()].sort((a, b) => a - b);
    if (ep.length !== loss.size || ep.some((e) => !loss.has(e))) throw new FormatError(`${where}: ${name} accuracies and losses cover different epochs`);
    if (ep.some((e) => e >= epochs)) throw new FormatError(`${where}: ${name} has values beyond epoch ${epochs - 1}`);
    const t = times.get(name);
    let time: number[] | null = null;
    let timeAllEpochs: number[] | null = null;
    if (t !== undefined) {
      if (t.size >= epochs && Array.from({ length: epochs }, (_, i) => t.has(i)).every(Boolean)) {
        timeAllEpochs = Array.from({ length: epochs }, (_, i) => t.get(i)!);
        time = ep.map((e) => t.get(e)!);
      } else if (ep.every((e) => t.has(e))) {
        time = ep.map((e) => t.get(e)!);
      }
    }
    out[name] = { epochs: ep, loss: ep.map((e) => loss.get(e)!), acc: ep.map((e) => acc.get(e)!), time, timeAllEpochs };
  }
  return out;
}

/**
 * The run's network config as the store keeps it. A topology record's arch_config has `channel` and `num_cells`; a
 * size record's (`infer.shape.tiny`) has `channels`, which must be the arch string, and `genotype`, the fixed cell.
 */
function storedConfig(config: PyDict, arch: string, ctx: ConvertContext, where: string): RunRecord["config"] {
  const classNum = num(config.get("class_num"), "class_num", where);
  const channels = config.get("channels");
  if (channels === undefined) {
    return { channel: num(config.get("channel"), "channel", where), numCells: num(config.get("num_cells"), "num_cells", where), classNum };
  }
  const space = searchSpace(ctx.space ?? "tss");
  if (space.name !== "sss") {
    throw new FormatError(
      `${where}: a size-space record (arch_config has channels), but the store holds the ${space.title}: import it into a size-space store ('aa-nas import --space sss', BenchStore.create(path, { space: 'sss' }))`,
    );
  }
  const written = typeof channels === "string" ? channels : channels instanceof PyTuple ? channels.items.map((c) => num(c, "channels", where)).join(":") : null;
  if (written !== arch) throw new FormatError(`${where}: arch_config.channels ${written === null ? `is a ${describe(channels)}` : `'${written}'`} differs from the arch string '${arch}'`);
  return space.storedConfig(arch, classNum);
}

function resultsCountToRecord(rc: PyDict, archIndex: number, arch: string, hp: string, dataset: DatasetKey, seed: number, ctx: ConvertContext): RunRecord {
  const where = `${ctx.label}: arch ${archIndex} hp '${hp}' ${dataset} seed ${seed}`;
  const rcSeed = rc.get("seed");
  if (rcSeed !== undefined && rcSeed !== null && Number(rcSeed) !== seed) throw new FormatError(`${where}: the trial says seed ${String(rcSeed)}`);
  const epochs = num(rc.get("epochs"), "epochs", where);
  const config = dict(rc.get("arch_config"), "arch_config", where);
  const archStr = config.get("arch_str");
  if (archStr !== arch) throw new FormatError(`${where}: arch_config.arch_str '${String(archStr)}' differs from the arch string '${arch}'`);
  const loss = epochArray(rc.get("train_losses"), "train_losses", where);
  const acc1 = epochArray(rc.get("train_acc1es"), "train_acc1es", where);
  const acc5 = optionalEpochArray(rc.get("train_acc5es"), "train_acc5es", where);
  const time = optionalEpochArray(rc.get("train_times"), "train_times", where);
  const latencyValue = rc.get("latency");
  let latency: number[] | null = null;
  if (Array.isArray(latencyValue)) latency = latencyValue.map((x, i) => num(x, `latency[${i}]`, where));
  else if (latencyValue instanceof PyTuple) latency = latencyValue.items.map((x, i) => num(x, `latency[${i}]`, where));
  else if (latencyValue !== null && latencyValue !== undefined) throw new FormatError(`${where}: latency is a ${describe(latencyValue)}`);
  if (latency !== null && latency.length === 0) latency = null;
  return {
    archIndex,
    arch,
    hp,
    dataset,
    seed,
    epochs,
    params: num(rc.get("params"), "params", where),
    flops: num(rc.get("flop"), "flop", where),
    latency,
    config: storedConfig(config, arch, ctx, where),
    train: { loss, acc1, acc5, time },
    evals: evalCurves(rc, epochs, where),
    provenance: { seedImputed: false, timesEstimated: ctx.timesEstimated, device: null, source: ctx.source },
  };
}

/** One ArchResults state (one hp of one arch) → its runs, datasets in `dataset_seed` order, seeds ascending. */
export function archResultsToRecords(stateValue: PyValue, hp: string, ctx: ConvertContext, expectIndex?: number): RunRecord[] {
  const where = `${ctx.label}: hp '${hp}'`;
  const state = dict(stateValue, "ArchResults state", where);
  const archIndex = num(state.get("arch_index"), "arch_index", where);
  if (expectIndex !== undefined && archIndex !== expectIndex) throw new FormatError(`${where}: holds arch ${archIndex}, expected arch ${expectIndex}`);
  const arch = state.get("arch_str");
  if (typeof arch !== "string") throw new FormatError(`${where}: arch_str is a ${describe(arch)}`);
  const all = dict(state.get("all_results"), "all_results", where);
  const datasetSeed = dict(state.get("dataset_seed"), "dataset_seed", where);
  const out: RunRecord[] = [];
  for (const [dsValue, seedsValue] of datasetSeed.entries()) {
    if (typeof dsValue !== "string" || !(DATASET_KEYS as readonly string[]).includes(dsValue)) {
      throw new FormatError(`${where}: unknown dataset ${String(dsValue)} (valid: ${DATASET_KEYS.join(", ")})`);
    }
    if (!Array.isArray(seedsValue)) throw new FormatError(`${where}: dataset_seed['${dsValue}'] is a ${describe(seedsValue)}`);
    for (const s of seedsValue) {
      const seed = num(s, "seed", where);
      const rc = all.get(new PyTuple([dsValue, s]));
      if (rc === undefined) throw new FormatError(`${where}: all_results lacks (${dsValue}, ${seed})`);
      const rec = resultsCountToRecord(dict(rc, "ResultsCount state", where), archIndex, arch, hp, dsValue as DatasetKey, seed, ctx);
      // checked here, where the file is known, so the error names it; putRuns checks again for every other writer
      validateRecord(rec, ctx.label, searchSpace(ctx.space ?? "tss"));
      out.push(rec);
    }
  }
  return out;
}

/** `{hp: ArchResults state}` (NATS tss `'12'/'200'`, sss `'01'/'12'/'90'`, NAS-Bench-201 `'less'/'full'`) → all runs of one arch. */
export function archEntryToRecords(entry: PyValue, ctx: ConvertContext, hpName: (key: string) => string, expectIndex?: number): RunRecord[] {
  const d = dict(entry, "arch entry", ctx.label);
  const out: RunRecord[] = [];
  for (const [k, state] of d.entries()) {
    if (typeof k !== "string") throw new FormatError(`${ctx.label}: hp key is a ${describe(k)}`);
    out.push(...archResultsToRecords(state, hpName(k), ctx, expectIndex));
  }
  return out;
}
