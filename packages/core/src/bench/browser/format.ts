/**
 * The browser export's layout (docs/browser.md): a folder of static files, read with plain GETs.
 *
 *   manifest.json                       ExportManifest: search space, hps, evaluated archs, the file of every ranking / trial count
 *   rankings/<hp#>-<dataset>-<metric>.top|.summary
 *                                       the store's ranking BLOBs, byte for byte (ranking.ts encodeTop / encodeRanking)
 *   trials/<hp#>.json                   trials per (arch, dataset) of one hp, as arch ranges (statistics)
 *   archs/<i div 1000>/<i>.bin          one arch's runs: the `runs` columns queries decode (DECODE_COLUMNS), BLOBs as stored
 *
 * Encoding and decoding use DataView / TextEncoder only: this module is loaded by the browser and by the Node writer.
 */
import type { RecordDatasetKey } from "../../registry/index.js";
import { SPACE_NAMES, type SpaceName } from "../../space/index.js";
import { StoreError } from "../errors.js";
import type { StoredRow } from "../row-decode.js";

export const EXPORT_FORMAT = "aa-nas-bench-browser";
/**
 * Version 2 names the search space in the manifest. A reader refuses versions it does not list: a version-1 reader
 * would read an sss export's chunks as topology archs, so exports that name their space must not look like version 1.
 */
export const EXPORT_VERSION = 2;
/** What this reader reads: version 1 (written before the size space, always tss) and the current one. */
export const READABLE_VERSIONS: readonly number[] = [1, EXPORT_VERSION];
const CHUNK_MAGIC = "AANBARCH";

export interface FileRef {
  file: string;
  bytes: number;
}

export interface RankingFiles {
  hp: string;
  dataset: string;
  metric: string;
  /** null where the store has no top (only the full summary answers like the original) */
  top: FileRef | null;
  summary: FileRef;
}

export interface ExportManifest {
  format: typeof EXPORT_FORMAT;
  version: number;
  /** the search space of the store's archs (its meta 'space'); absent in version 1, which knew tss only */
  space?: SpaceName;
  /** random per export, repeated in every arch chunk: a chunk from another export (a stale cache) is refused */
  id: string;
  createdAt: string;
  store: { format: string; schemaVersion: number; runs: number; archs: number; datasets: string[] };
  hps: string[];
  /** evaluated arch indexes as inclusive ranges [first, last], ascending */
  evaluated: Array<[number, number]>;
  rankings: RankingFiles[];
  trials: Array<{ hp: string } & FileRef>;
  archs: { count: number; bytes: number; maxBytes: number };
}

/**
 * The search space a manifest describes: version 1 knew tss only; from version 2 the manifest must name one of the
 * spaces this reader knows (a StoreError otherwise: a newer writer's space would be read as the wrong archs).
 */
export function manifestSpace(m: Pick<ExportManifest, "version" | "space">): SpaceName {
  if (m.version === 1) return "tss";
  const name = m.space;
  const known = `this reader reads ${SPACE_NAMES.map((n) => `'${n}'`).join(" and ")} exports: re-export with this version of aa-nas`;
  if (name === undefined) throw new StoreError(`manifest.json (format version ${m.version}) names no search space; ${known}`);
  if (typeof name !== "string" || !(SPACE_NAMES as readonly string[]).includes(name)) throw new StoreError(`manifest.json names the search space '${String(name)}'; ${known}`);
  return name as SpaceName;
}

/** trials/<hp#>.json: for each (dataset, trial count), the archs that have it, as inclusive ranges. */
export interface TrialsFile {
  hp: string;
  groups: Array<{ dataset: string; trials: number; archs: Array<[number, number]> }>;
}

export function archFile(index: number): string {
  return `archs/${Math.floor(index / 1000)}/${index}.bin`;
}

export function rankingFile(hpOrdinal: number, dataset: string, metric: string, part: "top" | "summary"): string {
  return `rankings/${hpOrdinal}-${dataset}-${metric}.${part}`;
}

export function trialsFile(hpOrdinal: number): string {
  return `trials/${hpOrdinal}.json`;
}

/** Ascending integers → inclusive ranges. */
export function toRanges(sorted: readonly number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && i === last[1] + 1) last[1] = i;
    else out.push([i, i]);
  }
  return out;
}

export function fromRanges(ranges: ReadonlyArray<readonly [number, number]>): number[] {
  const out: number[] = [];
  for (const [a, b] of ranges) for (let i = a; i <= b; i++) out.push(i);
  return out;
}

export interface ChunkRun {
  hp: string;
  dataset: string;
  row: StoredRow;
}

/** One arch's part of the store: its runs and the answers of hpsOf / datasetsOf, as the store gave them. */
export interface ArchChunk {
  id: string;
  index: number;
  hps: string[];
  datasets: Array<{ hp: string; datasets: RecordDatasetKey[] }>;
  runs: ChunkRun[];
}

interface ChunkHeader {
  id: string;
  index: number;
  hps: string[];
  datasets: Array<{ hp: string; datasets: RecordDatasetKey[] }>;
  /** column names of the scalar values and of the BLOBs, in the order of each run's `s` and `b` */
  scalar: string[];
  blob: string[];
  runs: Array<{ hp: string; dataset: string; s: Array<string | number | null>; b: Array<[number, number] | null> }>;
  blobBytes: number;
}

const HEAD = 16;

/**
 * magic (8 bytes) | version (uint32 LE) | header length H (uint32 LE) | header (UTF-8 JSON, H bytes) | zero padding to a
 * multiple of 8 | BLOB area (header.blobBytes). BLOB cells are [offset, length] into the area, copied unchanged, so the
 * browser decodes exactly the bytes SQLite holds.
 */
export function encodeChunk(chunk: ArchChunk, columns: readonly string[]): Uint8Array {
  const blob = columns.filter((c) => chunk.runs.some((r) => r.row[c] instanceof Uint8Array));
  const scalar = columns.filter((c) => !blob.includes(c));
  const parts: Uint8Array[] = [];
  let blobBytes = 0;
  const runs = chunk.runs.map(({ hp, dataset, row }) => ({
    hp,
    dataset,
    s: scalar.map((c) => {
      const v = row[c];
      if (v instanceof Uint8Array) throw new StoreError(`arch ${chunk.index}: column ${c} mixes BLOBs and scalars across runs`);
      return v ?? null;
    }),
    b: blob.map((c): [number, number] | null => {
      const v = row[c];
      if (v === null || v === undefined) return null;
      if (!(v instanceof Uint8Array)) throw new StoreError(`arch ${chunk.index}: column ${c} mixes BLOBs and scalars across runs`);
      parts.push(v);
      blobBytes += v.length;
      return [blobBytes - v.length, v.length];
    }),
  }));
  const header: ChunkHeader = { id: chunk.id, index: chunk.index, hps: chunk.hps, datasets: chunk.datasets, scalar, blob, runs, blobBytes };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const start = HEAD + json.length + ((8 - ((HEAD + json.length) % 8)) % 8);
  const out = new Uint8Array(start + blobBytes);
  out.set(new TextEncoder().encode(CHUNK_MAGIC), 0);
  const dv = new DataView(out.buffer);
  dv.setUint32(8, EXPORT_VERSION, true);
  dv.setUint32(12, json.length, true);
  out.set(json, HEAD);
  let at = start;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Decodes an arch chunk; `where` names it in errors (its URL). Throws StoreError on anything malformed. */
export function decodeChunk(bytes: Uint8Array, where: string): ArchChunk {
  const bad = (what: string): never => {
    throw new StoreError(`${where} is not an arch chunk of an aa-nas browser export or is damaged: ${what}; re-create the export with 'aa-nas export --format browser'`);
  };
  if (bytes.length < HEAD || new TextDecoder().decode(bytes.subarray(0, 8)) !== CHUNK_MAGIC) bad("bad magic");
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const version = dv.getUint32(8, true);
  if (!READABLE_VERSIONS.includes(version)) bad(`format version ${version}, this reader reads ${READABLE_VERSIONS.join(" and ")}`);
  const h = dv.getUint32(12, true);
  if (HEAD + h > bytes.length) bad(`header of ${h} bytes in a file of ${bytes.length}`);
  let header: ChunkHeader;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(HEAD, HEAD + h))) as ChunkHeader;
  } catch (e) {
    return bad(`header is not JSON (${(e as Error).message})`);
  }
  const start = HEAD + h + ((8 - ((HEAD + h) % 8)) % 8);
  if (typeof header.blobBytes !== "number" || start + header.blobBytes !== bytes.length) bad(`${bytes.length} bytes, the header describes ${start + Number(header.blobBytes)}`);
  if (!Array.isArray(header.runs) || !Array.isArray(header.scalar) || !Array.isArray(header.blob)) bad("header lacks runs or columns");
  const area = bytes.subarray(start);
  const runs = header.runs.map((r): ChunkRun => {
    const row: StoredRow = {};
    header.scalar.forEach((c, k) => (row[c] = r.s[k] ?? null));
    header.blob.forEach((c, k) => {
      const cell = r.b[k];
      if (cell === null || cell === undefined) row[c] = null;
      else {
        const [o, n] = cell;
        if (!(Number.isInteger(o) && Number.isInteger(n) && o >= 0 && n >= 0 && o + n <= area.length)) bad(`BLOB ${c} at [${o}, ${n}] outside the data`);
        row[c] = area.subarray(o, o + n);
      }
    });
    return { hp: r.hp, dataset: r.dataset, row };
  });
  return { id: header.id, index: header.index, hps: header.hps, datasets: header.datasets, runs };
}
