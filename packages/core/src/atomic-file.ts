/**
 * The one way this project replaces a file that must never be seen half-written (records, weights, checkpoints):
 * write a temporary file beside it, fsync it, rename it over the target, then fsync the folder. The file's fsync makes
 * its bytes durable before the rename can name them; the folder's makes the rename itself durable, so after a power
 * loss the name points at either the old file or the complete new one.
 */
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { basename, dirname, join } from "node:path";

/** Host tag of temporary names: a folder shared between machines (a sweep's output) holds other hosts' live writes. */
const HOST = hostname().replace(/[^A-Za-z0-9.]/g, "_") || "host";
const TEMP = new RegExp(`^\\..+\\.tmp-${HOST.replace(/\./g, "\\.")}-(\\d+)-[0-9a-f]{8}(?:-journal|-wal|-shm)?$`);
const swept = new Set<string>();

/**
 * A hidden temporary sibling of `path` named after this host and process, so that a later run can tell the leftover
 * of a killed writer (SIGKILL runs no cleanup) from the file of a writer still at work: see removeStaleTemps.
 */
export function tempSibling(path: string): string {
  // Math.random, not node:crypto: the name only has to differ between this process's writes, and a one-shot query
  // (which loads this module through the store) should not pay for loading crypto
  const hex = Math.floor(Math.random() * 2 ** 32).toString(16).padStart(8, "0");
  return join(dirname(path), `.${basename(path)}.tmp-${HOST}-${process.pid}-${hex}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by someone else
  }
}

/**
 * Removes the temporary files (tempSibling names, with SQLite's -journal/-wal/-shm) that writers on this host left in
 * `dir` when they were killed: those whose process no longer exists. Returns how many were removed. Once per folder
 * and process unless `always` (a folder of 15,625 records is listed once, not per record).
 */
export function removeStaleTemps(dir: string, always = false): number {
  if (!always && swept.has(dir)) return 0;
  swept.add(dir);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0; // the folder is created later or cannot be listed: the write itself reports it
  }
  let removed = 0;
  for (const name of names) {
    const m = TEMP.exec(name);
    if (m === null || alive(Number(m[1]))) continue;
    rmSync(join(dir, name), { force: true });
    removed++;
  }
  return removed;
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  removeStaleTemps(dirname(path));
  const tmp = tempSibling(path);
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
