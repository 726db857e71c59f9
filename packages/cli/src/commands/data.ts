/** `aa-nas data download <name>` and `aa-nas data status`: get the datasets and see what the data folder holds. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { DOWNLOADS, DOWNLOAD_NAMES, downloadDataset, downloadSpec } from "@aa-nas/engine/data/download.js";
import { defaultDataDir } from "@aa-nas/engine/data/training-data.js";
import { IMAGENET16_DIR, IMAGENET16_FILES } from "@aa-nas/engine/data/sources.js";
import { SPLIT_FILES, locateSplitFile } from "@aa-nas/engine/data/splits.js";
import { FASHION_MNIST_SYSTEM_DIR } from "@aa-nas/engine/data/fashion-mnist.js";
import { checkOutputFolder } from "../output-path.js";

export function registerDataCommands(program: Command): void {
  const data = program.command("data").description("download and inspect the training datasets");

  data
    .command("download")
    .description("fetch a dataset's official archives (or take local copies with --from), check the pinned digests and unpack them")
    .argument("<name>", `one of: ${DOWNLOAD_NAMES.join(", ")}`)
    .option("--data-dir <dir>", "where to unpack", defaultDataDir())
    .option("--from <path>", "a local archive, or a folder holding the published files, instead of the network")
    .option("--json", "print one JSON object: the dataset, the data folder and the files unpacked")
    .action(async (name: string, opts: { dataDir: string; from?: string; json?: boolean }) => {
      checkOutputFolder(opts.dataDir, { flag: "--data-dir" });
      const spec = downloadSpec(name);
      const files = await downloadDataset(spec, { dataDir: opts.dataDir, from: opts.from, log: (l) => process.stderr.write(`${l}\n`) });
      if (opts.json) process.stdout.write(`${JSON.stringify({ name, dataset: spec.what, dataDir: opts.dataDir, files })}\n`);
      else process.stderr.write(`${spec.what}: ${files.length} files in ${opts.dataDir}\n`);
    });

  data
    .command("status")
    .description("list which datasets and split files the data folder holds")
    .option("--data-dir <dir>", "data folder", defaultDataDir())
    .option("--json", "print one JSON object")
    .action((opts: { dataDir: string; json?: boolean }) => {
      const d = opts.dataDir;
      const status: Record<string, string | null> = {
        "CIFAR-10": ["cifar-10-batches-py", "cifar-10-batches-bin"].find((f) => existsSync(join(d, f))) ?? null,
        "CIFAR-100": ["cifar-100-python", "cifar-100-binary"].find((f) => existsSync(join(d, f))) ?? null,
        ImageNet16: IMAGENET16_FILES.every((f) => existsSync(join(d, IMAGENET16_DIR, f.name))) ? IMAGENET16_DIR : null,
        "Fashion-MNIST": existsSync(join(d, "fashion-mnist")) ? join(d, "fashion-mnist") : existsSync(FASHION_MNIST_SYSTEM_DIR) ? FASHION_MNIST_SYSTEM_DIR : null,
        "cifar-split.txt": "regenerated (seed 1021)",
      };
      for (const info of [SPLIT_FILES.cifar100Test, SPLIT_FILES.imagenet16Test, SPLIT_FILES.imagenet16Train]) status[info.file] = locateSplitFile(d, info);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ dataDir: d, status })}\n`);
        return;
      }
      const lines = [`data folder ${d}`];
      for (const [k, v] of Object.entries(status)) lines.push(`  ${k.padEnd(32)} ${v ?? "missing"}`);
      const missing = Object.entries(status).filter(([, v]) => v === null);
      if (missing.length > 0) lines.push(`get missing ones with 'aa-nas data download <${Object.keys(DOWNLOADS).join("|")}> --data-dir ${d}'`);
      process.stdout.write(`${lines.join("\n")}\n`);
    });
}
