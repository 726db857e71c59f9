/** Arch lookup for the explorer: an index, a canonical arch string, or an arch string with a node's edges reordered. */
import { UserError } from "@aa-nas/core/errors.js";
import { indexOf, NUM_ARCHS, opsOf, opsToArch, parseArch, resolveArch, resolveIn, type SearchSpace } from "@aa-nas/core/space/index.js";

export class ArchLookupError extends UserError {}

export function lookupArch(ref: string): { index: number; arch: string } {
  const text = ref.trim();
  if (text.length === 0) throw new ArchLookupError(`empty arch: give an index 0..${NUM_ARCHS - 1} or an arch string like |nor_conv_3x3~0|+|…|`);
  if (/^-?\d+$/.test(text)) return resolveArch(text);
  parseArch(text); // names the bad token
  const canonical = indexOf(text) >= 0 ? text : opsToArch(opsOf(text));
  return resolveArch(canonical);
}

/** Lookup in the store's space: the topology space as above; the size space by index or channel string 'C1:…:C5'. */
export function lookupArchIn(space: SearchSpace, ref: string): { index: number; arch: string } {
  if (space.name === "tss") return lookupArch(ref);
  const text = ref.trim();
  if (text.length === 0) throw new ArchLookupError(`empty arch: give an index 0..${space.size - 1} or a channel string like ${space.example}`);
  return resolveIn(space, text);
}
