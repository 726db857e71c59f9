/**
 * The ranking summaries behind `findBest` and their BLOB layouts (docs/format.md, table `rankings`).
 *
 *   RankingSummary  every arch of one (hp, dataset, metric), archs ascending: what the original's scan reads
 *   RankingTop      the best TOP_SIZE of them, best first: enough to answer almost every query from a 14 KB read
 */

export type RankingMetric = "train_acc" | "xvalid_acc" | "xtest_acc" | "oritest_acc";
export const RANKING_METRICS: readonly RankingMetric[] = ["train_acc", "xvalid_acc", "xtest_acc", "oritest_acc"];
/** flags bit: some trial lacks the metric at its last epoch (the original raises when it ranks this arch) */
export const RANKING_VALUE_MISSING = 1;
/** flags bit: per-seed FLOPs/params disagree without a seed-888 trial (the original raises in get_compute_costs) */
export const RANKING_COSTS_UNDEFINED = 2;

/**
 * Per-arch ranking inputs of one (hp, dataset, metric), archs ascending: mean FLOPs / params as get_compute_costs
 * computes them and the mean last-epoch metric over trials in seed order (Python sum/len), bit-exact.
 */
export interface RankingSummary {
  index: Int32Array;
  flops: Float64Array;
  params: Float64Array;
  value: Float64Array;
  flags: Uint8Array;
}

/**
 * The first `index.length` archs by value descending, arch ascending among ties, of a summary with `total` archs. The
 * first of them within the cost limits is what the original's strict-`<` scan in arch order returns; when none is,
 * the answer lies beyond the top (or there is none, when the top holds every arch).
 */
export interface RankingTop {
  total: number;
  index: Int32Array;
  flops: Float64Array;
  params: Float64Array;
  value: Float64Array;
}

/** 512 entries = 14 KB, one or two SQLite pages; the full summary of 15,625 archs is 453 KB. */
export const TOP_SIZE = 512;

/**
 * The top of a summary, or null where it would not answer like the original: a flagged arch (the original raises at
 * it, in arch order) or a NaN value (its comparison never replaces a NaN best, nor picks one later).
 */
export function rankingTop(r: RankingSummary, size = TOP_SIZE): RankingTop | null {
  if (r.flags.some((f) => f !== 0) || r.value.some((v) => Number.isNaN(v))) return null;
  const order = Int32Array.from(r.value.keys())
    .sort((a, b) => r.value[b]! - r.value[a]! || a - b)
    .subarray(0, size);
  const pick = (a: Float64Array): Float64Array => Float64Array.from(order, (i) => a[i]!);
  return { total: r.index.length, index: Int32Array.from(order, (i) => r.index[i]!), flops: pick(r.flops), params: pick(r.params), value: pick(r.value) };
}

/** Typed-array view on a BLOB (better-sqlite3 returns a fresh Buffer per read, so views are safe to keep); a copy when unaligned. */
function view<T extends Int32Array | Float64Array | Uint8Array>(
  b: Uint8Array,
  make: { new (n: number): T; new (buffer: ArrayBufferLike, byteOffset: number, length: number): T; BYTES_PER_ELEMENT: number },
  at: number,
  n: number,
): T {
  const offset = b.byteOffset + at;
  if (offset % make.BYTES_PER_ELEMENT === 0) return new make(b.buffer, offset, n);
  const out = new make(n);
  new Uint8Array(out.buffer).set(b.subarray(at, at + n * make.BYTES_PER_ELEMENT));
  return out;
}

/** Bytes up to the float64 columns, padded so they start at a multiple of 8. */
function floatStart(headerBytes: number): number {
  return headerBytes + ((8 - (headerBytes % 8)) % 8);
}

function putArrays(buf: Buffer, at: number, arrays: readonly Float64Array[]): void {
  for (const a of arrays) {
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(buf, at);
    at += a.byteLength;
  }
}

/**
 * n (uint32), index (int32 × n), flags (uint8 × n), padding, then float64 × n for FLOPs, params and the metric.
 * Typed as Uint8Array (a Buffer at run time) so the published typings compile without @types/node.
 */
export function encodeRanking(r: RankingSummary): Uint8Array {
  const n = r.index.length;
  const f = floatStart(4 + 5 * n);
  const buf = Buffer.alloc(f + 24 * n);
  buf.writeUInt32LE(n, 0);
  Buffer.from(r.index.buffer, r.index.byteOffset, 4 * n).copy(buf, 4);
  Buffer.from(r.flags.buffer, r.flags.byteOffset, n).copy(buf, 4 + 4 * n);
  putArrays(buf, f, [r.flops, r.params, r.value]);
  return buf;
}

export function decodeRanking(b: Uint8Array): RankingSummary | null {
  if (b.length < 4) return null;
  const n = new DataView(b.buffer, b.byteOffset, b.length).getUint32(0, true);
  const f = floatStart(4 + 5 * n);
  if (b.length !== f + 24 * n) return null;
  return {
    index: view(b, Int32Array, 4, n),
    flags: view(b, Uint8Array, 4 + 4 * n, n),
    flops: view(b, Float64Array, f, n),
    params: view(b, Float64Array, f + 8 * n, n),
    value: view(b, Float64Array, f + 16 * n, n),
  };
}

/** total (uint32), k (uint32), index (int32 × k), padding, then float64 × k for FLOPs, params and the metric. */
export function encodeTop(t: RankingTop): Uint8Array {
  const k = t.index.length;
  const f = floatStart(8 + 4 * k);
  const buf = Buffer.alloc(f + 24 * k);
  buf.writeUInt32LE(t.total, 0);
  buf.writeUInt32LE(k, 4);
  Buffer.from(t.index.buffer, t.index.byteOffset, 4 * k).copy(buf, 8);
  putArrays(buf, f, [t.flops, t.params, t.value]);
  return buf;
}

export function decodeTop(b: Uint8Array): RankingTop | null {
  if (b.length < 8) return null;
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  const total = dv.getUint32(0, true);
  const k = dv.getUint32(4, true);
  const f = floatStart(8 + 4 * k);
  if (k > total || b.length !== f + 24 * k) return null;
  return {
    total,
    index: view(b, Int32Array, 8, k),
    flops: view(b, Float64Array, f, k),
    params: view(b, Float64Array, f + 8 * k, k),
    value: view(b, Float64Array, f + 16 * k, k),
  };
}
