/** `aa-nas best`: the highest-accuracy architecture under FLOPs / params limits (NATS-Bench find_best). */
import type { Command } from "commander";
import { NasBench } from "@aa-nas/core/bench/api.js";
// NasBench.open reads SQLite through the store module, which registers its opener when loaded (bench/source.ts)
import "@aa-nas/core/bench/store.js";
import { RECORD_DATASET_KEYS } from "@aa-nas/core/registry/index.js";
import { parseNumber } from "../options.js";

export interface BestCommandOptions {
  bench: string;
  dataset: string;
  set: string;
  hp: string;
  flopMax?: string;
  paramMax?: string;
  json?: boolean;
}

export function runBest(opts: BestCommandOptions): string {
  const bench = NasBench.open(opts.bench);
  try {
    const best = bench.findBest(opts.dataset, opts.set, {
      hp: opts.hp,
      flopMax: parseNumber(opts.flopMax, "--flop-max"),
      paramMax: parseNumber(opts.paramMax, "--param-max"),
    });
    const arch = best.index >= 0 ? bench.arch(best.index) : null;
    if (opts.json === true) return `${JSON.stringify({ index: best.index, arch, accuracy: best.accuracy })}\n`;
    if (best.index < 0) return "no architecture satisfies the limits\n";
    return `${best.index} ${arch} ${best.accuracy}\n`;
  } finally {
    bench.close();
  }
}

export function registerBestCommands(program: Command): void {
  program
    .command("best")
    .description("best architecture by mean last-epoch accuracy (NATS-Bench find_best)")
    .requiredOption("--bench <db>", "benchmark store")
    .requiredOption("--dataset <d>", `${RECORD_DATASET_KEYS.join(", ")}`)
    .requiredOption("--set <s>", "train, valid, test, x-valid, x-test or ori-test (remapped as NATS-Bench does)")
    .requiredOption("--hp <hp>", "training schedule: '12' or '200' (no default)")
    .option("--flop-max <mflops>", "skip archs with more MFLOPs")
    .option("--param-max <mb>", "skip archs with more parameters (MB)")
    .option("--json", "print JSON")
    .action((opts: BestCommandOptions) => {
      process.stdout.write(runBest(opts));
    });
}
