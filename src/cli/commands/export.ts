/** `aa-nas export`: the store's final-epoch table (one row per run) as CSV or JSON lines. */
import { createWriteStream, type WriteStream } from "node:fs";
import type { Command } from "commander";
import { BenchStore, type FinalRow } from "../../bench/store.js";
import { UserError } from "../../errors.js";
import { archAt } from "../../space/index.js";

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

/** Writes the table line by line (streaming: the store is not loaded at once). */
export function runExport(opts: { bench: string; format: string }, write: (line: string) => void): number {
  if (opts.format !== "csv" && opts.format !== "jsonl") throw new UserError(`invalid --format '${opts.format}': use 'csv' or 'jsonl'`);
  const store = BenchStore.open(opts.bench);
  let n = 0;
  try {
    if (opts.format === "csv") write(`${EXPORT_COLUMNS.join(",")}\n`);
    for (const row of store.iterateFinal()) {
      const full: Record<string, unknown> = { ...(row as FinalRow), arch: archAt(row.arch_index) };
      if (opts.format === "csv") write(`${EXPORT_COLUMNS.map((c) => csvField(full[c])).join(",")}\n`);
      else write(`${JSON.stringify(Object.fromEntries(EXPORT_COLUMNS.map((c) => [c, full[c] ?? null])))}\n`);
      n++;
    }
  } finally {
    store.close();
  }
  return n;
}

export function registerExportCommands(program: Command): void {
  program
    .command("export")
    .description("export the final-epoch table (one row per run) as CSV or JSON lines")
    .requiredOption("--bench <db>", "benchmark store")
    .requiredOption("--format <f>", "csv or jsonl")
    .option("--out <file>", "write to a file instead of stdout")
    .action(async (opts: { bench: string; format: string; out?: string }) => {
      const out: WriteStream | NodeJS.WriteStream = opts.out !== undefined ? createWriteStream(opts.out) : process.stdout;
      let pending = "";
      const flush = (): void => {
        out.write(pending);
        pending = "";
      };
      runExport(opts, (line) => {
        pending += line;
        if (pending.length > 1 << 16) flush();
      });
      flush();
      if (opts.out !== undefined) await new Promise<void>((resolve, reject) => (out as WriteStream).end((e?: Error | null) => (e ? reject(e) : resolve())));
    });
}
