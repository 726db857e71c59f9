import { parseArch } from "./arch.js";

/**
 * `to_unique_str(consider_zero)` (spec §1.4), quirks included: the zero test is exact equality with `'#'`, so a node whose
 * string is `'#+#'` is not treated as zero. Terms are sorted by code point, as Python's `sorted` on str does.
 */
export function uniqueStr(arch: string, considerZero: boolean | null): string {
  const nodes = ["0"];
  for (const edges of parseArch(arch)) {
    const terms = edges.map(([op, j]) => {
      const input = nodes[j]!;
      if (considerZero === true) {
        if (op === "none" || input === "#") return "#";
        if (op === "skip_connect") return input;
      } else if (considerZero === false && op === "skip_connect") {
        return input;
      }
      return `(${input})@${op}`;
    });
    terms.sort(codePointCompare);
    nodes.push(terms.join("+"));
  }
  return nodes[nodes.length - 1]!;
}

function codePointCompare(a: string, b: string): number {
  // The strings are ASCII, where UTF-16 order equals code-point order.
  return a < b ? -1 : a > b ? 1 : 0;
}
