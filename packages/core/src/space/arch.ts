/**
 * Arch strings `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|` (spec §1.2): parsing with strict validation, formatting, and the
 * list / matrix / one-hot encodings.
 */
import { UserError, listChoices } from "../errors.js";
import { EDGES, MAX_NODES, OPS, isOpName, opIndex, type OpName } from "./ops.js";

/** Per computed node (1..3), its incoming `[op, fromNode]` edges in the order written (= the original `str2lists`). */
export type ArchLists = [OpName, number][][];

export class ArchStringError extends UserError {}

/**
 * Parses an arch string. Edges of a node may be written in any order (the original keeps the written order, which decides
 * the layer order of an InferCell), but every node i must list each input 0..i-1 exactly once.
 */
export function parseArch(s: string): ArchLists {
  const expected = "an arch string like |nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|";
  if (typeof s !== "string" || s.length === 0) throw new ArchStringError(`empty arch string; expected ${expected}`);
  const nodeStrs = s.split("+");
  if (nodeStrs.length !== MAX_NODES - 1) {
    throw new ArchStringError(`arch string has ${nodeStrs.length} node(s) separated by '+', expected ${MAX_NODES - 1}: ${expected}`);
  }
  return nodeStrs.map((nodeStr, n) => {
    const node = n + 1;
    if (!nodeStr.startsWith("|") || !nodeStr.endsWith("|") || nodeStr.length < 2) {
      throw new ArchStringError(`node ${node} '${nodeStr}' must be wrapped in '|…|'; expected ${expected}`);
    }
    const tokens = nodeStr.split("|").filter((t) => t.length > 0);
    const seen = new Set<number>();
    const edges = tokens.map((token): [OpName, number] => {
      const parts = token.split("~");
      if (parts.length !== 2) throw new ArchStringError(`bad edge token '${token}' in node ${node}: expected 'op~input'`);
      const [op, inputStr] = parts as [string, string];
      if (!isOpName(op)) throw new ArchStringError(`unknown operation '${op}' in '${token}'; valid operations: ${listChoices(OPS)}`);
      if (!/^\d+$/.test(inputStr) || Number(inputStr) >= node) {
        throw new ArchStringError(`bad input node '${inputStr}' in '${token}': node ${node} takes inputs 0..${node - 1}`);
      }
      const input = Number(inputStr);
      if (seen.has(input)) throw new ArchStringError(`node ${node} lists input ${input} twice`);
      seen.add(input);
      return [op, input];
    });
    if (edges.length !== node) {
      throw new ArchStringError(`node ${node} has ${edges.length} incoming edge(s), expected ${node} (one from each of nodes 0..${node - 1})`);
    }
    return edges;
  });
}

export function formatArch(lists: ArchLists): string {
  return lists.map((edges) => `|${edges.map(([op, j]) => `${op}~${j}`).join("|")}|`).join("+");
}

/** The six op indices in canonical edge order; the arch may list a node's edges in any order. */
export function opsOf(arch: string): number[] {
  const lists = parseArch(arch);
  return EDGES.map(([to, from]) => opIndex(lists[to - 1]!.find(([, j]) => j === from)![0]));
}

/** Canonical arch string from six op indices in canonical edge order. */
export function opsToArch(ops: readonly number[]): string {
  if (ops.length !== EDGES.length || ops.some((o) => !Number.isInteger(o) || o < 0 || o >= OPS.length)) {
    throw new ArchStringError(`expected ${EDGES.length} op indices in 0..${OPS.length - 1}, got [${ops.join(", ")}]`);
  }
  const lists: ArchLists = [[], [], []];
  EDGES.forEach(([to, from], e) => lists[to - 1]!.push([OPS[ops[e]!]!, from]));
  return formatArch(lists);
}

/** `str2lists`: per node, its `[op, input]` edges as written. */
export const toLists = parseArch;

/** `str2matrix`: 4×4 with `M[i][j]` = op index of edge j→i (0 elsewhere; `none` is 0 too). */
export function toMatrix(arch: string): number[][] {
  const m = Array.from({ length: MAX_NODES }, () => new Array<number>(MAX_NODES).fill(0));
  parseArch(arch).forEach((edges, n) => {
    for (const [op, j] of edges) m[n + 1]![j] = opIndex(op);
  });
  return m;
}

/** 6×5 one-hot rows, edges in canonical order. */
export function oneHot(arch: string): number[][] {
  return opsOf(arch).map((o) => OPS.map((_, k) => (k === o ? 1 : 0)));
}

/** `check_valid`: the output node is reachable from the input through non-`none` edges. */
export function isValid(arch: string): boolean {
  const valid = [true, false, false, false];
  parseArch(arch).forEach((edges, n) => {
    valid[n + 1] = edges.some(([op, j]) => op !== "none" && valid[j]!);
  });
  return valid[MAX_NODES - 1]!;
}
