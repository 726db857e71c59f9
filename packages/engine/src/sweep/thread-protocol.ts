/** Messages between a sweep worker and the thread that runs its job (train-thread.ts, zero-cost-thread.ts). */
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
  /** epochs (or, for a zero-cost job, archs) finished so far */
  epoch: number;
  epochs: number;
  /** what `epoch` counts when not epochs: "arch" for a zero-cost job */
  unit?: "arch";
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
  /** trained: the thread computed something (a record trained, at least one arch scored) */
  | { kind: "done"; trained: boolean }
  | { kind: "failed"; message: string; userError: boolean; stack: string };
