/**
 * The calling thread's side of a replicated training run: starts W−1 worker threads (packages/engine/src/train/replica-worker.ts),
 * each training a copy of the network on its slice of every batch, makes the calling thread replica 0, and takes
 * everything down again — also when a replica fails, whose error then reaches the caller.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import {
  abortReplicaGroup,
  createReplicaGroup,
  getNumThreads,
  joinReplicaGroup,
  leaveReplicaGroup,
  releaseReplicaGroup,
  setNumThreads,
  type Replica,
} from "../tensor/index.js";
import { UserError } from "@aa-nas/core/errors.js";
import type { TrainingData } from "../data/training-data.js";
import type { TrainConfig } from "./hyper.js";
import type { SpaceName } from "@aa-nas/core/space/index.js";

/** What every replica needs to run the same training as replica 0 (structured-cloneable; image sets shared). */
export interface ReplicaJob {
  arch: string;
  space: SpaceName;
  data: TrainingData;
  seed: number;
  hp: string;
  config: TrainConfig;
  channel: number;
  numCells: number;
  stopEpoch?: number;
  resumeFrom?: string;
}

export interface ReplicaWorkerInput {
  replica: Replica;
  job: ReplicaJob;
}

export type ReplicaWorkerMessage = { kind: "ready" } | { kind: "done" } | { kind: "failed"; message: string; userError: boolean };

const WORKER_URL = new URL("./replica-worker.js", import.meta.url);

/** Whether a replica worker can be started: its compiled module sits beside this one (not when this runs from the TypeScript sources). */
export function replicaWorkersAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER_URL));
}

interface Helper {
  worker: Worker;
  /** resolves with the helper's last message (or a synthetic failure if it died without one) once it has exited */
  ended: Promise<ReplicaWorkerMessage>;
}

export class ReplicaTeam {
  private constructor(
    readonly replica: Replica,
    private readonly helpers: Helper[],
    private readonly previousThreads: number,
  ) {}

  /** Starts the helpers and waits until each has loaded the engine; then this thread is replica 0 of `world`. */
  static async start(world: number, job: ReplicaJob): Promise<ReplicaTeam> {
    const group = createReplicaGroup(world);
    const helpers: Helper[] = [];
    const ready: Promise<void>[] = [];
    for (let rank = 1; rank < world; rank++) {
      const input: ReplicaWorkerInput = { replica: { group, rank, world }, job };
      // one intra-op thread per replica, set when the worker loads the engine (before replica 0 starts computing)
      const worker = new Worker(WORKER_URL, { workerData: input, env: { ...process.env, AA_NAS_THREADS: "1" } });
      let last: ReplicaWorkerMessage | null = null;
      const ending = (code: number): ReplicaWorkerMessage =>
        last !== null && last.kind !== "ready" ? last : { kind: "failed", message: `replica ${rank} exited with code ${code}`, userError: false };
      worker.on("error", (err) => {
        last = { kind: "failed", message: `replica ${rank} failed: ${err.message}`, userError: false };
        abortReplicaGroup(group, last.message);
      });
      ready.push(
        new Promise<void>((resolve, reject) => {
          worker.on("message", (m: ReplicaWorkerMessage) => {
            last = m;
            if (m.kind === "ready") resolve();
          });
          worker.on("exit", (code) => {
            const end = ending(code);
            reject(new Error(end.kind === "failed" ? end.message : `replica ${rank} ended before it was ready`));
          });
        }),
      );
      const ended = new Promise<ReplicaWorkerMessage>((resolve) => worker.on("exit", (code) => resolve(ending(code))));
      helpers.push({ worker, ended });
    }
    try {
      await Promise.all(ready);
    } catch (err) {
      abortReplicaGroup(group, "a replica failed to start");
      await Promise.all(helpers.map((h) => h.worker.terminate()));
      releaseReplicaGroup(group);
      throw err;
    }
    const previousThreads = getNumThreads();
    setNumThreads(1);
    const replica = { group, rank: 0, world };
    joinReplicaGroup(replica);
    return new ReplicaTeam(replica, helpers, previousThreads);
  }

  /** After replica 0 finished: waits for the others; throws the first failure among them. */
  async finish(): Promise<void> {
    const ends = await this.join();
    const failed = ends.find((m): m is Extract<ReplicaWorkerMessage, { kind: "failed" }> => m.kind === "failed");
    if (failed) throw failed.userError ? new UserError(failed.message) : new Error(failed.message);
  }

  /** After replica 0 failed with `err`: stops the others (waking any that wait for replica 0) and returns the error to throw. */
  async fail(err: unknown): Promise<unknown> {
    abortReplicaGroup(this.replica.group, `replica 0 stopped: ${err instanceof Error ? err.message : String(err)}`);
    await this.join();
    return err;
  }

  private async join(): Promise<ReplicaWorkerMessage[]> {
    try {
      return await Promise.all(this.helpers.map((h) => h.ended));
    } finally {
      leaveReplicaGroup();
      setNumThreads(this.previousThreads);
      releaseReplicaGroup(this.replica.group);
    }
  }
}
