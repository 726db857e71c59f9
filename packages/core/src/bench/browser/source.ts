/**
 * A BenchSource over a browser export (format.ts), fetched piece by piece: the manifest at open, then one arch chunk per
 * arch queried, and a ranking or trial-count file the first time a findBest / statistics needs it. NasBench's reads are
 * synchronous, so a read of a piece not fetched yet throws NotLoadedError carrying the fetch; the async facade
 * (./index.ts) awaits it and asks again. Every arch query reads one arch only and that arch's chunk holds all of its
 * runs, so such a retry happens before the query has drawn a random number or counted time.
 */
import type { RecordDatasetKey } from "../../registry/index.js";
import { StoreError } from "../errors.js";
import { decodeRanking, decodeTop, type RankingMetric, type RankingSummary, type RankingTop } from "../ranking.js";
import { rowToDecoded } from "../row-decode.js";
import type { DecodedRun } from "../semantics.js";
import type { BenchSource, TrialCount } from "../source.js";
import type { SpaceName } from "../../space/index.js";
import {
  archFile,
  type ArchChunk,
  decodeChunk,
  EXPORT_FORMAT,
  type ExportManifest,
  type FileRef,
  fromRanges,
  manifestSpace,
  type RankingFiles,
  READABLE_VERSIONS,
  type TrialsFile,
} from "./format.js";

/** Reads one file of the export, by its path relative to the export folder. */
export type FetchBytes = (path: string) => Promise<Uint8Array>;

/** A synchronous read reached data that is not fetched yet: `load()` fetches it, then the read can be repeated. */
export class NotLoadedError extends Error {
  constructor(
    what: string,
    readonly load: () => Promise<void>,
  ) {
    super(`${what} is not loaded yet: await load() and ask again (the async facade openBrowserBench does this)`);
  }
}

export interface ExportSourceOptions {
  /** arch chunks kept in memory (default 256, about 25 MB at full size); NasBench caches decoded runs on top */
  maxArchs?: number;
  /** what `path` says (openBrowserBench passes the export's URL) */
  label?: string;
}

/** Fetches `base` + path with fetch(); a failed request is one StoreError naming the URL and the status. */
export function httpFetcher(base: string | URL): FetchBytes {
  const root = new URL(String(base).endsWith("/") ? String(base) : `${String(base)}/`, globalThis.location?.href);
  return async (path) => {
    const url = new URL(path, root);
    let res: Response;
    try {
      res = await fetch(url);
    } catch (e) {
      throw new StoreError(`cannot fetch ${url.href}: ${(e as Error).message}`);
    }
    if (!res.ok) throw new StoreError(`cannot fetch ${url.href}: HTTP ${res.status} ${res.statusText}; is ${root.href} a folder written by 'aa-nas export --format browser'?`);
    return new Uint8Array(await res.arrayBuffer());
  };
}

function parseJson<T>(bytes: Uint8Array, where: string): T {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)) as T;
  } catch (e) {
    throw new StoreError(`${where} is not JSON (${(e as Error).message}); re-create the export with 'aa-nas export --format browser'`);
  }
}

export class ExportSource implements BenchSource {
  /** bytes of every file fetched so far (bodies as received), and how many files */
  bytesFetched = 0;
  filesFetched = 0;
  private readonly evaluated: number[];
  private readonly evaluatedSet: Set<number>;
  private readonly chunks = new Map<number, ArchChunk>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly rankingFiles = new Map<string, RankingFiles>();
  private readonly tops = new Map<string, RankingTop | null>();
  private readonly summaries = new Map<string, RankingSummary>();
  private readonly trials = new Map<string, TrialCount[]>();
  private readonly maxArchs: number;
  readonly path: string;
  /** the space the manifest names (NasBench takes its arch strings, index range and net configs from it) */
  readonly spaceName: SpaceName;

  private constructor(
    private readonly fetchBytes: FetchBytes,
    readonly manifest: ExportManifest,
    opts: ExportSourceOptions,
  ) {
    this.evaluated = fromRanges(manifest.evaluated);
    this.evaluatedSet = new Set(this.evaluated);
    for (const r of manifest.rankings) this.rankingFiles.set(`${r.hp}\u0000${r.dataset}\u0000${r.metric}`, r);
    this.maxArchs = Math.max(1, opts.maxArchs ?? 256);
    this.path = opts.label ?? "a browser export";
    this.spaceName = manifestSpace(manifest);
  }

  /** Fetches and checks the manifest. */
  static async open(fetchBytes: FetchBytes, opts: ExportSourceOptions = {}): Promise<ExportSource> {
    const bytes = await fetchBytes("manifest.json");
    const m = parseJson<ExportManifest>(bytes, "manifest.json");
    if (m === null || typeof m !== "object" || m.format !== EXPORT_FORMAT) {
      throw new StoreError(`manifest.json is not an aa-nas browser export (format '${String((m as { format?: unknown } | null)?.format)}', expected '${EXPORT_FORMAT}')`);
    }
    if (!READABLE_VERSIONS.includes(m.version)) {
      throw new StoreError(`the export is format version ${String(m.version)}; this reader reads versions ${READABLE_VERSIONS.join(" and ")}: re-export with this version of aa-nas`);
    }
    const source = new ExportSource(fetchBytes, m, opts);
    source.bytesFetched = bytes.length;
    source.filesFetched = 1;
    return source;
  }

  private async fetchFile(path: string, expected?: number): Promise<Uint8Array> {
    const bytes = await this.fetchBytes(path);
    this.bytesFetched += bytes.length;
    this.filesFetched++;
    if (expected !== undefined && bytes.length !== expected) {
      throw new StoreError(`${path} has ${bytes.length} bytes, the manifest says ${expected}: the export is damaged or from another export; re-create it`);
    }
    return bytes;
  }

  /** One fetch per key at a time: concurrent queries of the same arch share it. */
  private once(key: string, load: () => Promise<void>): Promise<void> {
    let p = this.inFlight.get(key);
    if (p === undefined) {
      p = load().finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, p);
    }
    return p;
  }

  isEvaluated(index: number): boolean {
    return this.evaluatedSet.has(index);
  }

  /** Fetches the arch's chunk unless held (nothing for an arch without runs: the store answers "no results" for it). */
  ensureArch(index: number): Promise<void> {
    if (!this.evaluatedSet.has(index) || this.chunks.has(index)) return Promise.resolve();
    return this.once(`arch ${index}`, async () => {
      const path = archFile(index);
      const chunk = decodeChunk(await this.fetchFile(path), path);
      if (chunk.id !== this.manifest.id || chunk.index !== index) {
        throw new StoreError(`${path} belongs to another export (id ${String(chunk.id)}, arch ${String(chunk.index)}; expected ${this.manifest.id}, arch ${index}): reload the page without cache`);
      }
      if (this.chunks.size >= this.maxArchs) this.chunks.delete(this.chunks.keys().next().value!);
      this.chunks.set(index, chunk);
    });
  }

  private chunk(index: number): ArchChunk | null {
    if (!this.evaluatedSet.has(index)) return null;
    const c = this.chunks.get(index);
    if (c === undefined) throw new NotLoadedError(`arch ${index}`, () => this.ensureArch(index));
    return c;
  }

  hps(): string[] {
    return [...this.manifest.hps];
  }

  evaluatedIndexes(): number[] {
    return [...this.evaluated];
  }

  loadRuns(archIndex: number, hp: string, dataset: string): DecodedRun[] {
    const c = this.chunk(archIndex);
    if (c === null) return [];
    return c.runs.filter((r) => r.hp === hp && r.dataset === dataset).map((r) => rowToDecoded(r.row));
  }

  hpsOf(archIndex: number): string[] {
    return [...(this.chunk(archIndex)?.hps ?? [])];
  }

  datasetsOf(archIndex: number, hp: string): RecordDatasetKey[] {
    return [...(this.chunk(archIndex)?.datasets.find((d) => d.hp === hp)?.datasets ?? [])];
  }

  trialCounts(hp: string): TrialCount[] {
    const rows = this.trials.get(hp);
    if (rows !== undefined) return rows;
    const ref = this.manifest.trials.find((t) => t.hp === hp);
    if (ref === undefined) return [];
    throw new NotLoadedError(`trial counts of hp '${hp}'`, () =>
      this.once(`trials ${hp}`, async () => {
        const file = parseJson<TrialsFile>(await this.fetchFile(ref.file, ref.bytes), ref.file);
        const out: TrialCount[] = [];
        for (const g of file.groups) for (const i of fromRanges(g.archs)) out.push({ arch_index: i, dataset: g.dataset, trials: g.trials });
        this.trials.set(hp, out);
      }),
    );
  }

  private rankingRef(hp: string, dataset: string, metric: RankingMetric): RankingFiles {
    const ref = this.rankingFiles.get(`${hp}\u0000${dataset}\u0000${metric}`);
    if (ref === undefined) throw new StoreError(`the export has no ranking of (hp '${hp}', ${dataset}, ${metric}): it is incomplete; re-create it`);
    return ref;
  }

  private blob<T>(cache: Map<string, T>, key: string, what: string, ref: FileRef, decode: (b: Uint8Array) => T | null): T {
    if (cache.has(key)) return cache.get(key)!;
    throw new NotLoadedError(what, () =>
      this.once(ref.file, async () => {
        const value = decode(await this.fetchFile(ref.file, ref.bytes));
        if (value === null) throw new StoreError(`${ref.file}: ${what} is corrupt; re-create the export`);
        cache.set(key, value);
      }),
    );
  }

  ranking(hp: string, dataset: string, metric: RankingMetric): RankingSummary {
    const ref = this.rankingRef(hp, dataset, metric);
    return this.blob(this.summaries, ref.summary.file, `ranking summary (${hp}, ${dataset}, ${metric})`, ref.summary, decodeRanking);
  }

  rankingTop(hp: string, dataset: string, metric: RankingMetric): RankingTop | null {
    const ref = this.rankingRef(hp, dataset, metric);
    if (ref.top === null) return null;
    return this.blob(this.tops, ref.top.file, `ranking top (${hp}, ${dataset}, ${metric})`, ref.top, decodeTop);
  }

  close(): void {
    this.chunks.clear();
    this.tops.clear();
    this.summaries.clear();
    this.trials.clear();
  }
}
