/** The pipeline's meta step (spec §5.1): arch list, the regenerated CIFAR-10 split, and the training job plan. */
import { allArchs } from "./index-order.js";
import { MAX_NODES, NUM_ARCHS } from "./ops.js";
import { PyRandom } from "./pyrandom.js";

export const CIFAR_SPLIT_SEED = 1021;
/** The original cut the index range into `15625 // 40` = 390-arch jobs (41 of them). */
export const JOB_GAP = Math.floor(NUM_ARCHS / 40);

export interface Split {
  train: number[];
  valid: number[];
}

/** `idx=list(range(n)); random.seed(1021); random.shuffle(idx)`; halves sorted (spec §4.3). */
export function cifarSplit(n = 50000): Split {
  const idx = Array.from({ length: n }, (_, i) => i);
  new PyRandom(CIFAR_SPLIT_SEED).shuffle(idx);
  const half = n / 2;
  const asc = (a: number, b: number) => a - b;
  return { train: idx.slice(0, half).sort(asc), valid: idx.slice(half).sort(asc) };
}

export interface MetaInfo {
  archs: readonly string[];
  total: number;
  max_node: number;
  splits: Record<string, Split>;
}

export function metaInfo(): MetaInfo {
  return { archs: allArchs(), total: NUM_ARCHS, max_node: MAX_NODES, splits: { "50000": cifarSplit(50000) } };
}

export interface JobRange {
  id: number;
  start: number;
  end: number;
}

/** Ranges [0,389], [390,779], …, [15600,15624]. */
export function jobPlan(total = NUM_ARCHS, gap = JOB_GAP): JobRange[] {
  const jobs: JobRange[] = [];
  for (let start = 0, id = 0; start < total; start += gap, id++) jobs.push({ id, start, end: Math.min(start + gap, total) - 1 });
  return jobs;
}
