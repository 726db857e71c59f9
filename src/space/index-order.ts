/** Benchmark index ⇄ arch string: the enumeration shuffled by `random.seed(88)` (spec §1.3). */
import { UserError } from "../errors.js";
import { opsToArch, parseArch } from "./arch.js";
import { NUM_ARCHS, NUM_EDGES, OPS } from "./ops.js";
import { PyRandom } from "./pyrandom.js";

export const INDEX_SHUFFLE_SEED = 88;

export class ArchIndexError extends UserError {}

let archList: readonly string[] | null = null;
let archToIndex: Map<string, number> | null = null;

/** Unshuffled enumeration: position u = Σ op(edge_p)·5^(5−p), the last edge varying fastest. */
export function enumerateArchs(): string[] {
  const archs: string[] = [];
  for (let u = 0; u < NUM_ARCHS; u++) {
    const ops = new Array<number>(NUM_EDGES);
    for (let p = NUM_EDGES - 1, v = u; p >= 0; p--, v = Math.floor(v / OPS.length)) ops[p] = v % OPS.length;
    archs.push(opsToArch(ops));
  }
  return archs;
}

/** All 15,625 arch strings in benchmark index order. */
export function allArchs(): readonly string[] {
  if (archList === null) {
    const archs = enumerateArchs();
    new PyRandom(INDEX_SHUFFLE_SEED).shuffle(archs);
    archList = Object.freeze(archs);
  }
  return archList;
}

export function archAt(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= NUM_ARCHS) {
    throw new ArchIndexError(`arch index ${index} is out of range: valid indexes are 0..${NUM_ARCHS - 1}`);
  }
  return allArchs()[index]!;
}

/** Index of an arch string, or −1 when it is not in the space in canonical form (the original's exact-string lookup). */
export function indexOf(arch: string): number {
  if (archToIndex === null) archToIndex = new Map(allArchs().map((a, i) => [a, i]));
  return archToIndex.get(arch) ?? -1;
}

export function indexOfOrThrow(arch: string): number {
  const i = indexOf(arch);
  if (i < 0) {
    throw new ArchIndexError(
      `'${arch}' is not a canonical NAS-Bench-201 arch string: expected |op~0|+|op~0|op~1|+|op~0|op~1|op~2| with ops ${OPS.join(", ")}`,
    );
  }
  return i;
}

/**
 * Accepts an index (number or decimal string) or an arch string, as the CLI and query API do. An arch string is
 * validated first so the error names the bad token.
 */
export function resolveArch(x: number | string): { index: number; arch: string } {
  if (typeof x === "number" || /^\s*-?\d+\s*$/.test(x)) {
    const index = Number(x);
    return { index, arch: archAt(index) };
  }
  parseArch(x);
  return { index: indexOfOrThrow(x), arch: x };
}
