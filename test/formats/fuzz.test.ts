/**
 * CI slice of the mutation fuzzer over the real NATS sample pickles (the long run, ≥ 100k cases, is
 * perf/store/fuzz-long.mjs; its result is in docs/performance/store.md). Outcomes must be a value or a FormatError.
 */
import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { bunzip2 } from "../../packages/core/src/formats/bzip2.js";
import { fuzz, type FuzzInput } from "../../packages/core/src/formats/fuzz.js";
import { NATS_SAMPLE as SAMPLE, referencePath } from "../support/reference.js";

function inputs(): FuzzInput[] {
  const out: FuzzInput[] = [];
  for (const name of ["000000", "000011", "000284"]) {
    const path = referencePath(SAMPLE, `${name}.pickle.pbz2`);
    const compressed = new Uint8Array(readFileSync(path));
    const raw = bunzip2(compressed, path);
    out.push({ name: `${name}.pickle`, bytes: raw, compressed: false });
    // a short prefix-free slice keeps the per-case cost small while still ending in real structure
    out.push({ name: `${name}.pickle[head]`, bytes: raw.subarray(0, 20_000), compressed: false });
  }
  return out;
}

test("3000 mutated sample pickles: every case parses or fails with a FormatError, none crashes or stalls", () => {
  const stats = fuzz(inputs(), { cases: 3000, seed: 20240601 });
  expect(stats.crashes, JSON.stringify(stats.crashes.slice(0, 3))).toStrictEqual([]);
  expect(stats.cases).toBe(3000);
  expect(stats.formatErrors).toBeGreaterThan(1000);
  expect(stats.maxCaseMs).toBeLessThan(2000);
});

test("mutated compressed .pbz2 inputs fail cleanly in the bzip2 layer or the pickle layer", () => {
  const path = referencePath(SAMPLE, "000011.pickle.pbz2");
  const stats = fuzz([{ name: "000011.pickle.pbz2", bytes: new Uint8Array(readFileSync(path)), compressed: true }], { cases: 60, seed: 7 });
  expect(stats.crashes, JSON.stringify(stats.crashes.slice(0, 3))).toStrictEqual([]);
  expect(stats.parsed + stats.formatErrors + stats.forbiddenGlobals).toBe(60);
});
