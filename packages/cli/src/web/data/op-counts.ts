/** Op codes of all 15,625 archs, computed once, for the overview's op-count filters and its compact point encoding. */
import { allArchs, OPS, type OpName } from "@aa-nas/core/space/index.js";

/** The filter names the overview accepts, one per operation (short enough for a query string). */
export const OP_FILTERS = {
  none: "none",
  skip: "skip_connect",
  conv1x1: "nor_conv_1x1",
  conv3x3: "nor_conv_3x3",
  pool: "avg_pool_3x3",
} as const satisfies Record<string, OpName>;
export type OpFilterName = keyof typeof OP_FILTERS;
export const OP_FILTER_NAMES = Object.keys(OP_FILTERS) as OpFilterName[];

let codes: Uint8Array | null = null;
let codeStrings: string[] | null = null;

/** Six op indices per arch (canonical edge order), arch-major. */
export function allOpCodes(): Uint8Array {
  if (codes === null) {
    const archs = allArchs();
    const out = new Uint8Array(archs.length * 6);
    const opIndex = new Map<string, number>(OPS.map((op, k) => [op, k]));
    archs.forEach((arch, i) => {
      // allArchs() strings are canonical (edges written in canonical order), so the tokens come in edge order;
      // this split is ~10× faster than a full parseArch per arch
      let e = 0;
      for (const token of arch.split(/[|+]/)) {
        if (token.length === 0) continue;
        out[i * 6 + e++] = opIndex.get(token.slice(0, token.indexOf("~")))!;
      }
    });
    codes = out;
  }
  return codes;
}

/** The arch's six op indices as a string, e.g. "330102" (the front-end decodes it with the same OPS order). */
export function opCodeString(index: number): string {
  if (codeStrings === null) {
    const c = allOpCodes();
    codeStrings = Array.from({ length: c.length / 6 }, (_, i) => String.fromCharCode(...Array.from(c.subarray(i * 6, i * 6 + 6), (k) => 48 + k)));
  }
  return codeStrings[index]!;
}

/** How many edges of the arch carry `op`. */
export function countOp(index: number, op: OpName): number {
  const c = allOpCodes();
  const k = OPS.indexOf(op);
  let n = 0;
  for (let e = 0; e < 6; e++) if (c[index * 6 + e] === k) n++;
  return n;
}
