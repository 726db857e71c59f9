/**
 * The two NATS-Bench search spaces behind one interface, chosen by name wherever a space is chosen (store, importers,
 * query API, CLI): 'tss' (the NAS-Bench-201 topology space, 15,625 cells) and 'sss' (the size space, 32,768 channel
 * configurations). The original's aliases 'topology' and 'size' name the same spaces. What differs between the spaces
 * (the index order, the arch strings, the closed-form costs, the network config) lives in its module; everything that
 * reads a store or answers a query goes through this interface instead of branching on the name.
 */
import { UserError, listChoices, showInput } from "../errors.js";
import type { DatasetKey } from "../registry/index.js";
import { opsToArch, parseArch } from "./arch.js";
import { archCosts, type ArchCosts } from "./costs.js";
import { allArchs, archAt, indexOf, indexOfOrThrow } from "./index-order.js";
import { NUM_ARCHS, NUM_EDGES, OPS } from "./ops.js";
import type { RandomSource } from "./pyrandom.js";
import { mutateArch } from "./sample.js";
import {
  allSizeArchs,
  parseSizeArch,
  SIZE_CELLS_PER_STAGE,
  SIZE_GENOTYPE,
  SIZE_NUM_ARCHS,
  SizeArchError,
  sizeArchAt,
  sizeArchCosts,
  sizeIndexOf,
  sizeIndexOfChoices,
  mutateSizeIndex,
  SIZE_CANDIDATES,
  SIZE_POSITIONS,
} from "./size.js";

export const SPACE_NAMES = ["tss", "sss"] as const;
export type SpaceName = (typeof SPACE_NAMES)[number];

/** NATS `create(..., search_space)` accepts these names (NATS_BENCH_TSS_NAMEs / NATS_BENCH_SSS_NAMEs). */
const ALIASES: Readonly<Record<string, SpaceName>> = { tss: "tss", topology: "tss", sss: "sss", size: "sss" };

/** get_net_config of a topology arch: TinyNetwork with C channels and N cells per stage. */
export interface TopologyNetConfig {
  name: "infer.tiny";
  C: number;
  N: number;
  archStr: string;
  numClasses: number;
}

/** get_net_config of a size arch: the fixed cell, shape-inferred to the five widths. */
export interface SizeNetConfig {
  name: "infer.shape.tiny";
  channels: string;
  genotype: string;
  numClasses: number;
}

export type NetConfig = TopologyNetConfig | SizeNetConfig;

/** What a stored run keeps of the network config (store columns channel, num_cells, class_num). */
export interface StoredNetConfig {
  channel: number;
  numCells: number;
  classNum: number;
}

export interface SearchSpace {
  readonly name: SpaceName;
  /** NATS `search_space_name` */
  readonly natsName: "topology" | "size";
  /** for messages: "topology search space (tss)" */
  readonly title: string;
  /** number of architectures; indexes are 0..size-1 */
  readonly size: number;
  /** NATS `full_train_epochs`: the schedule of the paper's final numbers */
  readonly fullTrainEpochs: number;
  /** the hp names of the released benchmark file, in its dict order */
  readonly officialHps: readonly string[];
  /**
   * The seeds the released benchmark trained an hp with, for the hps where every arch has the same set (what training
   * defaults to); an hp not listed has no such set.
   */
  readonly releasedSeeds: Readonly<Record<string, readonly number[]>>;
  /** an arch string, for messages */
  readonly example: string;
  /** whether the original offers get_unique_str / str2lists / str2matrix */
  readonly hasCellStrings: boolean;
  /** whether the original's summary (print_information) shows the ori-test line of a model trained on the train half */
  readonly summaryTestsTrainHalf: boolean;
  archAt(index: number): string;
  /** index of an arch string, −1 when it is not exactly one of the space's strings (the original's lookup) */
  indexOf(arch: string): number;
  /** the index of a valid arch string; an invalid one is a typed error naming what is wrong */
  indexOfOrThrow(arch: string): number;
  /** all arch strings in index order */
  allArchs(): readonly string[];
  costs(arch: string, dataset: DatasetKey): ArchCosts;
  /** the config a run of `arch` stores (the original's arch_config, reduced to the store's columns) */
  storedConfig(arch: string, classNum: number): StoredNetConfig;
  /** get_net_config from the stored config of the arch's first run */
  netConfig(arch: string, stored: StoredNetConfig): NetConfig;
  /**
   * The arch as independent categorical choices, what the benchmark-driven searches sample, learn and model: tss 6
   * edges × 5 ops (REINFORCE's 6×5 policy, BOHB's 6 parameters), sss 5 positions × 8 widths (PolicySize 5×8, BOHB's
   * layer-0..layer-4). A uniform arch is one `randbelow(values)` per position, as the originals' random_*_func draw.
   */
  readonly choices: { readonly positions: number; readonly values: number };
  /** the index of the arch whose position k takes choice `choices[k]` (in 0..values−1) */
  indexOfChoices(choices: readonly number[]): number;
  /** REA's mutation of arch `index` with `rng` (the space's own rule: tss forces a different op, sss may keep the value) */
  mutate(index: number, rng: RandomSource): number;
}

export class SpaceNameError extends UserError {}

const TOPOLOGY: SearchSpace = {
  name: "tss",
  natsName: "topology",
  title: "topology search space (tss)",
  size: NUM_ARCHS,
  fullTrainEpochs: 200,
  officialHps: ["12", "200"],
  // hp 12 is not listed: its runs share no one seed set (cifar10-valid has trials of seeds 111 and 777)
  releasedSeeds: { "200": [777, 888, 999] },
  example: "|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|",
  hasCellStrings: true,
  summaryTestsTrainHalf: false,
  archAt,
  indexOf,
  indexOfOrThrow(arch) {
    // parsed first, so that the error names the bad token
    parseArch(arch);
    return indexOfOrThrow(arch);
  },
  allArchs,
  costs: archCosts,
  storedConfig: (_arch, classNum) => ({ channel: 16, numCells: 5, classNum }),
  netConfig: (arch, s) => ({ name: "infer.tiny", C: s.channel, N: s.numCells, archStr: arch, numClasses: s.classNum }),
  choices: { positions: NUM_EDGES, values: OPS.length },
  indexOfChoices: (choices) => indexOf(opsToArch(choices)),
  mutate: (index, rng) => indexOf(mutateArch(archAt(index), rng)),
};

const SIZE: SearchSpace = {
  name: "sss",
  natsName: "size",
  title: "size search space (sss)",
  size: SIZE_NUM_ARCHS,
  fullTrainEpochs: 90,
  officialHps: ["01", "12", "90"],
  releasedSeeds: { "01": [777], "12": [777, 888, 999], "90": [777] },
  example: "8:16:24:32:64",
  hasCellStrings: false,
  summaryTestsTrainHalf: true,
  archAt: sizeArchAt,
  indexOf: sizeIndexOf,
  indexOfOrThrow(arch) {
    parseSizeArch(arch);
    const i = sizeIndexOf(arch);
    if (i < 0) throw new SizeArchError(`'${showInput(arch)}' is not a size arch string like ${SIZE.example}`);
    return i;
  },
  allArchs: allSizeArchs,
  costs: sizeArchCosts,
  // the stem width C1 and one cell per stage; the other four widths are the arch string itself
  storedConfig: (arch, classNum) => ({ channel: parseSizeArch(arch)[0]!, numCells: SIZE_CELLS_PER_STAGE, classNum }),
  netConfig: (arch, s) => ({ name: "infer.shape.tiny", channels: arch, genotype: SIZE_GENOTYPE, numClasses: s.classNum }),
  choices: { positions: SIZE_POSITIONS, values: SIZE_CANDIDATES.length },
  indexOfChoices: sizeIndexOfChoices,
  mutate: mutateSizeIndex,
};

const SPACES: Readonly<Record<SpaceName, SearchSpace>> = { tss: TOPOLOGY, sss: SIZE };

export function isSpaceName(s: string): boolean {
  return Object.prototype.hasOwnProperty.call(ALIASES, s);
}

/** The space named `name` ('tss' | 'topology' | 'sss' | 'size'); anything else is a SpaceNameError. */
export function searchSpace(name: string): SearchSpace {
  const key = typeof name === "string" && isSpaceName(name) ? ALIASES[name]! : undefined;
  if (key === undefined) throw new SpaceNameError(`unknown search space '${showInput(String(name))}'; valid spaces: ${listChoices(Object.keys(ALIASES))}`);
  return SPACES[key];
}

/** A uniformly random arch of `space`: one `randbelow(values)` per position (RS, REA's initial population). */
export function sampleIndex(space: SearchSpace, rng: RandomSource): number {
  return space.indexOfChoices(Array.from({ length: space.choices.positions }, () => rng.randbelow(space.choices.values)));
}

/** The space whose arch `index` is exactly `arch` (record files name both), or null when neither space's is. */
export function spaceOfArch(index: number, arch: string): SearchSpace | null {
  for (const space of Object.values(SPACES)) {
    if (Number.isInteger(index) && index >= 0 && index < space.size && space.archAt(index) === arch) return space;
  }
  return null;
}

/**
 * Resolves an index (number or decimal string) or an arch string of `space`; an invalid string is a typed error that
 * names what is wrong.
 */
export function resolveIn(space: SearchSpace, x: number | string): { index: number; arch: string } {
  if (typeof x === "number" || /^\s*-?\d+\s*$/.test(x)) {
    const index = Number(x);
    return { index, arch: space.archAt(index) };
  }
  return { index: space.indexOfOrThrow(x), arch: x };
}
