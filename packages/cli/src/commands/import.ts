/**
 * `aa-nas import <path> --out <db>`: official NATS-Bench (tss or sss) / NAS-Bench-201 files, or the public all-arch
 * tables (the lite store), → a benchmark store (resumable). A new store takes the input's search space (`--space`
 * overrides); an existing store must hold the space of the input.
 */
import type { Command } from "commander";
import { importBenchmark, importSpaceOf, type ImportOptions, type ImportSummary } from "@aa-nas/core/bench/import/importers.js";
import { BenchStore } from "@aa-nas/core/bench/store.js";
import { searchSpace, type SpaceName } from "@aa-nas/core/space/index.js";
import { integerOption } from "../options.js";
import { progressBar } from "../progress.js";
import { checkOutputFile } from "../output-path.js";

export interface ImportCommandOptions {
  out: string;
  source?: string;
  replace?: boolean;
  skipConflicts?: boolean;
  progress?: boolean;
  verify?: boolean;
  workers?: number;
  json?: boolean;
  /** 'tss' | 'sss' (or NATS's 'topology' | 'size'); default: the input's */
  space?: string;
}

/** Runs an import; progress goes to stderr (cli/progress.ts) unless disabled. */
export function runImport(path: string, opts: ImportCommandOptions): ImportSummary & { space: SpaceName } {
  const space = searchSpace(opts.space ?? importSpaceOf(path)).name;
  const bar = progressBar("import", { quiet: opts.progress === false });
  let total = -1;
  const importOpts: ImportOptions = {
    source: opts.source,
    workers: opts.workers,
    onConflict: opts.replace === true ? "replace" : opts.skipConflicts === true ? "skip" : "error",
    onProgress: (p) => {
      if (p.total !== total) bar.start(p.total, p.unit);
      total = p.total;
      bar.update(p.done, p.unit);
    },
  };
  try {
    // a new store appears only once the import succeeded; an existing one takes each batch as one transaction
    return BenchStore.write(
      opts.out,
      (store) => {
        const summary = importBenchmark(path, store, importOpts);
        if (opts.verify === true) store.verify();
        return { ...summary, space: store.space.name };
      },
      { space },
    );
  } finally {
    bar.stop();
  }
}

export function registerImportCommands(program: Command): void {
  program
    .command("import")
    .description("import NATS-Bench tss or sss (dir, .tar or the single file), NAS-Bench-201 .pth, or the all-arch tables (lite store) into a store")
    .argument(
      "<path>",
      "NATS-tss-v1_0-3ffb9-simple/ or NATS-sss-v1_0-50262-simple/ directory or .tar, NATS-[ts]ss-*.pickle.pbz2, NAS-Bench-201-v1_*.pth, a *-FULL.pth archive dir, or a folder of the all-arch tables (metric_vals.csv, nats_bench.csv, mini-bench-arch-cell-accs.csv) or one of them",
    )
    .requiredOption("--out <db>", "benchmark store to create or extend (SQLite)")
    .option("--source <name>", "provenance source name (default: from the file name)")
    .option("--space <name>", "search space of a new store: tss or sss (default: the input's; a directory's meta file decides, else 'sss' in the file name)")
    .option("--replace", "replace stored runs that differ from the imported ones")
    .option("--skip-conflicts", "keep stored runs that differ from the imported ones")
    .option("--verify", "run the store integrity check afterwards")
    .option("--workers <n>", "threads decoding the per-arch files of a directory or .tar (default: one per CPU, at most 8; 0 = none)", integerOption("--workers", 0))
    .option("--no-progress", "no progress bar")
    .option("--json", "print the import summary as one JSON object on stdout")
    .action((path: string, opts: ImportCommandOptions) => {
      const out = checkOutputFile(opts.out);
      const s = runImport(path, opts);
      const verified = opts.verify === true;
      if (opts.json === true) {
        process.stdout.write(`${JSON.stringify({ path, out, ...s, verified })}\n`);
        return;
      }
      const r = s.runs;
      process.stderr.write(
        `imported ${s.archs} archs from ${path} (${s.kind}, source '${s.source}'): ${r.inserted} runs new, ${r.unchanged} unchanged, ` +
          `${r.replaced} replaced, ${r.skipped} kept; ${s.skippedArchs} archs already done` +
          (s.decodeWorkers ? `; decoded on ${s.decodeWorkers} worker threads\n` : "\n"),
      );
      // a check that passes says so: silence would not tell "passed" from "not run"
      if (verified) {
        const n = searchSpace(s.space).size;
        process.stderr.write(`verified ${out}: integrity check passed (SQLite quick_check, all ${n} archs of the ${s.space} space, every run with its final row)\n`);
      }
    });
}
