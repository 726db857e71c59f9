/**
 * The one check of every path a command writes to, made before any work starts: a run that trains for an hour must
 * not fail at its first save, and a bad path must give one line, not a stack trace. Refused: a folder output that is a
 * file or lies under one, a file output that is a folder, a place the user cannot write (permissions, read-only or
 * immutable folders — found by creating and removing a probe file, the only test that sees them all), and pseudo file
 * systems (/proc, /sys …), where writes fail in odd ways and Node 20's recursive mkdir loops forever on /proc.
 */
import { closeSync, openSync, realpathSync, rmSync, statfsSync, statSync, type Stats } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { showInput, UserError } from "@aa-nas/core/errors.js";

export class OutputPathError extends UserError {}

export interface OutputPathOptions {
  /** the option that named the path, for the message (default `--out`) */
  flag?: string;
  /** file outputs: also accept an existing character device or pipe (`export --out /dev/stdout`) */
  stream?: boolean;
}

/** statfs magic numbers of kernel pseudo file systems (linux/magic.h): nothing a command writes belongs there. */
const PSEUDO_FS = new Map<number, string>([
  [0x9fa0, "proc"],
  [0x62656572, "sysfs"],
  [0x64626720, "debugfs"],
  [0x74726163, "tracefs"],
  [0x73636673, "securityfs"],
  [0x27e0eb, "cgroup"],
  [0x63677270, "cgroup2"],
  [0x6165676c, "pstore"],
  [0xcafe4a11, "bpf"],
  [0x1cd1, "devpts"],
  [0x62656570, "configfs"],
  [0xde5e81e4, "efivarfs"],
  [0xf97cff8c, "selinuxfs"],
  [0x65735543, "fusectl"],
  [0x42494e4d, "binfmt_misc"],
  [0x19800202, "mqueue"],
  [0x6e736673, "nsfs"],
]);

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return null;
    throw new OutputPathError(`cannot use ${showInput(path, 200)}: ${(err as Error).message}`);
  }
}

/** The path's nearest ancestor that exists (the path itself when it exists), with its stats. */
function nearestExisting(path: string): { at: string; stats: Stats } {
  for (let at = path; ; at = dirname(at)) {
    const stats = statOrNull(at);
    if (stats !== null) return { at, stats };
    if (dirname(at) === at) throw new OutputPathError(`cannot use ${showInput(path, 200)}: no part of it exists`);
  }
}

function refusePseudoFs(shown: string, flag: string, existing: string): void {
  const real = realpathSync(existing);
  let kind = PSEUDO_FS.get(Number(statfsSync(real).type));
  // /dev is a tmpfs (devtmpfs shares tmpfs's magic); only /dev/shm is meant for files
  if (kind === undefined && (real === "/dev" || (real.startsWith("/dev/") && real !== "/dev/shm" && !real.startsWith("/dev/shm/")))) kind = "devtmpfs";
  if (kind !== undefined) throw new OutputPathError(`bad ${flag} ${shown}: ${real} is on the ${kind} pseudo file system, where results cannot be stored; choose a folder on a disk`);
}

/** Creates and removes a probe file in `dir`: the one test that sees permissions, read-only mounts and immutable folders alike. */
function probeFolder(shown: string, flag: string, dir: string): void {
  const probe = join(dir, `.aa-nas-write-probe-${process.pid}-${Math.random().toString(36).slice(2)}`);
  try {
    closeSync(openSync(probe, "wx"));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new OutputPathError(`bad ${flag} ${shown}: cannot write in ${showInput(dir, 200)} (${e.code ?? e.message})`);
  }
  rmSync(probe, { force: true });
}

/**
 * Checks a folder a command will create (with its parents) or write into; returns the absolute path. Creates nothing
 * but a probe file, removed at once.
 */
export function checkOutputFolder(path: string, o: OutputPathOptions = {}): string {
  const flag = o.flag ?? "--out";
  const shown = `'${showInput(path, 200)}'`;
  if (path.trim() === "") throw new OutputPathError(`bad ${flag} '': expected a folder path`);
  const abs = resolve(path);
  const { at, stats } = nearestExisting(abs);
  if (!stats.isDirectory()) {
    throw new OutputPathError(
      at === abs
        ? `bad ${flag} ${shown}: it is a file, expected a folder (to create or to write into)`
        : `bad ${flag} ${shown}: ${showInput(at, 200)} is a file, so no folder can be made under it`,
    );
  }
  refusePseudoFs(shown, flag, at);
  probeFolder(shown, flag, at);
  return abs;
}

/** Checks a file a command will create or overwrite (a store, an export, a script); its folder must exist. */
export function checkOutputFile(path: string, o: OutputPathOptions = {}): string {
  const flag = o.flag ?? "--out";
  const shown = `'${showInput(path, 200)}'`;
  if (path.trim() === "") throw new OutputPathError(`bad ${flag} '': expected a file path`);
  const abs = resolve(path);
  const stats = statOrNull(abs);
  if (stats !== null) {
    if (stats.isDirectory()) throw new OutputPathError(`bad ${flag} ${shown}: it is a folder, expected a file`);
    if (o.stream === true && (stats.isCharacterDevice() || stats.isFIFO())) return abs;
    if (!stats.isFile()) throw new OutputPathError(`bad ${flag} ${shown}: it is not a regular file`);
  }
  const folder = dirname(abs);
  const { at, stats: folderStats } = nearestExisting(folder);
  if (!folderStats.isDirectory()) throw new OutputPathError(`bad ${flag} ${shown}: ${showInput(at, 200)} is a file, not a folder`);
  if (at !== folder) throw new OutputPathError(`bad ${flag} ${shown}: the folder ${showInput(folder, 200)} does not exist; create it first`);
  refusePseudoFs(shown, flag, folder);
  probeFolder(shown, flag, folder);
  if (stats !== null) {
    // the folder may be writable while the file is not (read-only or immutable file)
    try {
      closeSync(openSync(abs, "r+"));
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new OutputPathError(`bad ${flag} ${shown}: cannot write to it (${e.code ?? e.message})`);
    }
  }
  return abs;
}
