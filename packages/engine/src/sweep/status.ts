/** What `aa-nas sweep status` reports, for either queue, and how it is printed. */
import { errorLine } from "@aa-nas/core/errors.js";
import type { JobProgress } from "./thread-protocol.js";

export interface SweepCounts {
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
}

export interface SweepStatus {
  queue: string;
  counts: SweepCounts;
  active: { id: string; progress: JobProgress | null; attemptsMade: number }[];
  /** failed for good, and (willRetry) failed tries waiting for their next attempt */
  failures: { id: string; reason: string; attemptsMade: number; willRetry: boolean }[];
  /** trained jobs per hour over the recent completions, null before two are known */
  throughputPerHour: number | null;
  etaSeconds: number | null;
}

export interface Completion {
  processedOn: number;
  finishedOn: number;
  /** completed at once because its record existed: says nothing about speed */
  alreadyDone: boolean;
}

/**
 * Throughput over the recent trained completions: jobs finished per hour of wall time between the first of them
 * starting and the last finishing, which counts parallel workers together.
 */
export function throughput(completions: readonly Completion[], remaining: number): Pick<SweepStatus, "throughputPerHour" | "etaSeconds"> {
  const trained = completions.filter((c) => !c.alreadyDone);
  if (trained.length === 0) return { throughputPerHour: null, etaSeconds: null };
  const start = Math.min(...trained.map((c) => c.processedOn));
  const end = Math.max(...trained.map((c) => c.finishedOn));
  const hours = Math.max(end - start, 1) / 3_600_000;
  const perHour = trained.length / hours;
  return { throughputPerHour: perHour, etaSeconds: remaining === 0 ? 0 : (remaining / perHour) * 3600 };
}

export function formatStatus(s: SweepStatus): string {
  const c = s.counts;
  const total = c.waiting + c.active + c.delayed + c.completed + c.failed;
  const lines = [
    `${s.queue}: ${c.completed}/${total} completed, ${c.active} active, ${c.waiting} waiting, ${c.delayed} delayed (retry backoff), ${c.failed} failed`,
    s.throughputPerHour === null
      ? "throughput: not known yet (no job trained)"
      : `throughput: ${s.throughputPerHour.toFixed(1)} jobs/h, ETA ${formatDuration(s.etaSeconds ?? 0)}`,
  ];
  for (const a of s.active) {
    const p = a.progress;
    const where = p ? `${p.dataset} ${p.unit ?? "epoch"} ${p.epoch}/${p.epochs}${p.batch && p.batches ? ` (${p.phase ?? ""} batch ${p.batch}/${p.batches})` : ""}` : "starting";
    lines.push(`  active ${a.id}: ${where}${a.attemptsMade > 0 ? `, attempt ${a.attemptsMade + 1}` : ""}`);
  }
  for (const f of s.failures) {
    lines.push(`  ${f.willRetry ? "retrying" : "FAILED"} ${f.id} after ${f.attemptsMade} attempt(s): ${errorLine(f.reason)}`);
  }
  return lines.join("\n");
}

function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, "0")}m` : m > 0 ? `${m}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}
