/** The two queues behind `aa-nas sweep`: Redis + BullMQ for many machines, a folder for one machine. */
import type { RetryPolicy, SweepJob } from "./job.js";
import type { SweepStatus } from "./status.js";
import type { WorkerSite } from "./thread-protocol.js";

export interface PlanResult {
  added: number;
  existing: number;
}

export interface WorkOptions {
  site: WorkerSite;
  concurrency: number;
  /** stop once no job is waiting, delayed or active anywhere (instead of waiting for more) */
  exitWhenDone: boolean;
  log(line: string): void;
}

export interface WorkSummary {
  trained: number;
  alreadyDone: number;
  failedTries: number;
}

export interface SweepQueue {
  plan(jobs: readonly SweepJob[], retry: RetryPolicy): Promise<PlanResult>;
  status(opts: { maxFailures: number }): Promise<SweepStatus>;
  work(o: WorkOptions): Promise<WorkSummary>;
  /** ask a running `work` to stop taking jobs (signal handlers) */
  stop(): Promise<void>;
  close(): Promise<void>;
}
