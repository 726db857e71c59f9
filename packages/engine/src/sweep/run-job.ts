/**
 * Runs one sweep job the same way whichever queue handed it out. A training job whose record is already in the
 * results folder (intact and for the same settings) is done at once; otherwise a worker thread trains it with
 * `trainRange`, which resumes from the last per-epoch checkpoint another worker may have left in the shared folder.
 * A zero-cost job runs in a worker thread too (zero-cost-thread.ts): it scores its archs into its own store in the
 * results folder, skipping those already there, so a retried or taken-over job redoes at most one arch.
 */
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { Worker } from "node:worker_threads";
import { abortAllReplicaGroups } from "../tensor/index.js";
import { UserError } from "@aa-nas/core/errors.js";
import { CorruptRecordError, readRecordFile, recordFilePath } from "../pipeline/record-file.js";
import { isZeroCostJob, sweepJobId, type SweepJob, type TrainingJob } from "./job.js";
import type { JobProgress, ThreadInput, ThreadMessage, WorkerSite } from "./thread-protocol.js";

export interface JobEvents {
  log(line: string): void;
  progress(p: JobProgress): void;
}

export interface JobResult {
  /** "trained": the job computed something (trained its record, or scored at least one arch) */
  outcome: "trained" | "already-done";
  /** the record file, or a zero-cost job's store */
  record: string;
  seconds: number;
}

/** The results folder holds this (arch, seed) trained with other settings: retrying cannot help. */
export class JobConflictError extends UserError {}

/** An error the training thread raised, with its original kind kept for the retry decision. */
export class TrainingFailedError extends Error {
  constructor(
    message: string,
    readonly userError: boolean,
  ) {
    super(message);
    this.name = "TrainingFailedError";
  }
}

const liveThreads = new Set<Worker>();

/** Where a zero-cost job's scores go: one store per job, so workers on any machines never write the same file. */
export function zeroCostStorePath(outDir: string, job: SweepJob): string {
  return join(outDir, ZERO_COST_DIR, `${sweepJobId(job)}.db`);
}

/** Folder of the zero-cost jobs' stores inside a results folder (`sweep collect` merges them). */
export const ZERO_COST_DIR = "zero-cost";

export async function runSweepJob(job: SweepJob, site: WorkerSite, events: JobEvents): Promise<JobResult> {
  const started = Date.now();
  if (isZeroCostJob(job)) {
    const store = zeroCostStorePath(site.outDir, job);
    mkdirSync(dirname(store), { recursive: true });
    const scored = await runInThread("./zero-cost-thread.js", { job, site }, events);
    return { outcome: scored ? "trained" : "already-done", record: store, seconds: (Date.now() - started) / 1000 };
  }
  const record = recordFilePath(site.outDir, job.archIndex, job.seed);
  if (finishedRecordMatches(record, job)) return { outcome: "already-done", record, seconds: 0 };
  await runInThread("./train-thread.js", { job, site }, events);
  if (!finishedRecordMatches(record, job)) throw new Error(`training finished but ${record} is missing or damaged`);
  return { outcome: "trained", record, seconds: (Date.now() - started) / 1000 };
}

/** Stops every training thread of this process (shutdown); their jobs resume elsewhere from the last checkpoint. */
export async function terminateTrainingThreads(): Promise<void> {
  // A training thread waiting for one of its replicas inside native code would not see the termination request.
  if (liveThreads.size > 0) abortAllReplicaGroups("the sweep worker is shutting down");
  await Promise.all([...liveThreads].map((t) => t.terminate()));
}

function finishedRecordMatches(path: string, job: TrainingJob): boolean {
  if (!existsSync(path)) return false;
  let file;
  try {
    file = readRecordFile(path);
  } catch (err) {
    if (err instanceof CorruptRecordError) return false; // trainRange trains it again
    throw err;
  }
  const datasets = file.runs.map((r) => r.dataset).join(",");
  if (file.hp !== job.hp || datasets !== job.datasets.join(",")) {
    throw new JobConflictError(
      `${path} holds arch ${job.archIndex} seed ${job.seed} with hp ${file.hp} and datasets ${datasets}, but the job asks for ` +
        `hp ${job.hp} and datasets ${job.datasets.join(",")}; give each hp/dataset setting its own results folder (--out)`,
    );
  }
  return true;
}

/** Runs a job's thread to its end; resolves with whether it computed anything (`done.trained`). */
function runInThread(entry: "./train-thread.js" | "./zero-cost-thread.js", input: ThreadInput, events: JobEvents): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const thread = new Worker(new URL(entry, import.meta.url), { workerData: input });
    liveThreads.add(thread);
    let settled = false;
    const settle = (err?: Error, trained = false): void => {
      if (settled) return;
      settled = true;
      if (err) reject(err);
      else resolve(trained);
    };
    thread.on("message", (m: ThreadMessage) => {
      if (m.kind === "log") events.log(m.line);
      else if (m.kind === "progress") events.progress(m.progress);
      else if (m.kind === "done") {
        settle(undefined, m.trained);
        void thread.terminate(); // libtorch's pools may keep an idle thread alive
      }
      else settle(new TrainingFailedError(m.message, m.userError));
    });
    thread.on("error", (err) => settle(err));
    thread.on("exit", (code) => {
      liveThreads.delete(thread);
      settle(new Error(`job thread exited (code ${code}) before finishing`));
    });
  });
}
