/**
 * Every command-line value is parsed here, one way everywhere, into one-line user errors that say what was wrong and
 * what is valid: `bad --runs '0': expected a positive integer`.
 */
import type { Device } from "@aa-nas/engine/tensor/device.js";
import { defaultDataDir } from "@aa-nas/engine/data/data-dir.js";
import type { DataLocation } from "@aa-nas/engine/data/training-data.js";
import { UserError, listChoices, showInput } from "@aa-nas/core/errors.js";
import { NETWORK_LIMITS } from "@aa-nas/engine/models/structure.js";
import { NUM_ARCHS, searchSpace, type SearchSpace } from "@aa-nas/core/space/index.js";
import { hpConfig } from "@aa-nas/engine/train/hyper.js";
import { parseRecordDatasetKey, type RecordDatasetKey } from "@aa-nas/core/registry/index.js";

function expected(min: number, max: number): string {
  if (max !== Infinity) return `an integer ${min}..${max}`;
  if (min === -Infinity) return "an integer";
  return min === 0 ? "a non-negative integer" : min === 1 ? "a positive integer" : `an integer >= ${min}`;
}

/** An integer in [`min`, `max`] (default: positive); `min` below 0 allows a sign. */
export function parseInteger(value: string, flag: string, min = 1, max = Infinity): number {
  const n = Number(value);
  const digits = min < 0 ? /^-?\d+$/ : /^\d+$/;
  if (!digits.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UserError(`bad ${flag} '${value}': expected ${expected(min, max)}`);
  }
  return n;
}

/** For options that may be absent. */
export function parseOptionalInteger(value: string | undefined, flag: string, min = 1, max = Infinity): number | undefined {
  return value === undefined ? undefined : parseInteger(value, flag, min, max);
}

/** commander's argParser form: `.option("--runs <n>", "…", integerOption("--runs"))`. */
export function integerOption(flag: string, min = 1, max = Infinity): (value: string) => number {
  return (value) => parseInteger(value, flag, min, max);
}

/** --channel and --num-cells, bounded by the network limits (models/structure.ts) so no value reaches libtorch unchecked. */
export const channelOption = integerOption("--channel", NETWORK_LIMITS.channel.min, NETWORK_LIMITS.channel.max);
export const numCellsOption = integerOption("--num-cells", NETWORK_LIMITS.numCells.min, NETWORK_LIMITS.numCells.max);

export interface NumberRange {
  /** lower bound, included unless `above` */
  min?: number;
  /** true: the value must exceed `min` */
  above?: boolean;
  max?: number;
}

/** A finite decimal number within `range`; absent stays undefined. */
export function parseNumber(value: string | undefined, flag: string, range: NumberRange = {}): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  const { min = -Infinity, above = false, max = Infinity } = range;
  if (value.trim() === "" || !Number.isFinite(n) || (above ? !(n > min) : n < min) || n > max) {
    const bounds =
      min === -Infinity && max === Infinity
        ? "a number"
        : max === Infinity
          ? `a number ${above ? ">" : "≥"} ${min}`
          : min === -Infinity
            ? `a number ≤ ${max}`
            : `a number in [${min}, ${max}]`;
    throw new UserError(`bad ${flag} '${value}': expected ${above && min === 0 && max === Infinity ? "a positive number" : bounds}`);
  }
  return n;
}

/** One of `choices`. */
export function parseChoice<T extends string>(value: string, flag: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value)) throw new UserError(`bad ${flag} '${value}': valid values are ${listChoices(choices)}`);
  return value as T;
}

/** Space- or comma-separated values of a variadic option (`--seeds 777 888` or `--seeds 777,888`). */
export function listValues(values: readonly string[] | string): string[] {
  return (Array.isArray(values) ? values : [values as string]).flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) => v !== "");
}

export function parseSeeds(values: readonly string[] | string): number[] {
  return listValues(values).map((v) => {
    // seeds go to torch.manual_seed and into `seed · 2^32 + epoch` (data/epoch-plan.ts): exact integers only
    if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) {
      throw new UserError(`bad seed '${showInput(v, 40)}': seeds are integers 0..${Number.MAX_SAFE_INTEGER}, e.g. 777 888 999`);
    }
    return Number(v);
  });
}

export function parseDatasets(values: readonly string[] | string): RecordDatasetKey[] {
  return listValues(values).map(parseRecordDatasetKey);
}

/** An hp setting by the rule of `hpConfig` (train/hyper.ts), returned as given (it is the stored name). */
export function parseHp(value: string): string {
  hpConfig(value);
  return value;
}

/** Parses `A-B` (inclusive, as the original's job ranges) into indexes. */
export function parseRange(text: string, numArchs: number = NUM_ARCHS): number[] {
  const m = /^(\d+)-(\d+)$/.exec(text.trim());
  const valid = `expected START-END with 0 <= START <= END <= ${numArchs - 1}, e.g. 0-389`;
  if (!m) throw new UserError(`bad range '${text}': ${valid}`);
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (start > end || end >= numArchs) throw new UserError(`bad range '${text}': ${valid}`);
  return Array.from({ length: end - start + 1 }, (_, i) => start + i);
}

export const SPACE_HELP = "search space of the archs: tss (NAS-Bench-201 cells) or sss (NATS-Bench size configs, e.g. 8:16:24:32:40; hp 01, 12 or 90)";

/**
 * `--space`; an sss config fixes every width, so --channel / --num-cells given with it (`given` says which options
 * came from the command line) are a mistake, not a no-op.
 */
export function parseSpace(value: string, given: (option: "channel" | "numCells") => boolean): SearchSpace {
  const space = searchSpace(value);
  if (space.name === "sss") {
    const flags = (["channel", "numCells"] as const).filter(given).map((k) => (k === "channel" ? "--channel" : "--num-cells"));
    if (flags.length > 0) throw new UserError(`--space sss: a size config sets every width itself; drop ${flags.join(" and ")}`);
  }
  return space;
}

/**
 * `--seeds`, or when it is not given the seeds the space's released benchmark trained `hp` with (sss: hp 01 and 90
 * seed 777, hp 12 seeds 777 888 999; tss: hp 200 seeds 777 888 999); `fallback` for an hp without such a set, else
 * an error asking for --seeds.
 */
export function seedsFor(values: readonly string[] | string | undefined, space: SearchSpace, hp: string, fallback?: readonly number[]): number[] {
  if (values !== undefined) return parseSeeds(values);
  const released = space.releasedSeeds[hp] ?? fallback;
  if (released === undefined) {
    // by schedule length: "01" is not an integer-like key, so the object lists it after "12" and "90"
    const known = Object.entries(space.releasedSeeds).sort(([a], [b]) => Number(a) - Number(b)).map(([h, seeds]) => `hp ${h}: ${seeds.join(" ")}`);
    throw new UserError(`give --seeds: the ${space.title} has no released seed set for hp ${hp} (it has ${known.join("; ")})`);
  }
  return [...released];
}

/** `--range A-B` or `--arch-index I`, exactly one of them, in a space of `numArchs` archs (tss's by default). */
export function parseArchSelection(o: { range?: string; archIndex?: string }, numArchs: number = NUM_ARCHS): number[] {
  if (o.range !== undefined && o.archIndex !== undefined) throw new UserError("give either --range or --arch-index, not both");
  if (o.archIndex !== undefined) return parseRange(`${o.archIndex}-${o.archIndex}`, numArchs);
  if (o.range !== undefined) return parseRange(o.range, numArchs);
  throw new UserError("give --range A-B (e.g. --range 0-389; `aa-nas meta` lists the original job plan) or --arch-index I");
}

/** The device's name (whether it exists here is the engine's `checkDevice`, once the engine is loaded). */
export function parseDevice(value: string): Device {
  if (value === "cpu" || value === "cuda" || /^cuda:\d+$/.test(value)) return value as Device;
  throw new UserError(`unknown device '${value}'; valid: 'cpu', 'cuda' or 'cuda:<index>'`);
}

export const DATA_DIR_HELP = "dataset folder (default: $AA_NAS_DATA, else $TORCH_HOME/cifar.python, else ~/.cache/aa-nas/data; Fashion-MNIST falls back to Debian's /usr/share/datasets/fashion-mnist)";

/** Where the data is: the one default rule (`defaultDataDir`) for every command. */
export function dataLocation(o: { dataDir?: string; splitDir?: string }): DataLocation {
  return { dataDir: o.dataDir ?? defaultDataDir(), ...(o.splitDir === undefined ? {} : { splitDir: o.splitDir }) };
}
