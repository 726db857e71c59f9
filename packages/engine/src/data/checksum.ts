import { createHash } from "node:crypto";
import { DataFileError } from "./errors.js";

export type HashAlgorithm = "md5" | "sha256";

export function digestHex(bytes: Uint8Array, algorithm: HashAlgorithm): string {
  return createHash(algorithm).update(bytes).digest("hex");
}

/**
 * Throws one clear error when `bytes` (read from `file`) do not hash to `expected`. A truncated download is the usual
 * cause, so the size is part of the message.
 */
export function verifyChecksum(bytes: Uint8Array, expected: string, algorithm: HashAlgorithm, file: string, remedy: string): void {
  const actual = digestHex(bytes, algorithm);
  if (actual !== expected.toLowerCase()) {
    throw new DataFileError(
      `${file} (${bytes.length} bytes) has ${algorithm} ${actual}, expected ${expected}: the file is truncated or corrupt; ${remedy}`,
    );
  }
}
