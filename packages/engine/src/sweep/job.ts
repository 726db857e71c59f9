/**
 * A sweep job is one of two kinds, each with everything that decides its results' values; whatever a worker machine
 * may differ in (device, data folder, results mount) is not part of it. The job id is derived from this content, so
 * planning the same sweep twice names the same jobs and the queue keeps one of each.
 * - a training job: one (arch, seed) pair with hp, dataset keys, network size and subsets; it writes one record file;
 * - a zero-cost job (`kind: "zero-cost"`): a list of archs with the proxy settings (batch dataset, batch, init seed,
 *   proxies); it writes their scores to its own store in the results folder (docs/sweep.md).
 * Training jobs carry no `kind`, so jobs planned before zero-cost jobs existed keep their ids and still parse.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { UserError } from "@aa-nas/core/errors.js";
import { runStem } from "../pipeline/record-file.js";
import { isHp } from "../train/hyper.js";
import { RECORD_DATASET_KEYS, type RecordDatasetKey } from "@aa-nas/core/registry/index.js";
import { PROXY_BATCH_SOURCES, PROXY_DATASETS, PROXY_NAMES, type ProxyBatchSource, type ProxyDataset, type ProxyName } from "@aa-nas/core/bench/zero-cost-types.js";
import { NUM_ARCHS, SPACE_NAMES, type SpaceName } from "@aa-nas/core/space/index.js";

export interface TrainingSettings {
  /** the search space of the arch indexes; absent (jobs planned before sss support) = tss */
  space?: SpaceName;
  hp: string;
  datasets: RecordDatasetKey[];
  channel: number;
  numCells: number;
  trainSubset: number | null;
  evalSubset: number | null;
}

export interface TrainingJob extends TrainingSettings {
  archIndex: number;
  seed: number;
}

/** What decides a zero-cost job's scores (as `aa-nas zero-cost compute` takes them). */
export interface ZeroCostSettings {
  dataset: ProxyDataset;
  /** `manual_seed` of the network initialisation */
  seed: number;
  proxies: ProxyName[];
  batchSource: ProxyBatchSource;
  batchSize: number;
  batchSeed: number;
}

export interface ZeroCostJob extends ZeroCostSettings {
  kind: "zero-cost";
  archIndexes: number[];
}

export type SweepJob = TrainingJob | ZeroCostJob;

export function isZeroCostJob(job: SweepJob): job is ZeroCostJob {
  return (job as Partial<ZeroCostJob>).kind === "zero-cost";
}

const positive = z.number().int().positive();

export const sweepJobSchema = z.object({
  archIndex: z.number().int().nonnegative(),
  seed: z.number().int().nonnegative(),
  space: z.enum(SPACE_NAMES).optional(),
  hp: z.string().refine(isHp, "hp must be a schedule length in epochs"),
  datasets: z.array(z.enum(RECORD_DATASET_KEYS)).min(1),
  channel: positive,
  numCells: positive,
  trainSubset: positive.nullable(),
  evalSubset: positive.nullable(),
});

export const zeroCostJobSchema = z.object({
  kind: z.literal("zero-cost"),
  archIndexes: z.array(z.number().int().min(0).max(NUM_ARCHS - 1)).min(1),
  dataset: z.enum(PROXY_DATASETS),
  seed: z.number().int().nonnegative(),
  proxies: z.array(z.enum(PROXY_NAMES)).min(1),
  batchSource: z.enum(PROXY_BATCH_SOURCES),
  batchSize: z.number().int().min(2),
  batchSeed: z.number().int().nonnegative(),
});

/** Validates a job read back from the queue (another version of aa-nas may have planned it). */
export function parseSweepJob(data: unknown, id: string): SweepJob {
  const zeroCost = typeof data === "object" && data !== null && (data as { kind?: unknown }).kind === "zero-cost";
  const r = (zeroCost ? zeroCostJobSchema : sweepJobSchema).safeParse(data);
  if (!r.success) throw new UserError(`job ${id} holds no valid sweep job (${r.error.issues[0]?.message ?? "invalid"}); re-plan it with this aa-nas version`);
  return r.data;
}

/** Short digest of the settings beyond hp, so different subsets or network sizes are different jobs. */
export function settingsDigest(s: TrainingSettings): string {
  // the space joins the key only for sss, so that the ids of tss jobs stay those earlier versions planned
  const key = JSON.stringify([s.datasets, s.channel, s.numCells, s.trainSubset, s.evalSubset, ...((s.space ?? "tss") === "tss" ? [] : [s.space])]);
  return createHash("sha256").update(key).digest("hex").slice(0, 10);
}

/**
 * e.g. `arch-000123-seed-0777-hp200-3f2a9c01de` (training) or `zc-cifar10-arch-000000-000099-seed-0000-5be1c0a2f3`
 * (zero-cost: first and last arch, init seed, digest of the whole job): readable, sortable, and equal for equal jobs.
 */
export function sweepJobId(job: SweepJob): string {
  if (isZeroCostJob(job)) {
    const digest = createHash("sha256").update(JSON.stringify([job.archIndexes, job.dataset, job.seed, job.proxies, job.batchSource, job.batchSize, job.batchSeed])).digest("hex").slice(0, 10);
    const first = String(job.archIndexes[0]).padStart(6, "0");
    const last = String(job.archIndexes[job.archIndexes.length - 1]).padStart(6, "0");
    return `zc-${job.dataset}-arch-${first}-${last}-seed-${String(job.seed).padStart(4, "0")}-${digest}`;
  }
  return `${runStem(job.archIndex, job.seed)}-hp${job.hp}-${settingsDigest(job)}`;
}

/** Jobs in the original's loop order: arch, then seed. */
export function planSweepJobs(archIndexes: readonly number[], seeds: readonly number[], settings: TrainingSettings): TrainingJob[] {
  return archIndexes.flatMap((archIndex) => seeds.map((seed) => ({ archIndex, seed, ...settings })));
}

/** Zero-cost jobs of at most `archsPerJob` archs each, in the given arch order. */
export function planZeroCostJobs(archIndexes: readonly number[], archsPerJob: number, settings: ZeroCostSettings): ZeroCostJob[] {
  if (!Number.isInteger(archsPerJob) || archsPerJob < 1) throw new UserError(`archs per job must be a positive integer, got ${archsPerJob}`);
  const jobs: ZeroCostJob[] = [];
  for (let i = 0; i < archIndexes.length; i += archsPerJob) jobs.push({ kind: "zero-cost", archIndexes: archIndexes.slice(i, i + archsPerJob), ...settings });
  return jobs;
}

/** How often a failing job is tried and how long to wait before the next try (doubling each time). */
export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
}

export function backoffDelay(policy: RetryPolicy, attemptsMade: number): number {
  return policy.backoffMs * 2 ** Math.max(0, attemptsMade - 1);
}
