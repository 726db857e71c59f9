/**
 * `aa-nas merge`: record files → benchmark store (idempotent), reporting what is missing or damaged. It reads every
 * record any command writes: train, train-net, demo and sweep workers all write through one driver.
 */
import type { Command } from "commander";
import { DATASET_KEYS } from "@aa-nas/core/registry/index.js";
import { SPACE_NAMES, searchSpace } from "@aa-nas/core/space/index.js";
import { mergeRecords, type MergeReport } from "@aa-nas/engine/pipeline/merge.js";
import { TIME_CORRECTIONS } from "@aa-nas/engine/pipeline/time-correction.js";
import { parseChoice, parseDatasets, parseHp, parseRange, parseSeeds } from "../options.js";
import { progressBar } from "../progress.js";
import { checkOutputFile } from "../output-path.js";

interface MergeCliOptions {
  out: string;
  onConflict: string;
  timeCorrection?: boolean;
  expectRange?: string;
  expectSeeds: string[];
  expectDatasets: string[];
  hp: string;
  json?: boolean;
}

export const TIME_CORRECTION_HELP =
  "apply the store's space's pseudo-time correction: tss as v1.1 / NATS-tss (spec §5.5), sss as NATS-sss (from each key's hp-01 seed-777 run)";

/** --expect-range is checked against the store's space once it is open; here only against the larger space */
const LARGEST_SPACE = Math.max(...SPACE_NAMES.map((n) => searchSpace(n).size));

export function registerMergeCommands(program: Command): void {
  program
    .command("merge")
    .description("merge record files into the benchmark store (idempotent) and report what is missing or damaged")
    .argument("<results...>", "results folders (or record files) written by train, train-net, demo or sweep workers")
    .requiredOption("--out <db>", "benchmark store (SQLite) to create or extend")
    .option("--on-conflict <mode>", "when a stored run differs from the record: error, replace or skip", "error")
    .option("--time-correction", TIME_CORRECTION_HELP)
    .option("--expect-range <A-B>", "report (arch, seed, dataset) triples of this range that are missing")
    .option("--expect-seeds <seeds...>", "seeds expected (with --expect-range)", ["777", "888", "999"])
    .option("--expect-datasets <keys...>", "datasets expected (with --expect-range)", [...DATASET_KEYS])
    .option("--hp <epochs>", "hp expected (with --expect-range)", "200")
    .option("--json", "print the report as JSON")
    .action((inputs: string[], o: MergeCliOptions) => {
      checkOutputFile(o.out);
      const report = mergeRecords({
        inputs,
        out: o.out,
        onConflict: parseChoice(o.onConflict, "--on-conflict", ["error", "replace", "skip"] as const),
        timeCorrection: o.timeCorrection === true,
        ...(o.expectRange
          ? { expect: { archIndexes: parseRange(o.expectRange, LARGEST_SPACE), seeds: parseSeeds(o.expectSeeds), datasets: parseDatasets(o.expectDatasets), hp: parseHp(o.hp) } }
          : {}),
      });
      printMergeReport(report, o.out, o.json === true);
      if (report.corrupt.length > 0) process.exitCode = 2;
    });
}

/** The report of `merge` and `sweep collect`. */
export function printMergeReport(r: MergeReport, out: string, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    return;
  }
  const log = progressBar("merge");
  log.log(
    `merged ${r.files} record file(s) into ${out} (${searchSpace(r.space).title}): ${r.inserted} run(s) added, ${r.unchanged} already present, ` +
      `${r.replaced} replaced, ${r.skipped} skipped`,
  );
  for (const c of r.corrupt) log.log(`aa-nas: ${c.error}`);
  if (r.uncorrected.length) log.log(`time correction skipped for ${r.uncorrected.length} arch(s) without ${TIME_CORRECTIONS[r.space].reference}`);
  if (r.missing.length) {
    log.log(`${r.missing.length} (arch, seed, dataset) triple(s) missing, e.g.:`);
    for (const m of r.missing.slice(0, 10)) log.log(`  arch ${m.archIndex} seed ${m.seed} ${m.dataset}`);
  }
}
