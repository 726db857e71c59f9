/**
 * One result file per (arch, seed): every dataset key trained for that seed, as the original's
 * `arch-XXXXXX-seed-YYYY.pth` (spec §5.1–5.2), but as checksummed JSON written atomically so that a crash leaves either
 * the old file or the new one, and a truncated or edited file is detected at merge.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { writeFileAtomic } from "@aa-nas/core/atomic-file.js";
import { UserError } from "@aa-nas/core/errors.js";
import { RECORD_DATASET_KEYS, type RunRecord } from "@aa-nas/core/registry/index.js";

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

/** `arch-XXXXXX-seed-YYYY`: what every file (and sweep job) of one (arch, seed) is named by. */
export function runStem(archIndex: number, seed: number): string {
  return `arch-${String(archIndex).padStart(6, "0")}-seed-${String(seed).padStart(4, "0")}`;
}

export function recordFileName(archIndex: number, seed: number): string {
  return `${runStem(archIndex, seed)}.json`;
}

/** The final weights of one dataset key of an (arch, seed), next to its record (packages/engine/src/train/weights-file.ts). */
export function weightsFileName(archIndex: number, seed: number, dataset: string): string {
  return `${runStem(archIndex, seed)}-${dataset}.safetensors`;
}

export function recordFilePath(dir: string, archIndex: number, seed: number): string {
  return join(dir, recordFileName(archIndex, seed));
}

function digest(payload: string): string {
  return createHash("sha256").update(payload).digest("hex");
}

/** Writes `{sha256, record}` atomically. */
export function writeRecordFile(path: string, record: RecordFile): void {
  const payload = JSON.stringify(record);
  writeFileAtomic(path, `{"sha256":"${digest(payload)}","record":${payload}}\n`);
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
  if (!m) {
    const rerun = seedFileRerun(text);
    if (rerun !== null) {
      throw new CorruptRecordError(
        `${path} is a per-seed file of an older \`aa-nas train-net\` (no checksum), which merge does not read; train it again with: ${rerun}`,
      );
    }
    throw new CorruptRecordError(`record file ${path} is truncated or not an aa-nas record (expected {"sha256":…,"record":…})`);
  }
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

/**
 * Older `train-net` versions wrote `{arch, archIndex, seed, hp, datasetKeys, records}` without a checksum under the same
 * name as a record file. Nothing proves such a file intact, so it is not merged; this returns the command that writes
 * it again as a record file (same arch, seed, keys, schedule and network size), or null for any other text.
 */
function seedFileRerun(text: string): string | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof v !== "object" || v === null || !("datasetKeys" in v) || !("records" in v) || !("archIndex" in v)) return null;
  const f = v as { archIndex: number; seed: number; hp: string; datasetKeys: string[]; records: Record<string, { config?: { channel: number; numCells: number } }> };
  const config = Object.values(f.records)[0]?.config;
  const size = config === undefined ? "" : ` --channel ${config.channel} --num-cells ${config.numCells}`;
  return `aa-nas train-net ${f.archIndex} --seeds ${f.seed} --datasets ${f.datasetKeys.join(" ")} --hp ${f.hp}${size} --out <dir>`;
}
