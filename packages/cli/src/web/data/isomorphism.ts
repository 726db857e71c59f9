/**
 * Isomorphism classes of the space: archs whose `uniqueStr(arch, considerZero = true)` agree compute the same function
 * (spec §1.4). Built once over all 15,625 archs, on first use.
 */
import { allArchs, uniqueStr } from "@aa-nas/core/space/index.js";

let classes: { keyOf: string[]; members: Map<string, number[]> } | null = null;

function build(): NonNullable<typeof classes> {
  const keyOf = allArchs().map((arch) => uniqueStr(arch, true));
  const members = new Map<string, number[]>();
  keyOf.forEach((key, index) => {
    const list = members.get(key);
    if (list === undefined) members.set(key, [index]);
    else list.push(index);
  });
  return { keyOf, members };
}

export interface IsomorphismClass {
  uniqueStr: string;
  /** every arch index of the class (including the queried one), ascending */
  members: number[];
}

export function isomorphismClassOf(index: number): IsomorphismClass {
  classes ??= build();
  const key = classes.keyOf[index];
  if (key === undefined) throw new RangeError(`arch index ${index} is outside the space`);
  return { uniqueStr: key, members: [...classes.members.get(key)!] };
}

/** Number of distinct classes (the paper counts 6,466 unique topologies with considerZero). */
export function isomorphismClassCount(): number {
  classes ??= build();
  return classes.members.size;
}
