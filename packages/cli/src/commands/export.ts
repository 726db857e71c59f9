/**
 * `aa-nas export`: the store's final-epoch table (one row per run) as CSV or JSON lines, or (`--format browser`) a
 * folder of static files the query API reads in a browser page (docs/browser.md).
 */
import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import type { Command } from "commander";
import { BenchStore, type FinalRow } from "@aa-nas/core/bench/store.js";
import { type BrowserExportSummary, writeBrowserExport } from "@aa-nas/core/bench/export-browser.js";
import { UserError } from "@aa-nas/core/errors.js";
import { parseChoice } from "../options.js";
import { checkOutputFile, checkOutputFolder } from "../output-path.js";
import { progressBar } from "../progress.js";

export const EXPORT_COLUMNS = [
  "arch_index",
  "arch",
  "hp",
  "dataset",
  "seed",
  "epochs",
  "params",
  "flops",
  "latency",
  "train_loss",
  "train_acc",
  "xvalid_loss",
  "xvalid_acc",
  "xtest_loss",
  "xtest_acc",
  "oritest_loss",
  "oritest_acc",
  "train_time_total",
] as const;

function csvField(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The table as lines, one run at a time (streaming: the store is not loaded at once). */
export function* exportLines(opts: { bench: string; format: string }): Generator<string> {
  parseChoice(opts.format, "--format", ["csv", "jsonl"]);
  const store = BenchStore.open(opts.bench);
  try {
    if (opts.format === "csv") yield `${EXPORT_COLUMNS.join(",")}\n`;
    for (const row of store.iterateFinal()) {
      const full: Record<string, unknown> = { ...(row as FinalRow), arch: store.space.archAt(row.arch_index) };
      if (opts.format === "csv") yield `${EXPORT_COLUMNS.map((c) => csvField(full[c])).join(",")}\n`;
      else yield `${JSON.stringify(Object.fromEntries(EXPORT_COLUMNS.map((c) => [c, full[c] ?? null])))}\n`;
    }
  } finally {
    store.close();
  }
}

export interface BrowserExportCommandOptions {
  bench: string;
  out?: string;
  progress?: boolean;
}

/** `--format browser`: the export folder; progress per arch on stderr. */
export function runBrowserExport(opts: BrowserExportCommandOptions): BrowserExportSummary {
  if (opts.out === undefined) throw new UserError("--format browser writes a folder: give it with --out <folder> (a new or empty one)");
  const out = checkOutputFolder(opts.out);
  const store = BenchStore.open(opts.bench);
  const bar = progressBar("export", { quiet: opts.progress === false });
  try {
    let last = 0;
    const summary = writeBrowserExport(store, out, {
      onArch: (done, total) => {
        if (done === 1) bar.start(total, "arch chunks");
        bar.update(done);
        // without a TTY the bar is silent: one line per 10 % instead
        if (!process.stderr.isTTY && opts.progress !== false && (done === total || done - last >= total / 10)) {
          last = done;
          bar.log(`export: ${done}/${total} arch chunks`);
        }
      },
    });
    return summary;
  } finally {
    bar.stop();
    store.close();
  }
}

export function registerExportCommands(program: Command): void {
  program
    .command("export")
    .description("export the final-epoch table (one row per run) as CSV or JSON lines, or the store as static files for the browser query API")
    .requiredOption("--bench <db>", "benchmark store")
    .requiredOption("--format <f>", "csv, jsonl or browser (a folder for openBrowserBench, docs/browser.md)")
    .option("--out <path>", "write to a file instead of stdout (browser: the folder to create, required)")
    .option("--json", "browser: print a JSON summary (files, bytes, seconds) instead of one line")
    .option("--no-progress", "browser: no progress on stderr")
    .action(async (opts: { bench: string; format: string; out?: string; json?: boolean; progress?: boolean }) => {
      if (parseChoice(opts.format, "--format", ["csv", "jsonl", "browser"]) === "browser") {
        const s = runBrowserExport(opts);
        process.stdout.write(
          opts.json === true
            ? `${JSON.stringify(s, null, 2)}\n`
            : `exported ${s.archs} ${s.space} archs (${s.runs} runs) to ${s.out}: ${s.files} files, ${(s.bytes / 1e6).toFixed(1)} MB, arch chunks ≤ ${(s.archBytes.max / 1e3).toFixed(0)} KB, in ${s.seconds.toFixed(1)} s\n`,
        );
        return;
      }
      if (opts.json === true) throw new UserError("--json applies to --format browser only; csv and jsonl are the data themselves");
      if (opts.out !== undefined) checkOutputFile(opts.out, { stream: true });
      const out: WriteStream | NodeJS.WriteStream = opts.out !== undefined ? createWriteStream(opts.out) : process.stdout;
      // 64 KB writes that wait for the reader, so a slow pipe does not make the whole table pile up in memory
      let pending = "";
      for (const line of exportLines(opts)) {
        pending += line;
        if (pending.length < 1 << 16) continue;
        if (!out.write(pending)) await once(out, "drain");
        pending = "";
      }
      out.write(pending);
      if (opts.out !== undefined) await new Promise<void>((resolve, reject) => (out as WriteStream).end((e?: Error | null) => (e ? reject(e) : resolve())));
    });
}
