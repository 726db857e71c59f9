import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root (this file lives in test/support). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The team's reference data beside the clone (`../shared`); CI lays it there too. */
export const sharedDir = process.env.AA_NAS_SHARED ?? resolve(repoRoot, "..", "shared");

export function sharedPath(...parts: string[]): string {
  const p = join(sharedDir, ...parts);
  if (!existsSync(p)) throw new Error(`reference file missing: ${p} (tests expect ../shared beside the clone, or AA_NAS_SHARED)`);
  return p;
}
