/** What a `train` invocation covers: arch indexes × seeds × dataset keys (spec §1.3 ranges, §3.6 keys). */
import { UserError } from "../errors.js";
import { NUM_ARCHS } from "../space/index.js";

/** Parses `A-B` (inclusive, as the original's job ranges) into indexes. */
export function parseRange(text: string): number[] {
  const m = /^(\d+)-(\d+)$/.exec(text.trim());
  if (!m) throw new UserError(`bad range '${text}': expected START-END with 0 <= START <= END <= ${NUM_ARCHS - 1}, e.g. 0-389`);
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (start > end || end >= NUM_ARCHS) {
    throw new UserError(`bad range '${text}': expected START-END with 0 <= START <= END <= ${NUM_ARCHS - 1}`);
  }
  return Array.from({ length: end - start + 1 }, (_, i) => start + i);
}

export function parseSeeds(values: readonly string[]): number[] {
  return values.map((v) => {
    if (!/^\d+$/.test(v)) throw new UserError(`bad seed '${v}': seeds are non-negative integers, e.g. 777 888 999`);
    return Number(v);
  });
}
