/**
 * Generated bad inputs for the hardening tests and perf/hardening: bzip2, gzip and zip bombs, byte flips inside real
 * NATS records that the pickle format still accepts, and a CLI runner that measures the child's peak RSS.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { constants, deflateRawSync } from "node:zlib";
import { bunzip2 } from "../../packages/core/src/formats/bzip2.js";
import { repoRoot } from "./paths.js";
import { NATS_SAMPLE, referencePath } from "./reference.js";

/** One bzip2 stream of 45,000,000 zero bytes (50 bytes: bzip2's run-length stage makes zeros almost free). */
const BZ_ZEROS_45MB = Buffer.from("QlpoOTFBWSZTWckBtsgBWKtAIMAAEAAACCAAMMwFKaZSSFJsVJIUni7kinChIZIDbZA=", "base64");

/** A multi-stream .bz2 of `streams` × 45 MB of zeros: 66 streams = 3.3 KB that decompress to 3 GB. */
export function bzip2Bomb(streams: number): Buffer {
  return Buffer.concat(Array.from({ length: streams }, () => BZ_ZEROS_45MB));
}

export function bzip2(data: Uint8Array): Buffer {
  const r = spawnSync("bzip2", ["-c", "-9"], { input: data, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`bzip2 failed: ${String(r.stderr)}`);
  return r.stdout;
}

/** Copies the real NATS sample (meta + archs 0, 11, 284) into `dir`. */
export function copyNatsSample(dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const f of ["meta.pickle.pbz2", "000000.pickle.pbz2", "000011.pickle.pbz2", "000284.pickle.pbz2"]) {
    copyFileSync(referencePath(NATS_SAMPLE, f), join(dir, f));
  }
  return dir;
}

/**
 * The decompressed pickle of a NATS arch file with one byte of one float changed: the `BINFLOAT` (`G` + 8 bytes
 * big-endian) holding `value` gets byte `byte` XOR `mask`. Pickle still accepts it; only the value is impossible
 * (byte 1 ^ 0x80 scales by 2^±8: 55.08 % becomes 14101 %; byte 0 ^ 0x80 flips the sign).
 */
export function flipPickledFloat(pickle: Uint8Array, value: number, byte: number, mask: number): Uint8Array {
  const be = Buffer.alloc(8);
  be.writeDoubleBE(value);
  const buf = Buffer.from(pickle);
  for (let i = 0; i + 9 <= buf.length; i++) {
    if (buf[i] === 0x47 && buf.subarray(i + 1, i + 9).equals(be)) {
      buf[i + 1 + byte]! ^= mask;
      return buf;
    }
  }
  throw new Error(`float ${value} not found in the pickle`);
}

/** Writes `<dir>/<name>` as a NATS arch file whose pickled float `value` is flipped. */
export function natsFileWithFlip(src: string, value: number, byte: number, mask: number): Buffer {
  return bzip2(flipPickledFloat(bunzip2(readFileSync(src)), value, byte, mask));
}

/**
 * A deflate stream of `copies` × `chunkMiB` MiB of zeros, made from one compressed chunk repeated (each ends with a
 * sync flush, so copies concatenate), closed by an empty final block: 48 × 64 MiB = 3 GiB from ~3 MB.
 */
export function deflateBomb(copies: number, chunkMiB = 64): Buffer {
  const one = deflateRawSync(new Uint8Array(chunkMiB << 20), { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
  const end = deflateRawSync(new Uint8Array(0));
  return Buffer.concat([...Array.from({ length: copies }, () => one), end]);
}

/** A one-entry zip (method 8) whose directory declares `declaredSize` uncompressed bytes for `data`. */
export function zipWithEntry(name: string, data: Buffer, declaredSize: number): Buffer {
  const n = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(declaredSize, 22);
  local.writeUInt16LE(n.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(declaredSize, 24);
  central.writeUInt16LE(n.length, 28);
  central.writeUInt32LE(0, 42);
  const dirOffset = 30 + n.length + data.length;
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(46 + n.length, 12);
  eocd.writeUInt32LE(dirOffset, 16);
  return Buffer.concat([local, n, data, central, n, eocd]);
}

export interface MeasuredRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** peak resident set size of the child, in MiB (GNU time's %M) */
  maxRssMiB: number;
  seconds: number;
}

/** Runs the built CLI under /usr/bin/time and reports the child's peak RSS. */
export function runCliMeasured(args: string[], opts: { timeoutMs?: number; shellPrefix?: string } = {}): MeasuredRun {
  const main = join(repoRoot, "packages", "cli", "dist", "main.js");
  if (!existsSync(main)) throw new Error(`${main} missing: run 'npm run build' before the CLI tests`);
  const out = join(tmpdir(), `aa-nas-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const started = Date.now();
  const r = spawnSync("/usr/bin/time", ["-f", "%M", "-o", out, process.execPath, main, ...args], {
    encoding: "utf8",
    timeout: opts.timeoutMs ?? 120_000,
    killSignal: "SIGKILL",
  });
  const seconds = (Date.now() - started) / 1000;
  let maxRssMiB = NaN;
  if (existsSync(out)) {
    const lines = readFileSync(out, "utf8").trim().split("\n");
    maxRssMiB = Number(lines[lines.length - 1]) / 1024;
    rmSync(out, { force: true });
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, maxRssMiB, seconds };
}

/** A user error as the CLI prints it: exit 2, one line, no stack trace. */
export function oneLineError(r: { status: number | null; stderr: string }): string | null {
  const lines = r.stderr.trim().split("\n");
  if (r.status !== 2 || lines.length !== 1 || /^\s+at /m.test(r.stderr)) return null;
  return lines[0]!;
}
