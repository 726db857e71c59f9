// Runs the references in test/search-ws/reference/ under Debian's PyTorch (written from the specs): the topology search
// supernet (supernet_reference.py) and the size space's channel-search supernet (size_supernet_reference.py).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../../support/paths.js";
import { PYTHON, requireSystem } from "../../support/system.js";

export { seededFloats, seededLabels, maxRelativeError } from "../../engine/support/torch-reference.js";

const REFERENCES = join(repoRoot, "test", "search-ws", "reference");

export type RawArray = Float32Array | BigInt64Array;

/** Writes `files` (relative paths) and input.json into a temp dir, runs the case, returns output.json. */
export function runSupernetReference<T>(testCase: string, spec: Record<string, unknown>, files: Record<string, RawArray>, timeoutMs = 300_000): T {
  return runReference<T>("supernet_reference.py", testCase, spec, files, timeoutMs);
}

export function runSizeSupernetReference<T>(testCase: string, spec: Record<string, unknown>, files: Record<string, RawArray>, timeoutMs = 300_000): T {
  return runReference<T>("size_supernet_reference.py", testCase, spec, files, timeoutMs);
}

function runReference<T>(script: string, testCase: string, spec: Record<string, unknown>, files: Record<string, RawArray>, timeoutMs: number): T {
  requireSystem("torch");
  const dir = mkdtempSync(join(tmpdir(), "aa-nas-ws-ref-"));
  try {
    writeFileSync(join(dir, "input.json"), JSON.stringify(spec));
    for (const [name, data] of Object.entries(files)) {
      const path = join(dir, name);
      mkdirSync(join(path, ".."), { recursive: true });
      writeFileSync(path, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    }
    const r = spawnSync(PYTHON, [join(REFERENCES, script), testCase, dir], { encoding: "utf8", timeout: timeoutMs });
    if (r.status !== 0) throw new Error(`reference PyTorch failed (${r.status}): ${r.stderr || r.error?.message}`);
    return JSON.parse(readFileSync(join(dir, "output.json"), "utf8")) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
