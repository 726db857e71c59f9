/**
 * The one way this project replaces a file that must never be seen half-written (records, weights, checkpoints):
 * write a temporary file beside it, fsync it, rename it over the target, then fsync the folder. The file's fsync makes
 * its bytes durable before the rename can name them; the folder's makes the rename itself durable, so after a power
 * loss the name points at either the old file or the complete new one.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { dirname } from "node:path";

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    const fd = openSync(tmp, "w");
    try {
      if (typeof data === "string") writeSync(fd, data);
      else for (let at = 0; at < data.length; ) at += writeSync(fd, data, at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  syncFolder(dirname(path));
}

/** fsync a folder, so a rename or link inside it survives a crash. */
export function syncFolder(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
