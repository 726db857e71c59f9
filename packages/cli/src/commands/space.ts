import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { DATASET_KEYS, SEARCH_DATASETS } from "@aa-nas/core/registry/index.js";
import { checkOutputFolder } from "../output-path.js";
import {
  archCosts,
  isValid,
  jobPlan,
  metaInfo,
  resolveArch,
  toMatrix,
  uniqueStr,
  JOB_GAP,
  type ArchCosts,
  type CostDataset,
} from "@aa-nas/core/space/index.js";

/** Datasets shown by `aa-nas arch`: one per network (cifar10-valid has cifar10's), as searches name them. */
const SHOWN_DATASETS: readonly CostDataset[] = SEARCH_DATASETS;

export function registerSpaceCommands(program: Command): void {
  program
    .command("arch")
    .description("show an architecture: index, arch string, unique string, validity, matrix, params and FLOPs")
    .argument("<index|arch>", "benchmark index 0..15624 or an arch string like '|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|…|'")
    .option("--json", "print one JSON object")
    .action((x: string, opts: { json?: boolean }) => {
      const { index, arch } = resolveArch(x);
      const costs = Object.fromEntries(SHOWN_DATASETS.map((d) => [d, archCosts(arch, d)])) as Record<string, ArchCosts>;
      const info = { index, arch, unique: uniqueStr(arch, true), valid: isValid(arch), matrix: toMatrix(arch), costs };
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(info)}\n`);
        return;
      }
      const lines = [
        `index   ${index}`,
        `arch    ${arch}`,
        `unique  ${info.unique}`,
        `valid   ${info.valid}`,
        "matrix  " + info.matrix.map((row) => row.join(" ")).join("\n        "),
        ...SHOWN_DATASETS.map((d) => `${d.padEnd(15)} ${costs[d]!.flops} MFLOPs, ${costs[d]!.params} MB params`),
      ];
      process.stdout.write(`${lines.join("\n")}\n`);
    });

  program
    .command("meta")
    .description("write the pipeline's meta file (arch list, CIFAR-10 split) and the training job plan")
    .requiredOption("--out <dir>", "output directory")
    .option("--json", "print the files written and the job count as one JSON object")
    .action((opts: { out: string; json?: boolean }) => {
      checkOutputFolder(opts.out);
      mkdirSync(opts.out, { recursive: true });
      const metaPath = join(opts.out, "meta.json");
      const jobsPath = join(opts.out, "jobs.json");
      writeFileSync(metaPath, JSON.stringify(metaInfo()));
      const jobs = jobPlan().map((j) => ({
        ...j,
        command: `aa-nas train --range ${j.start}-${j.end} --seeds 777 888 999 --datasets ${DATASET_KEYS.join(" ")} --hp 200 --mode new`,
      }));
      writeFileSync(jobsPath, `${JSON.stringify({ gap: JOB_GAP, jobs }, null, 1)}\n`);
      if (opts.json === true) process.stdout.write(`${JSON.stringify({ meta: metaPath, jobs: jobsPath, jobCount: jobs.length })}\n`);
      else process.stderr.write(`wrote ${metaPath} and ${jobsPath} (${jobs.length} jobs)\n`);
    });
}
