/** `aa-nas export`: the store's final-epoch table (one row per run) as CSV or JSON lines. */
import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import type { Command } from "commander";
import { BenchStore, type FinalRow } from "../../bench/store.js";
import { archAt } from "../../space/index.js";
import { parseChoice } from "../options.js";
import { checkOutputFile } from "../output-path.js";

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
      const full: Record<string, unknown> = { ...(row as FinalRow), arch: archAt(row.arch_index) };
      if (opts.format === "csv") yield `${EXPORT_COLUMNS.map((c) => csvField(full[c])).join(",")}\n`;
      else yield `${JSON.stringify(Object.fromEntries(EXPORT_COLUMNS.map((c) => [c, full[c] ?? null])))}\n`;
    }
  } finally {
    store.close();
  }
}

export function registerExportCommands(program: Command): void {
  program
    .command("export")
    .description("export the final-epoch table (one row per run) as CSV or JSON lines")
    .requiredOption("--bench <db>", "benchmark store")
    .requiredOption("--format <f>", "csv or jsonl")
    .option("--out <file>", "write to a file instead of stdout")
    .action(async (opts: { bench: string; format: string; out?: string }) => {
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
