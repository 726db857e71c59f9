/**
 * A sweep job is one (arch, seed) pair with everything that decides its record's values: hp, dataset keys, network
 * size and subsets. Whatever a worker machine may differ in (device, data folder, results mount) is not part of it.
 * The job id is derived from this content, so planning the same sweep twice names the same jobs and the queue keeps
 * one of each.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { UserError } from "@aa-nas/core/errors.js";
import { runStem } from "../pipeline/record-file.js";
import { isHp } from "../train/hyper.js";
import { RECORD_DATASET_KEYS, type RecordDatasetKey } from "@aa-nas/core/registry/index.js";
import { NETWORK_SPACES, type NetworkSpace } from "../models/space-network.js";

export interface TrainingSettings {
  /** the search space of the arch indexes; absent (jobs planned before sss support) = tss */
  space?: NetworkSpace;
  hp: string;
  datasets: RecordDatasetKey[];
  channel: number;
  numCells: number;
  trainSubset: number | null;
  evalSubset: number | null;
}

export interface SweepJob extends TrainingSettings {
  archIndex: number;
  seed: number;
}

const positive = z.number().int().positive();

export const sweepJobSchema = z.object({
  archIndex: z.number().int().nonnegative(),
  seed: z.number().int().nonnegative(),
  space: z.enum(NETWORK_SPACES).optional(),
  hp: z.string().refine(isHp, "hp must be a schedule length in epochs"),
  datasets: z.array(z.enum(RECORD_DATASET_KEYS)).min(1),
  channel: positive,
  numCells: positive,
  trainSubset: positive.nullable(),
  evalSubset: positive.nullable(),
});

/** Validates a job read back from the queue (another version of aa-nas may have planned it). */
export function parseSweepJob(data: unknown, id: string): SweepJob {
  const r = sweepJobSchema.safeParse(data);
  if (!r.success) throw new UserError(`job ${id} holds no valid sweep job (${r.error.issues[0]?.message ?? "invalid"}); re-plan it with this aa-nas version`);
  return r.data;
}

/** Short digest of the settings beyond hp, so different subsets or network sizes are different jobs. */
export function settingsDigest(s: TrainingSettings): string {
  // the space joins the key only for sss, so that the ids of tss jobs stay those earlier versions planned
  const key = JSON.stringify([s.datasets, s.channel, s.numCells, s.trainSubset, s.evalSubset, ...((s.space ?? "tss") === "tss" ? [] : [s.space])]);
  return createHash("sha256").update(key).digest("hex").slice(0, 10);
}

/** e.g. `arch-000123-seed-0777-hp200-3f2a9c01de`: readable, sortable, and equal for equal jobs. */
export function sweepJobId(job: SweepJob): string {
  return `${runStem(job.archIndex, job.seed)}-hp${job.hp}-${settingsDigest(job)}`;
}

/** Jobs in the original's loop order: arch, then seed. */
export function planSweepJobs(archIndexes: readonly number[], seeds: readonly number[], settings: TrainingSettings): SweepJob[] {
  return archIndexes.flatMap((archIndex) => seeds.map((seed) => ({ archIndex, seed, ...settings })));
}

/** How often a failing job is tried and how long to wait before the next try (doubling each time). */
export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
}

export function backoffDelay(policy: RetryPolicy, attemptsMade: number): number {
  return policy.backoffMs * 2 ** Math.max(0, attemptsMade - 1);
}
