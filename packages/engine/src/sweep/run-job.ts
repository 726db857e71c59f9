/**
 * Runs one sweep job the same way whichever queue handed it out: a job whose record is already in the results folder
 * (intact and for the same settings) is done at once; otherwise a worker thread trains it with `trainRange`, which
 * resumes from the last per-epoch checkpoint another worker may have left in the shared folder.
 */
import { existsSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { abortAllReplicaGroups } from "../tensor/index.js";
import { UserError } from "@aa-nas/core/errors.js";
import { CorruptRecordError, readRecordFile, recordFilePath } from "../pipeline/record-file.js";
import type { SweepJob } from "./job.js";
import type { JobProgress, ThreadInput, ThreadMessage, WorkerSite } from "./thread-protocol.js";

export interface JobEvents {
  log(line: string): void;
  progress(p: JobProgress): void;
}

export interface JobResult {
  outcome: "trained" | "already-done";
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

export async function runSweepJob(job: SweepJob, site: WorkerSite, events: JobEvents): Promise<JobResult> {
  const started = Date.now();
  const record = recordFilePath(site.outDir, job.archIndex, job.seed);
  if (finishedRecordMatches(record, job)) return { outcome: "already-done", record, seconds: 0 };
  await trainInThread({ job, site }, events);
  if (!finishedRecordMatches(record, job)) throw new Error(`training finished but ${record} is missing or damaged`);
  return { outcome: "trained", record, seconds: (Date.now() - started) / 1000 };
}

/** Stops every training thread of this process (shutdown); their jobs resume elsewhere from the last checkpoint. */
export async function terminateTrainingThreads(): Promise<void> {
  // A training thread waiting for one of its replicas inside native code would not see the termination request.
  if (liveThreads.size > 0) abortAllReplicaGroups("the sweep worker is shutting down");
  await Promise.all([...liveThreads].map((t) => t.terminate()));
}

function finishedRecordMatches(path: string, job: SweepJob): boolean {
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

function trainInThread(input: ThreadInput, events: JobEvents): Promise<void> {
  return new Promise((resolve, reject) => {
    const thread = new Worker(new URL("./train-thread.js", import.meta.url), { workerData: input });
    liveThreads.add(thread);
    let settled = false;
    const settle = (err?: Error): void => {
      if (settled) return;
      settled = true;
      if (err) reject(err);
      else resolve();
    };
    thread.on("message", (m: ThreadMessage) => {
      if (m.kind === "log") events.log(m.line);
      else if (m.kind === "progress") events.progress(m.progress);
      else if (m.kind === "done") {
        settle();
        void thread.terminate(); // libtorch's pools may keep an idle thread alive
      }
      else settle(new TrainingFailedError(m.message, m.userError));
    });
    thread.on("error", (err) => settle(err));
    thread.on("exit", (code) => {
      liveThreads.delete(thread);
      settle(new Error(`training thread exited (code ${code}) before finishing`));
    });
  });
}
