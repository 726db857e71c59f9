/** `aa-nas eval-net`: evaluate trained weights (any .safetensors weights file aa-nas writes); the engine is imported inside the action. */
import type { Command } from "commander";
import { DATA_DIR_HELP, dataLocation, integerOption, parseDevice } from "../options.js";
import { parseRecordDatasetKey } from "@aa-nas/core/registry/index.js";

export function registerEvalNetCommands(program: Command): void {
  program
    .command("eval-net")
    .description("evaluate trained weights on a dataset key's eval sets")
    .argument("<weights>", "arch-XXXXXX-seed-YYYY-<dataset>.safetensors written by train --save-weights, train-net or a sweep worker")
    .option("--dataset <key>", "which network of the file (needed when it holds several)")
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .option("--split-dir <dir>", "folder with the downloaded split files (default: the data dir)")
    .option("--device <device>", "cpu, cuda or cuda:<index>", "cpu")
    .option("--eval-subset <n>", "evaluate on the first N images of each eval set only", integerOption("--eval-subset"))
    .option("--json", "print one JSON object")
    .action(async (checkpoint: string, opts: { dataset?: string; dataDir?: string; splitDir?: string; device: string; evalSubset?: number; json?: boolean }) => {
      const device = parseDevice(opts.device);
      const dataset = opts.dataset === undefined ? undefined : parseRecordDatasetKey(opts.dataset);
      const [{ evalNet }, { checkDevice }] = await Promise.all([import("@aa-nas/engine/train/eval-net.js"), import("@aa-nas/engine/tensor/device.js")]);
      checkDevice(device);
      const result = evalNet({ checkpoint, dataset, ...dataLocation(opts), device, evalSubset: opts.evalSubset ?? null });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(result)}\n`);
        return;
      }
      // say whether the weights were checked, and never claim it for a file that carries no checksum
      const integrity = result.checksum === "verified" ? "weights checksum verified" : "no weights checksum (file written before checksums)";
      const lines = [`${result.dataset}  ${result.arch}  (${integrity})`];
      for (const [set, r] of Object.entries(result.results)) {
        lines.push(`  ${set.padEnd(9)} loss ${r.loss.toFixed(5)}  top-1 ${r.acc1.toFixed(2)}%  top-5 ${r.acc5.toFixed(2)}%  ${r.time.toFixed(2)} s`);
      }
      process.stdout.write(`${lines.join("\n")}\n`);
    });
}
