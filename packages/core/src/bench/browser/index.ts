/**
 * The query API in a browser page, with no aa-nas server: NasBench (the same class and code as in Node) over an
 * ExportSource that fetches an `aa-nas export --format browser` folder piece by piece from any static file server.
 * The export names its search space (tss or sss); NasBench takes indexes, arch strings and hps' meaning from it.
 *
 *   const bench = await openBrowserBench("./bench-export/", { rngSeed: 0 });
 *   await bench.getMoreInfo(123, "cifar10", { hp: "200" })          fetches arch 123's chunk (≈ 100 KB) once
 *   await bench.findBest("cifar100", "x-valid", { hp: "200" })      fetches a 14 KB ranking top (or the summary)
 *   await bench.simulateTrainEval(arch, "cifar10", { hp: "12" })
 *   await bench.query((b) => b.getCostInfo(7, "cifar10", { hp: "12" }), [7])   any NasBench method, archs prefetched
 *   bench.bytesFetched                                             bytes downloaded so far
 *
 * Every method is the NasBench method of the same name, made async: results and errors are Node's.
 */
import { NasBench, type ArchRef, type NasBenchOptions, type NetConfig } from "../api.js";
import { PyRandom, type SearchSpace, searchSpace } from "../../space/index.js";
import { SpaceMismatchError } from "../errors.js";
import { ExportSource, type ExportSourceOptions, type FetchBytes, httpFetcher, NotLoadedError } from "./source.js";

export { ExportSource, NotLoadedError, httpFetcher, type FetchBytes, type ExportSourceOptions } from "./source.js";
export { NasBench } from "../api.js";
export { BenchQueryError, MetricUnavailableError, SpaceMismatchError, StoreError } from "../errors.js";
export { PyRandom } from "../../space/index.js";

export interface BrowserBenchOptions extends NasBenchOptions, ExportSourceOptions {
  /** seed of the PyRandom behind trial 'random' when no rng is given (default 0, like NasBench) */
  rngSeed?: number;
}

/** How many pieces one answer may need: an arch chunk, a ranking top, its summary, a trial-count file. */
const MAX_LOADS = 8;

export class BrowserBench {
  readonly bench: NasBench;

  /**
   * `opts.space` ('tss' | 'sss' | 'topology' | 'size'), like NasBench's, is the space the export must hold: another is a
   * SpaceMismatchError, whose remedy names the export command rather than an import.
   */
  constructor(readonly source: ExportSource, opts: BrowserBenchOptions = {}) {
    if (opts.space !== undefined && searchSpace(opts.space).name !== source.spaceName) {
      const requested = searchSpace(opts.space).name;
      throw new SpaceMismatchError(source.path, source.spaceName, requested, `open it as '${source.spaceName}', or export a '${requested}' store with 'aa-nas export --format browser'`);
    }
    this.bench = new NasBench(source, { ...opts, rng: opts.rng ?? new PyRandom(opts.rngSeed ?? 0) });
  }

  get bytesFetched(): number {
    return this.source.bytesFetched;
  }

  get filesFetched(): number {
    return this.source.filesFetched;
  }

  /**
   * Runs a synchronous NasBench call, fetching what it reads: the chunks of `archs` first, then whatever a
   * NotLoadedError names (a ranking, trial counts), asking again after each fetch.
   */
  async query<T>(fn: (bench: NasBench) => T, archs: readonly ArchRef[] = []): Promise<T> {
    await Promise.all(archs.map((a) => this.prefetch(a)));
    for (let loads = 0; ; loads++) {
      try {
        return fn(this.bench);
      } catch (e) {
        if (!(e instanceof NotLoadedError) || loads >= MAX_LOADS) throw e;
        await e.load();
      }
    }
  }

  /** Fetches an arch's chunk; a reference NasBench rejects is left alone, so the query itself reports it. */
  private async prefetch(arch: ArchRef): Promise<void> {
    let index: number;
    try {
      index = this.bench.indexOf(arch);
    } catch {
      return;
    }
    if (index >= 0 && index < this.bench.size) await this.source.ensureArch(index);
  }

  getMoreInfo(...args: Parameters<NasBench["getMoreInfo"]>): Promise<ReturnType<NasBench["getMoreInfo"]>> {
    return this.query((b) => b.getMoreInfo(...args), [args[0]]);
  }

  getMetrics(...args: Parameters<NasBench["getMetrics"]>): Promise<ReturnType<NasBench["getMetrics"]>> {
    return this.query((b) => b.getMetrics(...args), [args[0]]);
  }

  simulateTrainEval(...args: Parameters<NasBench["simulateTrainEval"]>): Promise<ReturnType<NasBench["simulateTrainEval"]>> {
    return this.query((b) => b.simulateTrainEval(...args), [args[0]]);
  }

  getCostInfo(...args: Parameters<NasBench["getCostInfo"]>): Promise<ReturnType<NasBench["getCostInfo"]>> {
    return this.query((b) => b.getCostInfo(...args), [args[0]]);
  }

  getLatency(...args: Parameters<NasBench["getLatency"]>): Promise<ReturnType<NasBench["getLatency"]>> {
    return this.query((b) => b.getLatency(...args), [args[0]]);
  }

  getTotalEpoch(...args: Parameters<NasBench["getTotalEpoch"]>): Promise<ReturnType<NasBench["getTotalEpoch"]>> {
    return this.query((b) => b.getTotalEpoch(...args), [args[0]]);
  }

  getNetConfig(arch: ArchRef, dataset: string): Promise<NetConfig> {
    return this.query((b) => b.getNetConfig(arch, dataset), [arch]);
  }

  queryInfoStr(arch: ArchRef, hp: string): Promise<string> {
    return this.query((b) => b.queryInfoStr(arch, hp), [arch]);
  }

  findBest(...args: Parameters<NasBench["findBest"]>): Promise<ReturnType<NasBench["findBest"]>> {
    return this.query((b) => b.findBest(...args));
  }

  statistics(dataset: string, hp: string): Promise<Map<number, number>> {
    return this.query((b) => b.statistics(dataset, hp));
  }

  /** the export's search space (tss or sss), as NasBench.space */
  get space(): SearchSpace {
    return this.bench.space;
  }

  get size(): number {
    return this.bench.size;
  }

  get hps(): string[] {
    return this.bench.hps;
  }

  get usedTime(): number {
    return this.bench.usedTime;
  }

  resetTime(): void {
    this.bench.resetTime();
  }

  evaluatedIndexes(): number[] {
    return this.bench.evaluatedIndexes();
  }

  arch(index: number): string {
    return this.bench.arch(index);
  }

  indexOf(arch: ArchRef): number {
    return this.bench.indexOf(arch);
  }

  close(): void {
    this.bench.close();
  }
}

/** Opens an export folder: a URL (fetched with fetch()) or a reader of its files (tests read them from disk). */
export async function openBrowserBench(from: string | URL | FetchBytes, opts: BrowserBenchOptions = {}): Promise<BrowserBench> {
  const fetchBytes = typeof from === "function" ? from : httpFetcher(from);
  const label = typeof from === "function" ? opts.label : String(from);
  return new BrowserBench(await ExportSource.open(fetchBytes, { ...opts, label }), opts);
}
