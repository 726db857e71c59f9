/**
 * Everything the explorer's endpoints compute, over one opened store and the loaded search runs, with the caches that
 * keep repeated views fast (per-(hp, dataset) summaries, correlations, run aggregates). The store is read as a
 * snapshot: runs written to it while the server runs show up after a restart.
 */
import { basename } from "node:path";
import { NasBench } from "@aa-nas/core/bench/api.js";
import { BenchQueryError } from "@aa-nas/core/bench/errors.js";
import { DATASET_KEYS, SEARCH_DATASETS, searchTrainKey, type DatasetKey } from "@aa-nas/core/registry/index.js";
import type { BenchStore, StoreMeta } from "@aa-nas/core/bench/store.js";
import { EDGES, OPS, SIZE_CANDIDATES, SIZE_POSITIONS, searchSpace, type SearchSpace, type SpaceName } from "@aa-nas/core/space/index.js";
import { archDetail, sizeArchDetail, type ArchDetail, type SizeArchDetail } from "./data/arch-detail.js";
import { lookupArchIn } from "./data/arch-ref.js";
import { buildWidthEffects, type WidthEffectsResponse } from "./data/width-effects.js";
import { buildCorrelation, type CorrelationMethod, type CorrelationResponse } from "./data/correlation.js";
import { curvesOf, type CurvesResponse } from "./data/curves.js";
import { bestArch, summarizeFinal, type FinalSummary } from "./data/final-summary.js";
import { ACCURACY_SETS, DEFAULT_SET, type AccuracySet } from "./data/metric-sets.js";
import { OP_FILTERS } from "./data/op-counts.js";
import { buildOverview, COST_AXES, type OpCountFilters, type OverviewResponse } from "./data/overview.js";
import { HttpError, JsonText } from "./http.js";
import { buildProxies, readProxyScores, type ProxiesResponse, type ProxyCorrelationRow, type ProxyScores } from "./data/proxies.js";
import type { ProxyName } from "@aa-nas/core/bench/zero-cost.js";
import { listChoices, UserError } from "@aa-nas/core/errors.js";
import { Lru } from "./lru.js";
import type { StoreChoices } from "./query-schemas.js";
import { aggregateRuns, type RunMetric, type RunsResponse } from "./runs/best-so-far.js";
import type { LoadedCampaign } from "./runs/search-run-file.js";

export interface MetaResponse {
  store: { file: string; runs: number; archsWithRuns: number; hps: string[]; datasets: DatasetKey[]; sources: string[]; createdAt: string | null };
  /**
   * the store's space: tss has ops and edges (sss: empty, every config has the same cell); sss has five positions of
   * candidate widths (tss: 0 and none)
   */
  space: {
    name: SpaceName;
    title: string;
    numArchs: number;
    example: string;
    /** the full schedule (tss 200, sss 90): the hp the searches judge answers at and the runs view's optimum reads */
    fullTrainEpochs: number;
    ops: readonly string[];
    edges: ReadonlyArray<readonly [number, number]>;
    positions: number;
    widths: readonly number[];
  };
  defaults: { hp: string; dataset: DatasetKey };
  defaultSets: Record<DatasetKey, AccuracySet>;
  accuracySets: readonly AccuracySet[];
  /** tss only; {} for sss */
  opFilters: typeof OP_FILTERS | Record<string, never>;
  costAxes: readonly string[];
  searchRuns: { files: number; runs: number };
}

/** The best stored accuracy an accuracy chart draws as its optimum line: which set, which arch, how much. */
export interface Optimum {
  set: AccuracySet;
  index: number;
  accuracy: number;
}

/**
 * The runs view judges answers against the served store (its optimum line, links to arch pages), and an arch index
 * names a different arch in each space, so campaigns of another space are refused rather than shown against the
 * wrong archs.
 */
function checkCampaignSpaces(campaigns: readonly LoadedCampaign[], space: SearchSpace, storeFile: string): void {
  const other = campaigns.filter((c) => c.space !== space.name);
  if (other.length > 0) {
    const files = [...new Set(other.map((c) => c.file))];
    const shown = `${files.slice(0, 3).join(", ")}${files.length > 3 ? `, … (${files.length} files)` : ""}`;
    throw new UserError(
      `search runs (--runs) ${shown} ${other.length === 1 ? "is a campaign" : "are campaigns"} over the ${searchSpace(other[0]!.space).title}, and ${storeFile} holds the ${space.title}: ` +
        `a campaign's arch indexes are its own space's, so serve its runs with a store of that space`,
    );
  }
}

export class ExplorerData {
  readonly bench: NasBench;
  readonly choices: StoreChoices;
  readonly space: SearchSpace;
  private readonly storeMeta: StoreMeta;
  private readonly widthEffectsCache = new Lru<string, WidthEffectsResponse>(16);
  private readonly summaries = new Map<string, FinalSummary>();
  private readonly correlations = new Map<CorrelationMethod, CorrelationResponse>();
  /** serialized overviews (about 1 MB each for 15,625 archs) by query */
  private readonly overviews = new Lru<string, JsonText>(16);
  private readonly runAggregates = new Lru<string, RunsResponse>(8);
  private proxyScores: ProxyScores | undefined;
  private readonly proxyCorrelations = new Lru<string, ProxyCorrelationRow[]>(16);

  constructor(
    readonly store: BenchStore,
    readonly campaigns: readonly LoadedCampaign[] = [],
  ) {
    this.bench = new NasBench(store);
    this.space = store.space;
    checkCampaignSpaces(campaigns, this.space, basename(store.path));
    this.storeMeta = store.meta();
    const hps = this.storeMeta.hps;
    const datasets = DATASET_KEYS.filter((d) => this.storeMeta.datasets.includes(d));
    this.choices = {
      hps,
      datasets,
      // the space's full schedule is the benchmark's headline number (tss '200' after '12', sss '90')
      defaultHp: hps.includes(String(this.space.fullTrainEpochs)) ? String(this.space.fullTrainEpochs) : (hps[hps.length - 1] ?? ""),
      archHint: this.space.name === "tss" ? undefined : `an index 0..${this.space.size - 1} or a channel string like ${this.space.example}`,
      // the paper's headline search dataset first (CIFAR-10), else whatever the store has
      defaultDataset: datasets.includes(SEARCH_DATASETS[0]) ? SEARCH_DATASETS[0] : (datasets[0] ?? SEARCH_DATASETS[0]),
    };
  }

  meta(): MetaResponse {
    const m = this.storeMeta;
    return {
      store: {
        file: basename(this.store.path),
        runs: m.runs,
        archsWithRuns: m.archs,
        hps: this.choices.hps.slice(),
        datasets: this.choices.datasets.slice(),
        sources: m.sources,
        createdAt: m.createdAt,
      },
      space: {
        name: this.space.name,
        title: this.space.title,
        numArchs: this.space.size,
        example: this.space.example,
        fullTrainEpochs: this.space.fullTrainEpochs,
        ...(this.space.name === "tss" ? { ops: OPS, edges: EDGES, positions: 0, widths: [] } : { ops: [], edges: [], positions: SIZE_POSITIONS, widths: SIZE_CANDIDATES }),
      },
      defaults: { hp: this.choices.defaultHp, dataset: this.choices.defaultDataset },
      defaultSets: { ...DEFAULT_SET },
      accuracySets: ACCURACY_SETS,
      opFilters: this.space.name === "tss" ? OP_FILTERS : {},
      costAxes: COST_AXES,
      searchRuns: { files: new Set(this.campaigns.map((c) => c.file)).size, runs: this.campaigns.reduce((n, c) => n + c.results.length, 0) },
    };
  }

  summary(hp: string, dataset: DatasetKey): FinalSummary {
    const key = `${hp}\u0000${dataset}`;
    let s = this.summaries.get(key);
    if (s === undefined) this.summaries.set(key, (s = summarizeFinal(this.store, hp, dataset)));
    return s;
  }

  overview(hp: string, dataset: DatasetKey, set: AccuracySet | undefined, filters: OpCountFilters): OverviewResponse {
    if (this.space.name !== "tss" && Object.keys(filters).length > 0) {
      throw new HttpError(400, `op-count filters (${Object.keys(filters).join(", ")}) apply to the topology space only: every config of the ${this.space.title} has the same cell`);
    }
    return buildOverview(this.summary(hp, dataset), set ?? DEFAULT_SET[dataset], filters, this.space.name);
  }

  /** Per-position width effects of a size-space store; a topology store has no widths to group by (400). */
  widthEffects(hp: string, dataset: DatasetKey, set: AccuracySet | undefined): WidthEffectsResponse {
    if (this.space.name !== "sss") throw new HttpError(400, `width effects apply to the size search space (sss) only; this store holds the ${this.space.title}`);
    const s = set ?? DEFAULT_SET[dataset];
    return this.widthEffectsCache.getOrCreate(`${hp}\u0000${dataset}\u0000${s}`, () => buildWidthEffects(this.summary(hp, dataset), s));
  }

  /** The overview as JSON text, cached per query: reloading a view costs one cache lookup. */
  overviewJson(hp: string, dataset: DatasetKey, set: AccuracySet | undefined, filters: OpCountFilters): JsonText {
    const key = JSON.stringify([hp, dataset, set ?? DEFAULT_SET[dataset], Object.entries(filters).sort()]);
    return this.overviews.getOrCreate(key, () => new JsonText(JSON.stringify(this.overview(hp, dataset, set, filters))));
  }

  /** Prepares the default overview (what the first page load asks for), so a fresh server answers it at once. */
  warmUp(): void {
    if (this.choices.hps.length > 0) this.overviewJson(this.choices.defaultHp, this.choices.defaultDataset, undefined, {});
  }

  correlation(method: CorrelationMethod): CorrelationResponse {
    let c = this.correlations.get(method);
    if (c === undefined) {
      const byHp = new Map<string, FinalSummary[]>();
      for (const hp of this.choices.hps) {
        const list = this.choices.datasets.map((d) => this.summary(hp, d)).filter((s) => s.index.length > 0);
        if (list.length > 0) byHp.set(hp, list);
      }
      this.correlations.set(method, (c = buildCorrelation(byHp, method)));
    }
    return c;
  }

  /** Zero-cost proxies vs one stored accuracy; the scores are read once (the store is a snapshot). */
  proxies(hp: string, dataset: DatasetKey, set: AccuracySet | undefined, proxyDataset: string | undefined, proxy: ProxyName | undefined): ProxiesResponse {
    const scores = (this.proxyScores ??= readProxyScores(this.store));
    const stored = [...scores.keys()];
    if (proxyDataset !== undefined && !scores.has(proxyDataset)) {
      throw new HttpError(400, `bad query parameter 'proxyDataset': no proxy scores on '${proxyDataset}' in this store; it holds ${stored.length > 0 ? `scores on ${listChoices(stored)}` : "no proxy scores"}`);
    }
    // the accuracy's own dataset when scored, else the batch dataset its search name trains on (cifar10-valid → cifar10)
    const pd = proxyDataset ?? [dataset, SEARCH_DATASETS.find((d) => searchTrainKey(d) === dataset)].find((d) => d !== undefined && scores.has(d)) ?? stored[0] ?? null;
    if (proxy !== undefined && pd !== null && !scores.get(pd)!.has(proxy)) {
      throw new HttpError(400, `bad query parameter 'proxy': no '${proxy}' scores on ${pd} in this store; stored proxies there are ${listChoices([...scores.get(pd)!.keys()])}`);
    }
    const s = set ?? DEFAULT_SET[dataset];
    // the table does not depend on the proxy picked for the scatter: switching proxies reuses it
    const key = JSON.stringify([hp, dataset, s, pd]);
    const correlations = this.proxyCorrelations.get(key);
    const res = buildProxies(scores, { summary: this.summary(hp, dataset), set: s, proxyDataset: pd, proxy: proxy ?? null, correlations });
    if (correlations === undefined) this.proxyCorrelations.set(key, res.correlations);
    return res;
  }

  arch(ref: string): ArchDetail | SizeArchDetail {
    const { index } = lookupArchIn(this.space, ref);
    return this.space.name === "tss" ? archDetail(this.bench, index) : sizeArchDetail(this.bench, index);
  }

  curves(ref: string, hp: string, dataset: DatasetKey): CurvesResponse & { optimum: Optimum | null } {
    const { index } = lookupArchIn(this.space, ref);
    const curves = curvesOf(this.store, index, hp, dataset);
    if (curves.runs.length === 0) {
      const stored = this.store.hpsOf(index).flatMap((h) => this.store.datasetsOf(index, h).map((d) => `${d} (hp ${h})`));
      throw new HttpError(404, `arch ${index} has no runs for hp '${hp}' on ${dataset}; it has ${stored.length > 0 ? stored.join(", ") : "no runs in this store"}`);
    }
    const set = DEFAULT_SET[dataset];
    const best = bestArch(this.summary(hp, dataset), set);
    return { ...curves, optimum: best === null ? null : { set, ...best } };
  }

  runs(metric: RunMetric, points: number): RunsResponse {
    return this.runAggregates.getOrCreate(`${metric}|${points}`, () => aggregateRuns(this.campaigns, metric, points, (dataset, m) => this.searchOptimum(dataset, m)));
  }

  /**
   * The best arch of a search dataset at the space's full schedule (tss '200', sss '90'), as the searches judge
   * answers (`findBest`); null when not stored.
   */
  private searchOptimum(dataset: string, metric: RunMetric): { index: number; accuracy: number } | null {
    const hp = String(this.space.fullTrainEpochs);
    if (!this.choices.hps.includes(hp)) return null;
    try {
      const best = this.bench.findBest(dataset, metric, { hp });
      return best.index < 0 || best.accuracy === null ? null : { index: best.index, accuracy: best.accuracy };
    } catch (e) {
      // a dataset or set this store does not hold: the line falls back to what the run files recorded
      if (e instanceof BenchQueryError) return null;
      throw e;
    }
  }
}
