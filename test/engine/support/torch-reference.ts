// Runs test/engine/reference/torch_reference.py under Debian's PyTorch and returns its JSON output.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../../support/paths.js";
import { PYTHON, requireSystem } from "../../support/system.js";

const SCRIPT = join(repoRoot, "test", "engine", "reference", "torch_reference.py");

export function runTorchReference<T>(
  testCase: string,
  spec: Record<string, unknown>,
  files: Record<string, Float32Array | BigInt64Array>,
): T {
  requireSystem("torch");
  const dir = mkdtempSync(join(tmpdir(), "aa-nas-parity-"));
  try {
    writeFileSync(join(dir, "input.json"), JSON.stringify(spec));
    for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    const r = spawnSync(PYTHON, [SCRIPT, testCase, dir], { encoding: "utf8", timeout: 120_000 });
    if (r.status !== 0) throw new Error(`reference PyTorch failed (${r.status}): ${r.stderr}`);
    return JSON.parse(readFileSync(join(dir, "output.json"), "utf8")) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Deterministic pseudo-random float32 values in [-1, 1) (mulberry32), identical on every platform. */
export function seededFloats(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let a = seed >>> 0;
  for (let i = 0; i < count; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

/** Deterministic labels in [0, classes). */
export function seededLabels(count: number, classes: number, seed: number): BigInt64Array {
  const f = seededFloats(count, seed);
  return BigInt64Array.from(f, (v) => BigInt(Math.min(classes - 1, Math.floor(((v + 1) / 2) * classes))));
}

/** Largest |a-b|/max(|b|, tiny) over two equally long lists. */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    worst = Math.max(worst, Math.abs(x - y) / Math.max(Math.abs(y), 1e-30));
  }
  return worst;
}
