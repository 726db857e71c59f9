/** Messages between a sweep worker and the thread that trains its job (see train-thread.ts). */
import type { SweepJob } from "./job.js";

/** What one worker machine supplies to every job it runs. */
export interface WorkerSite {
  /** shared results folder: records and per-epoch checkpoints */
  outDir: string;
  dataDir: string;
  device: string;
  /** save each dataset key's final weights beside the record */
  saveWeights: boolean;
  /** CPU replicas per run; absent: the command line's default (`defaultReplicas`) */
  replicas?: number;
}

export interface JobProgress {
  dataset: string;
  /** epochs finished so far */
  epoch: number;
  epochs: number;
  phase?: string;
  batch?: number;
  batches?: number;
}

export interface ThreadInput {
  job: SweepJob;
  site: WorkerSite;
}

export type ThreadMessage =
  | { kind: "log"; line: string }
  | { kind: "progress"; progress: JobProgress }
  | { kind: "done"; trained: boolean }
  | { kind: "failed"; message: string; userError: boolean; stack: string };
