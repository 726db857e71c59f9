import { opsOf, opsToArch } from "./arch.js";
import { EDGES, NUM_EDGES, OPS } from "./ops.js";
import type { RandomSource } from "./pyrandom.js";

/** A uniformly random cell: each edge's op drawn independently (the RS / REA initialisation). */
export function sampleArch(rng: RandomSource): string {
  return opsToArch(Array.from({ length: NUM_EDGES }, () => rng.randbelow(OPS.length)));
}

/**
 * REA's mutation (spec §7.3): pick a random computed node, one of its incoming edges, and replace that edge's op with a
 * different random op.
 */
export function mutateArch(arch: string, rng: RandomSource): string {
  const ops = opsOf(arch);
  const node = 1 + rng.randbelow(3);
  const from = rng.randbelow(node);
  const e = EDGES.findIndex(([to, j]) => to === node && j === from);
  const others = OPS.map((_, k) => k).filter((k) => k !== ops[e]);
  ops[e] = others[rng.randbelow(others.length)]!;
  return opsToArch(ops);
}
