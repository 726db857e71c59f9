/**
 * `aa-nas zero-cost`: compute zero-cost proxy scores of NAS-Bench-201 archs into a store (resumable), read a score,
 * and correlate a proxy with trained accuracies (docs/zero-cost.md). Only `compute` loads the engine.
 */
import type { Command } from "commander";
import { UserError } from "@aa-nas/core/errors.js";
import { BenchStore } from "@aa-nas/core/bench/store.js";
import { parseProxyNames, proxyCorrelation, proxyScore, scoredProxies, type ProxyName, type ZeroCostBatch } from "@aa-nas/core/bench/zero-cost.js";
import { RANKING_METRICS, type RankingMetric } from "@aa-nas/core/bench/ranking.js";
import { NUM_ARCHS, archAt } from "@aa-nas/core/space/index.js";
import { DATA_DIR_HELP, dataLocation, integerOption, parseArchSelection, parseChoice, parseDevice, parseHp, parseRange } from "../options.js";
import { progressBar } from "../progress.js";

/** Datasets a proxy batch can come from: the benchmark's train sets (cifar10 is CIFAR-10's 50k train images). */
export const PROXY_DATASETS = ["cifar10", "cifar100", "ImageNet16-120"] as const;
type ProxyDataset = (typeof PROXY_DATASETS)[number];

interface ComputeOptions {
  bench: string;
  dataset: string;
  range?: string;
  archIndex?: string;
  all?: boolean;
  seed: number;
  proxies: string;
  batchSize: number;
  batchSeed: number;
  batchSource: string;
  dataDir?: string;
  device: string;
  quiet?: boolean;
}

function selectArchs(o: { range?: string; archIndex?: string; all?: boolean }): number[] {
  if (o.all === true) {
    if (o.range !== undefined || o.archIndex !== undefined) throw new UserError("give one of --all, --range or --arch-index");
    return parseRange(`0-${NUM_ARCHS - 1}`);
  }
  return parseArchSelection(o);
}

async function runCompute(o: ComputeOptions): Promise<void> {
  const dataset: ProxyDataset = parseChoice(o.dataset, "--dataset", PROXY_DATASETS);
  const proxies = parseProxyNames(o.proxies);
  const archs = selectArchs(o);
  const device = parseDevice(o.device);
  const source = parseChoice(o.batchSource, "--batch-source", ["train", "gaussian"] as const);
  const [zc, data, tensor] = await Promise.all([
    import("@aa-nas/engine/zero-cost/index.js"),
    import("@aa-nas/engine/data/index.js"),
    import("@aa-nas/engine/tensor/index.js"),
  ]);
  tensor.checkDevice(device);
  const classes = dataset === "cifar10" ? 10 : dataset === "cifar100" ? 100 : 120;
  const side = dataset === "ImageNet16-120" ? 16 : 32;
  let made: { batch: import("@aa-nas/engine/zero-cost/index.js").ProxyBatch; provenance: ZeroCostBatch };
  if (source === "gaussian") {
    made = zc.gaussianBatch(o.batchSize, o.batchSeed, [3, side, side], classes);
  } else {
    const { dataDir } = dataLocation(o);
    const loaded = dataset === "cifar10" ? data.loadCifar10(dataDir) : dataset === "cifar100" ? data.loadCifar100(dataDir) : data.loadImageNet16(dataDir, 120);
    const norm = dataset === "cifar10" ? data.CIFAR10_NORM : dataset === "cifar100" ? data.CIFAR100_NORM : data.IMAGENET16_NORM;
    made = zc.batchFromImages(loaded.train, norm, o.batchSize, o.batchSeed, `${dataset} train (${loaded.source})`);
  }
  const store = BenchStore.openOrCreate(o.bench, { space: "tss" });
  try {
    const done = scoredProxies(store, dataset, o.seed, zc.PROXY_VERSION, made.provenance);
    const todo = archs.filter((a) => proxies.some((p) => !(done.get(a)?.has(p) ?? false)));
    const bar = progressBar("zero-cost", { quiet: o.quiet === true });
    bar.start(todo.length, "");
    todo.forEach((archIndex, k) => {
      const missing = proxies.filter((p) => !(done.get(archIndex)?.has(p) ?? false));
      const scores = zc.computeProxies({ arch: archAt(archIndex), seed: o.seed, classes, costDataset: dataset, device }, made.batch, missing);
      const computedAt = new Date().toISOString();
      // one transaction per arch: an interrupted run keeps every finished arch and redoes at most one
      store.putZeroCost(
        scores.map((s) => ({ archIndex, dataset, seed: o.seed, proxy: s.proxy, score: s.score, version: zc.PROXY_VERSION, batch: made.provenance, seconds: s.seconds, device, computedAt })),
      );
      bar.update(k + 1, `arch ${archIndex}`);
      bar.log(`arch ${archIndex}: ${scores.map((s) => `${s.proxy} ${s.score.toPrecision(6)}`).join(", ")}`);
    });
    bar.stop();
    process.stderr.write(`${todo.length} arch(s) scored, ${archs.length - todo.length} already in ${o.bench}\n`);
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
  zc.command("compute")
    .description("compute proxies for archs (resumable: archs already scored with the same batch, seed and proxy version are skipped)")
    .requiredOption("--bench <db>", "store to write (created if missing)")
    .option("--dataset <d>", `batch and classifier: ${PROXY_DATASETS.join(", ")}`, "cifar10")
    .option("--arch-index <i>", "one arch")
    .option("--range <a-b>", "archs A..B inclusive")
    .option("--all", "all 15,625 archs")
    .option("--seed <n>", "manual_seed of the network initialisation", integerOption("--seed", 0), 0)
    .option("--proxies <list>", "comma-separated proxies or 'all'", "all")
    .option("--batch-size <n>", "images in the one batch", integerOption("--batch-size", 2), 64)
    .option("--batch-seed <n>", "seed of the image choice (Python random.Random(seed).shuffle of the train indices)", integerOption("--batch-seed", 0), 0)
    .option("--batch-source <s>", "train (the dataset's train images) or gaussian (no data needed)", "train")
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
