/** The five candidate operations; the order is normative (it is the op index everywhere, spec §1.1). */
export const OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"] as const;
export type OpName = (typeof OPS)[number];

/** Cell nodes: 0 is the input, 3 the output. */
export const MAX_NODES = 4;

/** The six edges as `[to, from]`, in the canonical order used by strings, matrices and encodings (spec §1.2). */
export const EDGES: readonly (readonly [number, number])[] = [
  [1, 0],
  [2, 0],
  [2, 1],
  [3, 0],
  [3, 1],
  [3, 2],
];

export const NUM_EDGES = EDGES.length;
export const NUM_ARCHS = OPS.length ** NUM_EDGES; // 15,625

export function isOpName(s: string): s is OpName {
  return (OPS as readonly string[]).includes(s);
}

export function opIndex(op: OpName): number {
  return OPS.indexOf(op);
}
