/**
 * `aa-nas zero-cost`: compute zero-cost proxy scores of NAS-Bench-201 archs into a store (resumable), read a score,
 * and correlate a proxy with trained accuracies (docs/zero-cost.md). Only `compute` loads the engine.
 */
import type { Command } from "commander";
import { UserError } from "@aa-nas/core/errors.js";
import { BenchStore } from "@aa-nas/core/bench/store.js";
import {
  PROXY_BATCH_SOURCES,
  PROXY_DATASETS,
  parseProxyNames,
  proxyCorrelation,
  proxyScore,
  type ProxyBatchSource,
  type ProxyDataset,
  type ProxyName,
} from "@aa-nas/core/bench/zero-cost.js";
import { RANKING_METRICS, type RankingMetric } from "@aa-nas/core/bench/ranking.js";
import { NUM_ARCHS } from "@aa-nas/core/space/index.js";
import { DATA_DIR_HELP, dataLocation, integerOption, parseArchSelection, parseChoice, parseDevice, parseHp, parseRange } from "../options.js";
import { progressBar } from "../progress.js";

/** The options that decide a proxy record's values: shared by `zero-cost compute` and `sweep plan-zero-cost`. */
export interface ProxyCliOptions {
  dataset: string;
  seed: number;
  proxies: string;
  batchSize: number;
  batchSeed: number;
  batchSource: string;
}

export function proxyOptions(c: Command): Command {
  return c
    .option("--dataset <d>", `batch and classifier: ${PROXY_DATASETS.join(", ")}`, "cifar10")
    .option("--seed <n>", "manual_seed of the network initialisation", integerOption("--seed", 0), 0)
    .option("--proxies <list>", "comma-separated proxies or 'all'", "all")
    .option("--batch-size <n>", "images in the one batch", integerOption("--batch-size", 2), 64)
    .option("--batch-seed <n>", "seed of the image choice (Python random.Random(seed).shuffle of the train indices)", integerOption("--batch-seed", 0), 0)
    .option("--batch-source <s>", `${PROXY_BATCH_SOURCES.join(" or ")}: the dataset's train images, or Gaussian noise (no data needed)`, "train");
}

export interface ProxySettings {
  dataset: ProxyDataset;
  seed: number;
  proxies: ProxyName[];
  batch: { dataset: ProxyDataset; source: ProxyBatchSource; size: number; seed: number };
}

export function proxySettings(o: ProxyCliOptions): ProxySettings {
  const dataset = parseChoice(o.dataset, "--dataset", PROXY_DATASETS);
  return {
    dataset,
    seed: o.seed,
    proxies: parseProxyNames(o.proxies),
    batch: { dataset, source: parseChoice(o.batchSource, "--batch-source", PROXY_BATCH_SOURCES), size: o.batchSize, seed: o.batchSeed },
  };
}

/** --all, --range or --arch-index. */
export function selectArchs(o: { range?: string; archIndex?: string; all?: boolean }): number[] {
  if (o.all === true) {
    if (o.range !== undefined || o.archIndex !== undefined) throw new UserError("give one of --all, --range or --arch-index");
    return parseRange(`0-${NUM_ARCHS - 1}`);
  }
  return parseArchSelection(o);
}

interface ComputeOptions extends ProxyCliOptions {
  bench: string;
  range?: string;
  archIndex?: string;
  all?: boolean;
  dataDir?: string;
  device: string;
  quiet?: boolean;
}

async function runCompute(o: ComputeOptions): Promise<void> {
  const settings = proxySettings(o);
  const archs = selectArchs(o);
  const device = parseDevice(o.device);
  const [zc, tensor] = await Promise.all([import("@aa-nas/engine/zero-cost/index.js"), import("@aa-nas/engine/tensor/index.js")]);
  tensor.checkDevice(device);
  const batch = zc.makeProxyBatch(settings.batch, settings.batch.source === "train" ? dataLocation(o).dataDir : "");
  const store = BenchStore.openOrCreate(o.bench, { space: "tss" });
  try {
    const bar = progressBar("zero-cost", { quiet: o.quiet === true });
    const r = zc.scoreArchs(store, {
      archIndexes: archs,
      dataset: settings.dataset,
      seed: settings.seed,
      proxies: settings.proxies,
      batch,
      device,
      onStart: (todo) => bar.start(todo, ""),
      onArch: (archIndex, scores, done) => {
        bar.update(done, `arch ${archIndex}`);
        bar.log(`arch ${archIndex}: ${scores.map((s) => `${s.proxy} ${s.score.toPrecision(6)}`).join(", ")}`);
      },
    });
    bar.stop();
    process.stderr.write(`${r.scored} arch(s) scored, ${r.skipped} already in ${o.bench}\n`);
  } finally {
    store.close();
  }
}

interface ScoreOptions {
  bench: string;
  archIndex: number;
  proxies: string;
  dataset: string;
  seed?: number;
  json?: boolean;
}

export function runScore(o: ScoreOptions): string {
  const proxies = parseProxyNames(o.proxies);
  const store = BenchStore.open(o.bench, { space: "tss" });
  try {
    const out = proxies.map((proxy) => ({ proxy, ...(proxyScore(store, o.archIndex, proxy, o.dataset, o.seed) ?? { score: null, seeds: [] }) }));
    if (o.json === true) return `${JSON.stringify({ archIndex: o.archIndex, dataset: o.dataset, scores: out })}\n`;
    return out.map((s) => `${s.proxy.padEnd(10)} ${s.score === null ? "not computed" : `${s.score}  (seeds ${s.seeds.join(", ")})`}`).join("\n") + "\n";
  } finally {
    store.close();
  }
}

interface CorrelationOptions {
  bench: string;
  proxies: string;
  proxyDataset: string;
  seed?: number;
  hp: string;
  dataset: string;
  metric: string;
  range?: string;
  json?: boolean;
}

export function runCorrelation(o: CorrelationOptions): string {
  const proxies: ProxyName[] = parseProxyNames(o.proxies);
  const metric: RankingMetric = parseChoice(o.metric, "--metric", RANKING_METRICS);
  const hp = parseHp(o.hp);
  const archIndexes = o.range === undefined ? undefined : new Set(parseRange(o.range));
  const store = BenchStore.open(o.bench, { space: "tss" });
  try {
    const rows = proxies.map((proxy) =>
      proxyCorrelation(store, { proxy, proxyDataset: o.proxyDataset, hp, dataset: o.dataset, metric, ...(o.seed === undefined ? {} : { seed: o.seed }), ...(archIndexes === undefined ? {} : { archIndexes }) }),
    );
    if (o.json === true) return `${JSON.stringify(rows)}\n`;
    const f = (v: number): string => (Number.isNaN(v) ? "n/a" : v.toFixed(4));
    return ["proxy       spearman  kendall      n", ...rows.map((r) => `${r.proxy.padEnd(10)} ${f(r.spearman).padStart(9)} ${f(r.kendall).padStart(8)} ${String(r.n).padStart(6)}`)].join("\n") + "\n";
  } finally {
    store.close();
  }
}

export function registerZeroCostCommands(program: Command): void {
  const zc = program.command("zero-cost").description("zero-cost proxies: compute them into a store, read them, correlate them with accuracies");
  proxyOptions(zc.command("compute"))
    .description("compute proxies for archs (resumable: archs already scored with the same batch, seed and proxy version are skipped)")
    .requiredOption("--bench <db>", "store to write (created if missing)")
    .option("--arch-index <i>", "one arch")
    .option("--range <a-b>", "archs A..B inclusive")
    .option("--all", "all 15,625 archs")
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .option("--device <device>", "cpu, cuda or cuda:<index>", "cpu")
    .option("--quiet", "no progress bar")
    .action(async (opts: ComputeOptions) => {
      await runCompute(opts);
    });
  zc.command("score")
    .description("stored proxy scores of one arch (mean over init seeds unless --seed)")
    .requiredOption("--bench <db>", "benchmark store")
    .requiredOption("--arch-index <i>", "arch index", integerOption("--arch-index", 0, NUM_ARCHS - 1))
    .option("--proxies <list>", "comma-separated proxies or 'all'", "all")
    .option("--dataset <d>", "dataset of the proxy batch", "cifar10")
    .option("--seed <n>", "one init seed", integerOption("--seed", 0))
    .option("--json", "print JSON")
    .action((opts: ScoreOptions) => {
      process.stdout.write(runScore(opts));
    });
  zc.command("correlation")
    .description("Spearman rho and Kendall tau-b of proxies vs a stored accuracy (mean over trials), over all archs with both or a range")
    .requiredOption("--bench <db>", "benchmark store")
    .option("--proxies <list>", "comma-separated proxies or 'all'", "all")
    .option("--proxy-dataset <d>", "dataset of the proxy batch", "cifar10")
    .option("--seed <n>", "one init seed (default: mean score over stored seeds)", integerOption("--seed", 0))
    .requiredOption("--hp <hp>", "training schedule of the accuracy: '12' or '200'")
    .requiredOption("--dataset <d>", "record dataset of the accuracy, e.g. cifar10-valid")
    .option("--metric <m>", RANKING_METRICS.join(", "), "xvalid_acc")
    .option("--range <a-b>", "only archs A..B")
    .option("--json", "print JSON")
    .action((opts: CorrelationOptions) => {
      process.stdout.write(runCorrelation(opts));
    });
}
