import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root (this file lives in test/support). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
