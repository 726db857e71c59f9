/**
 * `aa-nas sweep`: distributed benchmark generation. `plan` puts one job per (arch, seed) in a queue, `worker` trains
 * them on any number of machines, `status` and `collect` follow and gather the results, `slurm` writes an sbatch array
 * for clusters without Redis. With `--redis` the queue is BullMQ on Redis; without it, a folder queue inside the
 * results directory for the workers of one machine. The queue code is imported inside the actions (it pulls in BullMQ,
 * and the worker the native engine).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { errorLine, UserError } from "@aa-nas/core/errors.js";
import { DEFAULT_CHANNEL, DEFAULT_NUM_CELLS } from "@aa-nas/engine/models/structure.js";
import { findZeroCostStores, mergeRecords, mergeZeroCostStores } from "@aa-nas/engine/pipeline/merge.js";
import type { TrainingSettings } from "@aa-nas/engine/sweep/job.js";
import type { SweepQueue } from "@aa-nas/engine/sweep/queue.js";
import { DATA_DIR_HELP, SPACE_HELP, parseSpace, channelOption, numCellsOption, dataLocation, integerOption, parseArchSelection, parseDatasets, parseDevice, parseHp, parseRange, seedsFor } from "../options.js";
import { TIME_CORRECTION_HELP, printMergeReport } from "./merge.js";
import { proxyOptions, proxySettings, selectArchs, type ProxyCliOptions } from "./zero-cost.js";
import { RECORD_DATASET_KEYS } from "@aa-nas/core/registry/index.js";
import { searchSpace } from "@aa-nas/core/space/index.js";
import { checkOutputFile, checkOutputFolder } from "../output-path.js";

const DEFAULT_REDIS = "redis://127.0.0.1:6379";
const DEFAULT_QUEUE = "aa-nas-sweep"; // as DEFAULT_QUEUE in sweep/redis-queue.ts

interface QueueCliOptions {
  redis?: string | boolean;
  queue: string;
  out?: string;
}

interface SettingsCliOptions {
  space: string;
  seeds?: string[];
  datasets: string[];
  hp: string;
  channel: number;
  numCells: number;
  trainSubset?: number;
  evalSubset?: number;
}

interface PlanCliOptions extends QueueCliOptions, SettingsCliOptions {
  range?: string;
  archIndex?: string;
  attempts: number;
  backoffMs: number;
  json?: boolean;
}

interface PlanZeroCostCliOptions extends QueueCliOptions, ProxyCliOptions {
  range?: string;
  archIndex?: string;
  all?: boolean;
  archsPerJob: number;
  attempts: number;
  backoffMs: number;
  json?: boolean;
}

interface WorkerCliOptions extends QueueCliOptions {
  out: string;
  dataDir?: string;
  device: string;
  replicas?: number;
  saveWeights?: boolean;
  concurrency: number;
  lockMs: number;
  stalledMs: number;
  maxStalled: number;
  exitWhenDone?: boolean;
  json?: boolean;
}

interface StatusCliOptions extends QueueCliOptions {
  failures: number;
  json?: boolean;
}

interface CollectCliOptions extends QueueCliOptions {
  results: string;
  out: string;
  timeCorrection?: boolean;
  json?: boolean;
}

interface SlurmCliOptions extends SettingsCliOptions {
  json?: boolean;
  range: string;
  arraySize: number;
  out: string;
  dataDir?: string;
  device: string;
  aaNas: string;
  jobName: string;
  time?: string;
  partition?: string;
  gres?: string;
  cpusPerTask?: number;
  maxParallel?: number;
  script?: string;
}

/** Node's timers hold at most 2^31 - 1 ms (24.8 days); a longer delay fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function queueOptions(c: Command, outHelp: string): Command {
  return c
    .option("--redis [url]", `Redis holding the queue (default ${DEFAULT_REDIS} when given without a URL; without --redis: the local folder queue)`)
    .option("--queue <name>", "queue name on Redis", DEFAULT_QUEUE)
    .option("--out <dir>", outHelp);
}

function settingsOptions(c: Command): Command {
  return c
    .option("--space <space>", SPACE_HELP, "tss")
    .option("--seeds <seeds...>", "seeds, e.g. 777 888 999 (default: the seeds the released benchmark trained --hp with)")
    .requiredOption("--datasets <keys...>", `dataset keys: ${RECORD_DATASET_KEYS.join(", ")}`)
    .requiredOption("--hp <epochs>", "schedule length: 12 or 200 for the benchmark (any positive number of epochs)")
    .option("--channel <C>", "channels of the first stage", channelOption, DEFAULT_CHANNEL)
    .option("--num-cells <N>", "cells per stage", numCellsOption, DEFAULT_NUM_CELLS)
    .option("--train-subset <n>", "train on the first n images only (quick runs)", integerOption("--train-subset"))
    .option("--eval-subset <n>", "evaluate on the first n images of each eval set", integerOption("--eval-subset"));
}

function trainingSettings(o: SettingsCliOptions, cmd: Command): TrainingSettings {
  const space = parseSpace(o.space, (k) => cmd.getOptionValueSource(k) === "cli");
  return {
    ...(space.name === "tss" ? {} : { space: space.name }),
    hp: parseHp(o.hp),
    datasets: parseDatasets(o.datasets),
    channel: o.channel,
    numCells: o.numCells,
    trainSubset: o.trainSubset ?? null,
    evalSubset: o.evalSubset ?? null,
  };
}

function redisUrl(o: QueueCliOptions): string | null {
  if (o.redis === undefined || o.redis === false) return null;
  const url = o.redis === true ? DEFAULT_REDIS : o.redis;
  if (!/^rediss?:\/\//.test(url)) throw new UserError(`--redis must be a redis:// or rediss:// URL, e.g. ${DEFAULT_REDIS}; got '${url}'`);
  return url;
}

async function openQueue(o: QueueCliOptions, stall?: { lockMs: number; stalledMs: number; maxStalled: number }): Promise<SweepQueue> {
  const url = redisUrl(o);
  if (url !== null) {
    const { openRedisQueue } = await import("@aa-nas/engine/sweep/redis-queue.js");
    return openRedisQueue(url, o.queue, stall ? { lockMs: stall.lockMs, stalledCheckMs: stall.stalledMs, maxStalled: stall.maxStalled } : undefined);
  }
  if (o.out === undefined) throw new UserError("give --redis URL for the Redis queue, or --out <results dir> for the local queue kept in that folder");
  checkOutputFolder(o.out);
  const { openLocalQueue } = await import("@aa-nas/engine/sweep/local-queue.js");
  return openLocalQueue(o.out);
}

async function withQueue<T>(q: SweepQueue, f: (q: SweepQueue) => Promise<T>): Promise<T> {
  try {
    return await f(q);
  } finally {
    await q.close();
  }
}

export function registerSweepCommands(program: Command): void {
  const sweep = program.command("sweep").description("distributed generation: a queue of (arch, seed) jobs on Redis (or a local folder) and workers");

  settingsOptions(queueOptions(sweep.command("plan"), "results directory (local queue only: the queue lives in <dir>/.sweep)"))
    .description("enqueue one job per (arch, seed); planning again adds only jobs not yet in the queue")
    .option("--range <A-B>", "arch index range, inclusive")
    .option("--arch-index <i>", "a single arch index")
    .option("--attempts <n>", "tries per job before it counts as failed", integerOption("--attempts"), 3)
    .option("--backoff-ms <ms>", "wait before the 2nd try; doubled for each further try", integerOption("--backoff-ms", 0, MAX_TIMER_MS), 60_000)
    .option("--json", "print the result as JSON")
    .action(async (o: PlanCliOptions, cmd: Command) => {
      const { planSweepJobs } = await import("@aa-nas/engine/sweep/job.js");
      const settings = trainingSettings(o, cmd);
      const jobs = planSweepJobs(parseArchSelection(o, searchSpace(settings.space ?? "tss").size), seedsFor(o.seeds, searchSpace(settings.space ?? "tss"), settings.hp), settings);
      const r = await withQueue(await openQueue(o), (q) => q.plan(jobs, { attempts: o.attempts, backoffMs: o.backoffMs }));
      if (o.json) process.stdout.write(`${JSON.stringify(r)}\n`);
      else process.stderr.write(`planned ${jobs.length} job(s): ${r.added} added, ${r.existing} already in the queue\n`);
    });

  proxyOptions(queueOptions(sweep.command("plan-zero-cost"), "results directory (local queue only: the queue lives in <dir>/.sweep)"))
    .description("enqueue zero-cost jobs: the archs in chunks of --archs-per-job, each scored by a worker into <out>/zero-cost/ (collect merges them)")
    .option("--range <A-B>", "arch index range, inclusive")
    .option("--arch-index <i>", "a single arch index")
    .option("--all", "all 15,625 archs")
    .option("--archs-per-job <n>", "archs per job", integerOption("--archs-per-job", 1), 50)
    .option("--attempts <n>", "tries per job before it counts as failed", integerOption("--attempts"), 3)
    .option("--backoff-ms <ms>", "wait before the 2nd try; doubled for each further try", integerOption("--backoff-ms", 0, MAX_TIMER_MS), 60_000)
    .option("--json", "print the result as JSON")
    .action(async (o: PlanZeroCostCliOptions) => {
      const { planZeroCostJobs } = await import("@aa-nas/engine/sweep/job.js");
      const s = proxySettings(o);
      const jobs = planZeroCostJobs(selectArchs(o), o.archsPerJob, {
        dataset: s.dataset,
        seed: s.seed,
        proxies: s.proxies,
        batchSource: s.batch.source,
        batchSize: s.batch.size,
        batchSeed: s.batch.seed,
      });
      const r = await withQueue(await openQueue(o), (q) => q.plan(jobs, { attempts: o.attempts, backoffMs: o.backoffMs }));
      if (o.json) process.stdout.write(`${JSON.stringify(r)}\n`);
      else process.stderr.write(`planned ${jobs.length} zero-cost job(s): ${r.added} added, ${r.existing} already in the queue\n`);
    });

  queueOptions(sweep.command("worker"), "shared results directory: records and per-epoch checkpoints (required)")
    .description("take jobs from the queue and run them: train (resuming from checkpoints in the shared results directory) or score zero-cost proxies")
    .option("--data-dir <dir>", DATA_DIR_HELP)
    .option("--device <device>", "cpu, cuda or cuda:N", "cpu")
    .option("--replicas <n>", "CPU replicas per training run (default: one per thread)", integerOption("--replicas"))
    .option("--save-weights", "save each dataset key's final weights next to the record (for eval-net)")
    .option("--concurrency <n>", "jobs trained at once by this worker (each on its own thread)", integerOption("--concurrency", 1, 256), 1)
    .option("--lock-ms <ms>", "job lock duration: a dead worker's job is taken again after about this long (Redis)", integerOption("--lock-ms", 1000, MAX_TIMER_MS), 60_000)
    .option("--stalled-ms <ms>", "how often to look for jobs of dead workers (Redis)", integerOption("--stalled-ms", 500, MAX_TIMER_MS), 30_000)
    .option("--max-stalled <n>", "a job whose worker died more often than this fails (Redis)", integerOption("--max-stalled"), 5)
    .option("--exit-when-done", "exit once no job is waiting, delayed or active (default: wait for more jobs)")
    .option("--json", "print a JSON summary on stdout when done")
    .action(async (o: WorkerCliOptions) => {
      if (o.out === undefined) throw new UserError("give --out <shared results directory>");
      checkOutputFolder(o.out);
      const device = parseDevice(o.device);
      const queue = await openQueue(o, o);
      // lines carry job failure messages, which may echo names from data files: escaped, one line each
      const log = (line: string): void => void process.stderr.write(`${new Date().toISOString()} ${errorLine(line, 2000)}\n`);
      const stop = (signal: string) => () => {
        log(`${signal}: stopping; unfinished jobs resume from their last checkpoint on another worker`);
        void queue.stop().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
      };
      process.once("SIGINT", stop("SIGINT"));
      process.once("SIGTERM", stop("SIGTERM"));
      const summary = await withQueue(queue, (q) =>
        q.work({
          site: {
            outDir: o.out,
            dataDir: dataLocation(o).dataDir,
            device,
            saveWeights: o.saveWeights === true,
            ...(o.replicas === undefined ? {} : { replicas: o.replicas }),
          },
          concurrency: o.concurrency,
          exitWhenDone: o.exitWhenDone === true,
          log,
        }),
      );
      if (o.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      log(`worker done: ${summary.trained} trained, ${summary.alreadyDone} already present, ${summary.failedTries} failed tries`);
    });

  queueOptions(sweep.command("status"), "results directory (local queue only)")
    .description("counts, throughput, ETA, running jobs' progress and failures with their reasons")
    .option("--failures <n>", "list at most this many failures", integerOption("--failures"), 20)
    .option("--json", "print the status as JSON")
    .action(async (o: StatusCliOptions) => {
      const { formatStatus } = await import("@aa-nas/engine/sweep/status.js");
      const s = await withQueue(await openQueue(o), (q) => q.status({ maxFailures: o.failures }));
      process.stdout.write(o.json ? `${JSON.stringify(s)}\n` : `${formatStatus(s)}\n`);
    });

  sweep
    .command("collect")
    .description("merge the finished records (and zero-cost jobs' scores) of a results directory into the benchmark store (idempotent: each run once)")
    .requiredOption("--results <dir>", "shared results directory the workers wrote")
    .requiredOption("--out <db>", "benchmark store (SQLite) to create or extend")
    .option("--time-correction", TIME_CORRECTION_HELP)
    .option("--json", "print the merge report as JSON")
    .action((o: CollectCliOptions) => {
      checkOutputFile(o.out);
      const r = mergeRecords({ inputs: [o.results], out: o.out, onConflict: "error", timeCorrection: o.timeCorrection === true });
      // zero-cost jobs' stores, when the folder holds any (a training-only sweep's report is unchanged)
      const stores = findZeroCostStores(o.results);
      const zeroCost = stores.length > 0 ? mergeZeroCostStores(stores, o.out) : undefined;
      if (o.json === true && zeroCost !== undefined) process.stdout.write(`${JSON.stringify({ ...r, zeroCost })}\n`);
      else printMergeReport(r, o.out, o.json === true);
      if (zeroCost !== undefined && o.json !== true) process.stderr.write(`merged ${zeroCost.scores} zero-cost score(s) from ${zeroCost.stores} job store(s) into ${o.out}\n`);
      if (r.corrupt.length > 0) process.exitCode = 2;
    });

  settingsOptions(sweep.command("slurm"))
    .description("write an sbatch array script: each task trains its slice of the range with `aa-nas train --mode new` (resubmit to resume)")
    .requiredOption("--range <A-B>", "arch index range, inclusive")
    .requiredOption("--array-size <n>", "number of array tasks (slices of the range)", integerOption("--array-size"))
    .requiredOption("--out <dir>", "shared results directory")
    .option("--data-dir <dir>", "dataset directory on the nodes (default: the nodes' default, see train --help)")
    .option("--device <device>", "cpu or cuda", "cuda")
    .option("--aa-nas <command>", "how the nodes run the CLI", "aa-nas")
    .option("--job-name <name>", "Slurm job name", "aa-nas-train")
    .option("--time <limit>", "Slurm time limit per task, e.g. 48:00:00")
    .option("--partition <name>", "Slurm partition")
    .option("--gres <spec>", "generic resources, e.g. gpu:1")
    .option("--cpus-per-task <n>", "CPUs per task", integerOption("--cpus-per-task"))
    .option("--max-parallel <n>", "at most this many tasks at once", integerOption("--max-parallel"))
    .option("--script <file>", "write the script here (default: stdout)")
    .option("--json", "print one JSON object: the script's path (or its text without --script), the array and the submit command")
    .action(async (o: SlurmCliOptions, cmd: Command) => {
      checkOutputFolder(o.out);
      if (o.script) checkOutputFile(o.script, { flag: "--script" });
      const { slurmScript } = await import("@aa-nas/engine/sweep/slurm.js");
      const settings = trainingSettings(o, cmd);
      const range = parseRange(o.range, searchSpace(settings.space ?? "tss").size);
      const text = slurmScript({
        ...settings,
        start: range[0]!,
        end: range[range.length - 1]!,
        arraySize: o.arraySize,
        seeds: seedsFor(o.seeds, searchSpace(settings.space ?? "tss"), settings.hp),
        outDir: o.out,
        ...(o.dataDir ? { dataDir: o.dataDir } : {}),
        device: o.device,
        aaNas: o.aaNas,
        jobName: o.jobName,
        ...(o.time ? { time: o.time } : {}),
        ...(o.partition ? { partition: o.partition } : {}),
        ...(o.gres ? { gres: o.gres } : {}),
        ...(o.cpusPerTask ? { cpusPerTask: o.cpusPerTask } : {}),
        ...(o.maxParallel ? { maxParallel: o.maxParallel } : {}),
      });
      const logs = join(o.out, "slurm-logs");
      mkdirSync(logs, { recursive: true }); // sbatch does not create the --output folder
      if (o.json) {
        if (o.script) writeFileSync(o.script, text, { mode: 0o755 });
        const about = { start: range[0]!, end: range[range.length - 1]!, arraySize: o.arraySize, logs };
        process.stdout.write(`${JSON.stringify(o.script ? { script: o.script, submit: `sbatch ${o.script}`, ...about } : { script: null, text, ...about })}\n`);
        return;
      }
      if (o.script) {
        writeFileSync(o.script, text, { mode: 0o755 });
        process.stderr.write(`wrote ${o.script}: submit with sbatch ${o.script}\n`);
      } else process.stdout.write(text);
    });
}
