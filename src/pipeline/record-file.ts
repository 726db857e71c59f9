/**
 * One result file per (arch, seed): every dataset key trained for that seed, as the original's
 * `arch-XXXXXX-seed-YYYY.pth` (spec §5.1–5.2), but as checksummed JSON written atomically so that a crash leaves either
 * the old file or the new one, and a truncated or edited file is detected at merge.
 */
import { createHash } from "node:crypto";
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { basename, join } from "node:path";
import { UserError } from "../errors.js";
import { RECORD_DATASET_KEYS, type RunRecord } from "../core/index.js";

export const RECORD_FORMAT = "aa-nas-record/1";

export interface RecordFile {
  format: typeof RECORD_FORMAT;
  archIndex: number;
  arch: string;
  seed: number;
  hp: string;
  /** one run per dataset key, in training order */
  runs: RunRecord[];
  /** safetensors file with the final weights per dataset key, relative to the record file, or null */
  weights: Record<string, string> | null;
  /** free-form description of the machine and software that trained it (the original's `info` string) */
  machine: string;
}

export class CorruptRecordError extends UserError {}

export function recordFileName(archIndex: number, seed: number): string {
  return `arch-${String(archIndex).padStart(6, "0")}-seed-${String(seed).padStart(4, "0")}.json`;
}

export function recordFilePath(dir: string, archIndex: number, seed: number): string {
  return join(dir, recordFileName(archIndex, seed));
}

function digest(payload: string): string {
  return createHash("sha256").update(payload).digest("hex");
}

/** Writes `{sha256, record}` to a temp file, fsyncs, and renames it over the target. */
export function writeRecordFile(path: string, record: RecordFile): void {
  const payload = JSON.stringify(record);
  const text = `{"sha256":"${digest(payload)}","record":${payload}}\n`;
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w");
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Reads and verifies a record file; any damage is one `CorruptRecordError` naming the file. */
export function readRecordFile(path: string): RecordFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new CorruptRecordError(`cannot read record file ${path}: ${(err as Error).message}`);
  }
  const m = /^\{"sha256":"([0-9a-f]{64})","record":([\s\S]*)\}\n?$/.exec(text);
  if (!m) throw new CorruptRecordError(`record file ${path} is truncated or not an aa-nas record (expected {"sha256":…,"record":…})`);
  const [, sum, payload] = m as unknown as [string, string, string];
  if (digest(payload) !== sum) throw new CorruptRecordError(`record file ${path} is corrupted: its sha256 does not match its content`);
  const record = JSON.parse(payload) as RecordFile;
  if (record.format !== RECORD_FORMAT) {
    throw new CorruptRecordError(`record file ${path} has format '${String(record.format)}', expected '${RECORD_FORMAT}'`);
  }
  const expectedName = recordFileName(record.archIndex, record.seed);
  if (basename(path) !== expectedName) {
    throw new CorruptRecordError(`record file ${path} holds arch ${record.archIndex} seed ${record.seed}; its name should be ${expectedName}`);
  }
  for (const run of record.runs) {
    if (!(RECORD_DATASET_KEYS as readonly string[]).includes(run.dataset) || run.archIndex !== record.archIndex || run.seed !== record.seed) {
      throw new CorruptRecordError(`record file ${path} has an inconsistent run (${run.dataset}, arch ${run.archIndex}, seed ${run.seed})`);
    }
  }
  return record;
}
