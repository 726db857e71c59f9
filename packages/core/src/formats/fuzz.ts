/**
 * Mutation fuzzing of the safe readers (pickle, bzip2 + pickle). Each case mutates a real input (byte flips,
 * interesting values, insertions, deletions, duplications, truncation, splices) and parses it. The only acceptable
 * outcomes are a value or a FormatError (ForbiddenGlobalError counted apart); anything else is a crash and is
 * reported with the case number so it can be replayed (`mutate(inputs, seed, case)` is deterministic).
 * Used by test/formats/fuzz.test.ts (CI slice) and perf/store/fuzz-long.mjs (≥ 100k cases).
 */
import { bunzip2 } from "./bzip2.js";
import { ForbiddenGlobalError, FormatError } from "./errors.js";
import { unpickle } from "./pickle.js";

export interface FuzzInput {
  name: string;
  bytes: Uint8Array;
  /** the bytes are bzip2-compressed (decode, then unpickle) */
  compressed: boolean;
}

export interface FuzzStats {
  cases: number;
  parsed: number;
  formatErrors: number;
  forbiddenGlobals: number;
  crashes: Array<{ case: number; input: string; error: string }>;
  maxCaseMs: number;
  totalMs: number;
}

/** mulberry32: tiny, fast, good enough to drive mutations reproducibly */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INTERESTING = [0x00, 0xff, 0x7f, 0x80, 0x01, 0x28, 0x2e, 0x75, 0x93, 0x52, 0x62, 0x95];

/** The mutated bytes of case `c` (deterministic in (seed, c)). */
export function mutate(inputs: readonly FuzzInput[], seed: number, c: number): { input: FuzzInput; bytes: Uint8Array } {
  const r = rng(seed * 1_000_003 + c);
  const int = (n: number): number => Math.floor(r() * n);
  const input = inputs[int(inputs.length)]!;
  let b: Uint8Array = input.bytes.slice();
  const edits = 1 + int(8);
  for (let e = 0; e < edits; e++) {
    const at = int(Math.max(1, b.length));
    switch (int(7)) {
      case 0:
        b[at] = b[at]! ^ (1 << int(8));
        break;
      case 1:
        b[at] = INTERESTING[int(INTERESTING.length)]!;
        break;
      case 2: {
        const ins = Uint8Array.from({ length: 1 + int(16) }, () => int(256));
        b = concat(b.subarray(0, at), ins, b.subarray(at));
        break;
      }
      case 3:
        b = concat(b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + int(64))));
        break;
      case 4: {
        const len = 1 + int(256);
        b = concat(b.subarray(0, at), b.subarray(at, at + len), b.subarray(at));
        break;
      }
      case 5:
        b = b.subarray(0, at);
        break;
      default: {
        const other = inputs[int(inputs.length)]!.bytes;
        const from = int(other.length);
        b = concat(b.subarray(0, at), other.subarray(from, from + 1 + int(512)), b.subarray(at));
      }
    }
  }
  return { input, bytes: b };
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function fuzz(inputs: readonly FuzzInput[], opts: { cases: number; seed?: number; onCase?: (c: number) => void }): FuzzStats {
  const seed = opts.seed ?? 1;
  const stats: FuzzStats = { cases: 0, parsed: 0, formatErrors: 0, forbiddenGlobals: 0, crashes: [], maxCaseMs: 0, totalMs: 0 };
  const start = performance.now();
  for (let c = 0; c < opts.cases; c++) {
    const { input, bytes } = mutate(inputs, seed, c);
    const t0 = performance.now();
    try {
      const raw = input.compressed ? bunzip2(bytes, input.name) : bytes;
      unpickle(raw, { label: input.name });
      stats.parsed++;
    } catch (e) {
      if (e instanceof ForbiddenGlobalError) stats.forbiddenGlobals++;
      else if (e instanceof FormatError) stats.formatErrors++;
      else stats.crashes.push({ case: c, input: input.name, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
    }
    stats.maxCaseMs = Math.max(stats.maxCaseMs, performance.now() - t0);
    stats.cases++;
    opts.onCase?.(c);
  }
  stats.totalMs = performance.now() - start;
  return stats;
}
