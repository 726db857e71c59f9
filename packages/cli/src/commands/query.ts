/** `aa-nas query <index|arch>`: the original's get_more_info for one arch (JSON keys as in NATS-Bench). */
import type { Command } from "commander";
import { NasBench, toOriginalKeys, type Trial } from "@aa-nas/core/bench/api.js";
import { absentMetrics } from "@aa-nas/core/bench/semantics.js";
// NasBench.open reads SQLite through the store module, which registers its opener when loaded (bench/source.ts)
import "@aa-nas/core/bench/store.js";
import { UserError } from "@aa-nas/core/errors.js";
import { PyRandom } from "@aa-nas/core/space/index.js";
import { RECORD_DATASET_KEYS } from "@aa-nas/core/registry/index.js";
import { parseOptionalInteger } from "../options.js";

export interface QueryCommandOptions {
  bench: string;
  dataset: string;
  hp: string;
  iepoch?: string;
  trial?: string;
  rngSeed?: string;
  json?: boolean;
  /** the space the store must hold ('tss' | 'sss' | 'topology' | 'size'); default: whatever it holds */
  space?: string;
}

export function parseTrial(s: string | undefined): Trial {
  if (s === undefined || s === "mean" || s === "random") return s ?? "mean";
  if (/^-?\d+$/.test(s)) return Number(s);
  throw new UserError(`bad --trial '${s}': use 'mean', 'random' or a seed number`);
}

/** Returns the text the command prints. */
export function runQuery(arch: string, opts: QueryCommandOptions): string {
  const bench = NasBench.open(opts.bench, { rng: new PyRandom(parseOptionalInteger(opts.rngSeed, "--rng-seed", -Infinity) ?? 0), space: opts.space });
  try {
    const ref = /^\d+$/.test(arch) ? Number(arch) : arch;
    const more = bench.getMoreInfo(ref, opts.dataset, { hp: opts.hp, iepoch: parseOptionalInteger(opts.iepoch, "--iepoch", -Infinity), trial: parseTrial(opts.trial) });
    const info = toOriginalKeys(more);
    // JSON leaves values this store does not hold out; the table names them
    if (opts.json === true) return `${JSON.stringify(info, null, 2)}\n`;
    const absent = Object.keys(toOriginalKeys(Object.fromEntries(absentMetrics(more).map((k) => [k, null]))));
    const index = bench.indexOf(ref);
    const width = Math.max(...[...Object.keys(info), ...absent].map((k) => k.length));
    const lines = [`arch ${index} ${bench.arch(index)} on ${opts.dataset} (hp ${opts.hp})`];
    for (const [k, v] of Object.entries(info)) if (k !== "comment") lines.push(`${k.padEnd(width)}  ${String(v)}`);
    for (const k of absent) lines.push(`${k.padEnd(width)}  not in this store`);
    return `${lines.join("\n")}\n`;
  } finally {
    bench.close();
  }
}

export function registerQueryCommands(program: Command): void {
  program
    .command("query")
    .description("metrics of one architecture (NATS-Bench get_more_info)")
    .argument("<index|arch>", "benchmark index or arch string (a cell string in tss, a channel string like 8:16:24:32:64 in sss)")
    .requiredOption("--bench <db>", "benchmark store")
    .requiredOption("--dataset <d>", `${RECORD_DATASET_KEYS.join(", ")}`)
    .requiredOption("--hp <hp>", "training schedule: '12' or '200' in tss, '01', '12' or '90' in sss (no default)")
    .option("--space <name>", "fail unless the store holds this search space (tss or sss)")
    .option("--iepoch <n>", "epoch index (default: the last)")
    .option("--trial <t>", "'mean' (default), 'random' or a seed", "mean")
    .option("--rng-seed <n>", "seed of the generator behind --trial random", "0")
    .option("--json", "print the original's dict as JSON")
    .action((arch: string, opts: QueryCommandOptions) => {
      process.stdout.write(runQuery(arch, opts));
    });
}
