/**
 * The single-machine queue used without `--redis`: the plan and each job's state are small files in
 * `<results>/.sweep/`, so any number of `aa-nas sweep worker` processes on the machine share the work, a crashed
 * worker's job is taken again (its claim goes stale when its process is gone or its heartbeat stops) and resumes from
 * the last checkpoint, and tries are retried with the same exponential backoff as on Redis.
 */
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { backoffDelay, parseSweepJob, sweepJobId, type RetryPolicy, type SweepJob } from "./job.js";
import type { PlanResult, SweepQueue, WorkOptions, WorkSummary } from "./queue.js";
import { runSweepJob, terminateTrainingThreads, type JobResult } from "./run-job.js";
import { throughput, type SweepStatus } from "./status.js";
import type { JobProgress } from "./thread-protocol.js";

/** a claim whose heartbeat is older than this belongs to a dead worker (other machines sharing the folder) */
const CLAIM_STALE_MS = 60_000;
const HEARTBEAT_MS = 5_000;
const IDLE_POLL_MS = 1_000;

interface PlannedJob {
  job: SweepJob;
  retry: RetryPolicy;
}

interface Claim {
  token: string;
  host: string;
  pid: number;
  since: number;
  attemptsMade: number;
  progress: JobProgress | null;
}

interface Tries {
  attemptsMade: number;
  reason: string;
  notBefore: number;
}

interface Done {
  processedOn: number;
  finishedOn: number;
  outcome: JobResult["outcome"];
}

type State = "waiting" | "active" | "delayed" | "completed" | "failed";

export function openLocalQueue(resultsDir: string): SweepQueue {
  return new LocalSweepQueue(resultsDir);
}

class LocalSweepQueue implements SweepQueue {
  private readonly root: string;
  private stopping = false;

  constructor(private readonly resultsDir: string) {
    this.root = join(resultsDir, ".sweep");
  }

  private path(kind: "jobs" | "claims" | "tries" | "done" | "failed", id: string): string {
    return join(this.root, kind, `${id}.json`);
  }

  async plan(jobs: readonly SweepJob[], retry: RetryPolicy): Promise<PlanResult> {
    for (const kind of ["jobs", "claims", "tries", "done", "failed"]) mkdirSync(join(this.root, kind), { recursive: true });
    let added = 0;
    for (const job of jobs) {
      const file = this.path("jobs", sweepJobId(job));
      if (existsSync(file)) continue;
      writeAtomically(file, { job, retry } satisfies PlannedJob);
      added++;
    }
    return Promise.resolve({ added, existing: jobs.length - added });
  }

  private ids(): string[] {
    const dir = join(this.root, "jobs");
    if (!existsSync(dir)) return [];
    return readdirSync(dir).filter((n) => n.endsWith(".json")).map((n) => n.slice(0, -5)).sort();
  }

  private state(id: string, now: number): State {
    if (existsSync(this.path("done", id))) return "completed";
    if (existsSync(this.path("failed", id))) return "failed";
    if (this.liveClaim(id)) return "active";
    const tries = readJson<Tries>(this.path("tries", id));
    return tries && tries.notBefore > now ? "delayed" : "waiting";
  }

  /** The claim on a job when its worker is still alive, else null. */
  private liveClaim(id: string): Claim | null {
    const file = this.path("claims", id);
    const claim = readJson<Claim>(file);
    if (!claim) return existsSync(file) ? ({ token: "", host: "", pid: 0, since: 0, attemptsMade: 0, progress: null } satisfies Claim) : null;
    if (claim.host === hostname() && !processAlive(claim.pid)) return null;
    const beat = mtimeOf(file);
    return beat !== null && Date.now() - beat < CLAIM_STALE_MS ? claim : null;
  }

  async status(opts: { maxFailures: number }): Promise<SweepStatus> {
    const now = Date.now();
    const counts = { waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0 };
    const status: SweepStatus = { queue: `local queue in ${this.root}`, counts, active: [], failures: [], throughputPerHour: null, etaSeconds: null };
    const completions = [];
    for (const id of this.ids()) {
      const s = this.state(id, now);
      counts[s]++;
      if (s === "active") {
        const c = this.liveClaim(id);
        status.active.push({ id, progress: c?.progress ?? null, attemptsMade: c?.attemptsMade ?? 0 });
      } else if (s === "completed") {
        const d = readJson<Done>(this.path("done", id));
        if (d) completions.push({ processedOn: d.processedOn, finishedOn: d.finishedOn, alreadyDone: d.outcome === "already-done" });
      } else if (s === "failed" || s === "delayed" || (s === "waiting" && existsSync(this.path("tries", id)))) {
        const t = readJson<Tries>(this.path(s === "failed" ? "failed" : "tries", id));
        if (t && status.failures.length < opts.maxFailures) status.failures.push({ id, reason: t.reason, attemptsMade: t.attemptsMade, willRetry: s !== "failed" });
      }
    }
    Object.assign(status, throughput(completions, counts.waiting + counts.active + counts.delayed));
    return Promise.resolve(status);
  }

  async work(o: WorkOptions): Promise<WorkSummary> {
    const summary: WorkSummary = { trained: 0, alreadyDone: 0, failedTries: 0 };
    const lanes = Array.from({ length: o.concurrency }, async () => {
      while (!this.stopping) {
        const claimed = this.claimNext();
        if (claimed) {
          await this.runClaimed(claimed, o, summary);
          continue;
        }
        if (o.exitWhenDone && this.ids().every((id) => ["completed", "failed"].includes(this.state(id, Date.now())))) return;
        await new Promise((r) => setTimeout(r, IDLE_POLL_MS));
      }
    });
    await Promise.all(lanes);
    return summary;
  }

  /** Claims the first job that is due and not held by a live worker (taking over stale claims). */
  private claimNext(): { id: string; planned: PlannedJob; claim: Claim } | null {
    const now = Date.now();
    for (const id of this.ids()) {
      const s = this.state(id, now);
      if (s !== "waiting") continue;
      const planned = readJson<PlannedJob>(this.path("jobs", id));
      if (!planned) continue;
      const file = this.path("claims", id);
      if (existsSync(file) && !this.dropStaleClaim(file)) continue;
      const claim: Claim = { token: randomUUID(), host: hostname(), pid: process.pid, since: now, attemptsMade: readJson<Tries>(this.path("tries", id))?.attemptsMade ?? 0, progress: null };
      try {
        writeFileSync(file, JSON.stringify(claim), { flag: "wx" }); // exclusive: one worker wins
      } catch {
        continue;
      }
      return { id, planned, claim };
    }
    return null;
  }

  /** Moves a dead worker's claim aside; false when another worker got there first. */
  private dropStaleClaim(file: string): boolean {
    const stale = readJson<Claim>(file);
    const aside = `${file}.stale-${process.pid}-${randomUUID()}`;
    try {
      renameSync(file, aside);
    } catch {
      return false;
    }
    const moved = readJson<Claim>(aside);
    if (moved?.token !== stale?.token) {
      renameSync(aside, file); // a fresh claim slipped in between: give it back
      return false;
    }
    rmSync(aside, { force: true });
    return true;
  }

  private async runClaimed(c: { id: string; planned: PlannedJob; claim: Claim }, o: WorkOptions, summary: WorkSummary): Promise<void> {
    const { id, planned, claim } = c;
    const claimFile = this.path("claims", id);
    const heartbeat = setInterval(() => touch(claimFile), HEARTBEAT_MS);
    const attempt = claim.attemptsMade + 1;
    o.log(`job ${id}: started (attempt ${attempt}/${planned.retry.attempts})`);
    try {
      const job = parseSweepJob(planned.job, id);
      const r = await runSweepJob(job, o.site, {
        log: (line) => o.log(`job ${id}: ${line}`),
        // atomic, so a worker killed mid-write never leaves an unreadable claim that looks held until it goes stale
        progress: (p) => writeAtomically(claimFile, { ...claim, progress: p } satisfies Claim),
      });
      writeAtomically(this.path("done", id), { processedOn: claim.since, finishedOn: Date.now(), outcome: r.outcome } satisfies Done);
      rmSync(this.path("tries", id), { force: true });
      if (r.outcome === "already-done") summary.alreadyDone++;
      else summary.trained++;
      o.log(`job ${id}: ${r.outcome === "already-done" ? "results already present, done" : `completed in ${r.seconds.toFixed(1)} s`}`);
    } catch (err) {
      if (this.stopping) return; // interrupted by shutdown, not a failure: the claim goes stale and the job resumes
      const reason = (err as Error).message;
      summary.failedTries++;
      o.log(`job ${id}: failed (attempt ${attempt}/${planned.retry.attempts}): ${reason}`);
      const tries: Tries = { attemptsMade: attempt, reason, notBefore: Date.now() + backoffDelay(planned.retry, attempt) };
      if (attempt >= planned.retry.attempts) writeAtomically(this.path("failed", id), tries);
      else writeAtomically(this.path("tries", id), tries);
    } finally {
      clearInterval(heartbeat);
      if (!this.stopping) rmSync(claimFile, { force: true });
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await terminateTrainingThreads();
  }

  async close(): Promise<void> {
    return Promise.resolve();
  }
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch {
    return null; // missing, or being rewritten this instant
  }
}

function writeAtomically(file: string, value: unknown): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(value));
  renameSync(tmp, file);
}

function mtimeOf(file: string): number | null {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return null;
  }
}

function touch(file: string): void {
  try {
    const now = new Date();
    utimesSync(file, now, now);
  } catch {
    // the claim was taken over: nothing to keep alive
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
