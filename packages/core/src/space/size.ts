/**
 * NATS-Bench's size search space (sss): 5 channel widths, each one of 8, 16, …, 64, on a
 * fixed cell (tss arch 9930). The index order is the original's nested-loop enumeration (the last position varies
 * fastest), so index and string convert in closed form, with no table. Parameters and FLOPs are closed forms of the
 * shape-inferred TinyNetwork (one cell per stage), summed as exact integers and divided by 1e6 once, which gives the
 * doubles the original records hold.
 */
import { DATASET_KEYS, datasetInfo, isBenchmarkKey, type DatasetKey } from "../registry/index.js";
import { UserError, listChoices, showInput } from "../errors.js";
import type { ArchCosts } from "./costs.js";
import { ArchIndexError } from "./index-order.js";
import type { RandomSource } from "./pyrandom.js";

/** Channel candidates of every position, in index order. */
export const SIZE_CANDIDATES = [8, 16, 24, 32, 40, 48, 56, 64] as const;
/** The widest candidate (the channel-search supernet's width everywhere). */
export const SIZE_MAX_WIDTH = Math.max(...SIZE_CANDIDATES);
/** Positions of a size arch: stem + stage-1 cell, reduction 1, stage-2 cell, reduction 2, stage-3 cell. */
export const SIZE_POSITIONS = 5;
export const SIZE_NUM_ARCHS = SIZE_CANDIDATES.length ** SIZE_POSITIONS; // 32,768
/** The cell every size arch uses (tss index 9930). */
export const SIZE_GENOTYPE = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|";
/** Cells per stage of a size arch (tss has 5). */
export const SIZE_CELLS_PER_STAGE = 1;

export class SizeArchError extends UserError {}

const STEP = 8;
const EXAMPLE = "a channel string like 8:16:24:32:64 (five of 8, 16, 24, 32, 40, 48, 56, 64 joined by ':')";

/** Index of a channel width among the candidates, −1 when it is not one. */
function candidateIndex(c: number): number {
  return Number.isInteger(c) && c >= STEP && c <= STEP * SIZE_CANDIDATES.length && c % STEP === 0 ? c / STEP - 1 : -1;
}

/**
 * The five widths of a channel string. Strict like the original's lookup table: decimal integers without sign,
 * padding or leading zeros, joined by ':'; each a candidate.
 */
export function parseSizeArch(s: string): number[] {
  if (typeof s !== "string" || s.length === 0) throw new SizeArchError(`empty size arch; expected ${EXAMPLE}`);
  const parts = s.split(":");
  if (parts.length !== SIZE_POSITIONS) {
    throw new SizeArchError(`size arch '${showInput(s)}' has ${parts.length} width(s), expected ${SIZE_POSITIONS}: ${EXAMPLE}`);
  }
  return parts.map((p, k) => {
    if (!/^[1-9]\d*$/.test(p)) throw new SizeArchError(`position ${k + 1} of '${showInput(s)}' is '${showInput(p)}', not a width: ${EXAMPLE}`);
    const c = Number(p);
    if (candidateIndex(c) < 0) throw new SizeArchError(`position ${k + 1} of '${showInput(s)}' is ${c}; valid widths are ${listChoices(SIZE_CANDIDATES)}`);
    return c;
  });
}

export function formatSizeArch(channels: readonly number[]): string {
  if (channels.length !== SIZE_POSITIONS || channels.some((c) => candidateIndex(c) < 0)) {
    throw new SizeArchError(`expected ${SIZE_POSITIONS} widths from ${listChoices(SIZE_CANDIDATES)}, got [${channels.join(", ")}]`);
  }
  return channels.join(":");
}

export function isSizeArch(s: string): boolean {
  try {
    parseSizeArch(s);
    return true;
  } catch {
    return false;
  }
}

/** `C_k = 8·(1 + ⌊index / 8^(5−k)⌋ mod 8)`; the caller checks the range. */
function channelsAt(index: number): number[] {
  const out = new Array<number>(SIZE_POSITIONS);
  let u = index;
  for (let k = SIZE_POSITIONS - 1; k >= 0; k--) {
    out[k] = SIZE_CANDIDATES[u % SIZE_CANDIDATES.length]!;
    u = Math.floor(u / SIZE_CANDIDATES.length);
  }
  return out;
}

export function isSizeIndex(index: number): boolean {
  return Number.isInteger(index) && index >= 0 && index < SIZE_NUM_ARCHS;
}

/** The channel string of a benchmark index. */
export function sizeArchAt(index: number): string {
  if (!isSizeIndex(index)) throw new ArchIndexError(`size arch index ${String(index)} is out of range: valid indexes are 0..${SIZE_NUM_ARCHS - 1}`);
  return channelsAt(index).join(":");
}

/** `Σ (C_k/8 − 1)·8^(5−k)`, or −1 for a string that is not exactly one of the space's (the original's lookup). */
export function sizeIndexOf(arch: string): number {
  if (!isSizeArch(arch)) return -1;
  return sizeIndexOfChannels(parseSizeArch(arch));
}

function sizeIndexOfChannels(channels: readonly number[]): number {
  let u = 0;
  for (const c of channels) u = u * SIZE_CANDIDATES.length + candidateIndex(c);
  return u;
}

/** The index of the config whose position k takes candidate `choices[k]` (0..7 each); the caller checks the range. */
export function sizeIndexOfChoices(choices: readonly number[]): number {
  let u = 0;
  for (const c of choices) u = u * SIZE_CANDIDATES.length + c;
  return u;
}

/**
 * The size space's REA mutation (spec §4.1, mutate_size_func): a uniform position is set to a uniform candidate, which
 * may be the value it already has (then the child is the parent). Draws `randint(0, 4)` then `choice(candidates)`.
 */
export function mutateSizeIndex(index: number, rng: RandomSource): number {
  const position = rng.randbelow(SIZE_POSITIONS);
  const value = rng.randbelow(SIZE_CANDIDATES.length);
  const weight = SIZE_CANDIDATES.length ** (SIZE_POSITIONS - 1 - position);
  const old = Math.floor(index / weight) % SIZE_CANDIDATES.length;
  return index + (value - old) * weight;
}

let allSize: readonly string[] | null = null;

/** All 32,768 channel strings in index order (built once). */
export function allSizeArchs(): readonly string[] {
  allSize ??= Object.freeze(Array.from({ length: SIZE_NUM_ARCHS }, (_, i) => channelsAt(i).join(":")));
  return allSize;
}

// Integer closed forms (spec §2): an InferCell of the fixed genotype, Ci→Co (five 3×3 ReLUConvBN edges, the skip edge a
// 1×1 conv + BN when Ci≠Co), and a stride-2 ResNet block (two 3×3 ReLUConvBN, an AvgPool + 1×1 conv shortcut).
const differ = (i: number, o: number): number => (i === o ? 0 : 1);
const cellParams = (i: number, o: number): number => 18 * i * o + 27 * o * o + 10 * o + differ(i, o) * (i * o + 2 * o);
const cellMacs = (i: number, o: number): number => 18 * i * o + 27 * o * o + differ(i, o) * i * o;
const blockParams = (i: number, o: number): number => 10 * i * o + 9 * o * o + 4 * o;
const blockMacs = (i: number, o: number): number => 10 * i * o + 9 * o * o;

/** Parameters (millions) and FLOPs (million MACs, one image) the original records for a size arch on a dataset key. */
export function sizeArchCosts(arch: string, dataset: DatasetKey): ArchCosts {
  if (!isBenchmarkKey(dataset)) throw new UserError(`unknown dataset '${String(dataset)}'; valid datasets: ${listChoices(DATASET_KEYS)}`);
  const [c1, c2, c3, c4, c5] = parseSizeArch(arch) as [number, number, number, number, number];
  const info = datasetInfo(dataset);
  const k = info.classes;
  const h = info.shape[1];
  // stem conv (27·C1) + BN (2·C1); final BN (2·C5) and the classifier (C5·K + K)
  const params = 29 * c1 + cellParams(c1, c1) + blockParams(c1, c2) + cellParams(c2, c3) + blockParams(c3, c4) + cellParams(c4, c5) + 2 * c5 + k * c5 + k;
  const h2 = (h / 2) * (h / 2);
  const h4 = (h / 4) * (h / 4);
  const macs = h * h * (27 * c1 + 45 * c1 * c1) + h2 * (blockMacs(c1, c2) + cellMacs(c2, c3)) + h4 * (blockMacs(c3, c4) + cellMacs(c4, c5)) + k * c5 + k;
  return { flops: macs / 1e6, params: params / 1e6 };
}
