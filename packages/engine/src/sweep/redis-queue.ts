/**
 * The multi-machine queue: one BullMQ job per (arch, seed) on Redis. Workers hold a lock per job and renew it while
 * training runs on a separate thread; a worker that dies stops renewing, its job's lock expires, and another worker's
 * stalled-job check moves the job back to the wait list, where it is taken again and resumes from the last checkpoint.
 * Failed tries are retried with exponential backoff; the last failure's reason stays on the failed job.
 */
import { Queue, UnrecoverableError, Worker, type Job } from "bullmq";
import { Redis, type RedisOptions } from "ioredis";
import { UserError } from "@aa-nas/core/errors.js";
import { parseSweepJob, sweepJobId, type RetryPolicy, type SweepJob } from "./job.js";
import type { PlanResult, SweepQueue, WorkOptions, WorkSummary } from "./queue.js";
import { JobConflictError, runSweepJob, terminateTrainingThreads, type JobResult } from "./run-job.js";
import { throughput, type Completion, type SweepStatus } from "./status.js";

export const DEFAULT_QUEUE = "aa-nas-sweep";

/** Lock and stalled-check timing; the defaults notice a dead worker within about a minute and a half. */
export interface StallSettings {
  lockMs: number;
  stalledCheckMs: number;
  /** a job whose worker died more often than this fails instead of being taken again */
  maxStalled: number;
}

export const DEFAULT_STALL: StallSettings = { lockMs: 60_000, stalledCheckMs: 30_000, maxStalled: 5 };

const PLAN_CHUNK = 500;
const DONE_POLL_MS = 1000;

export async function openRedisQueue(url: string, name: string, stall: StallSettings = DEFAULT_STALL): Promise<SweepQueue> {
  const client = await connectOnce(url);
  return new RedisSweepQueue(url, name, client, stall);
}

/** A connection for one-shot commands: fails with a clear message instead of retrying forever. */
async function connectOnce(url: string): Promise<Redis> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3, retryStrategy: () => null, connectTimeout: 5000 });
  client.on("error", () => {}); // reported by connect() below
  try {
    await client.connect();
  } catch (err) {
    client.disconnect();
    throw new UserError(`cannot reach Redis at ${url} (${(err as Error).message}); start redis-server there or give --redis redis://HOST:PORT`);
  }
  return client;
}

/** Long-lived connection for workers: reconnects for as long as Redis is away (restarts, failover). */
function persistentConnection(url: string): Redis {
  const options: RedisOptions = { maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(100 * times, 2000) };
  return new Redis(url, options);
}

class RedisSweepQueue implements SweepQueue {
  private readonly queue: Queue;
  private worker: Worker | null = null;

  constructor(
    private readonly url: string,
    private readonly name: string,
    private readonly client: Redis,
    private readonly stall: StallSettings,
  ) {
    this.queue = new Queue(name, { connection: client });
  }

  async plan(jobs: readonly SweepJob[], retry: RetryPolicy): Promise<PlanResult> {
    let added = 0;
    for (let i = 0; i < jobs.length; i += PLAN_CHUNK) {
      const chunk = jobs.slice(i, i + PLAN_CHUNK).map((job) => ({ job, id: sweepJobId(job) }));
      const exists = await this.client.pipeline(chunk.map(({ id }) => ["exists", this.queue.toKey(id)])).exec();
      const fresh = chunk.filter((_, k) => exists?.[k]?.[1] !== 1);
      // addBulk ignores ids already present, so a plan racing another plan still adds each job once
      await this.queue.addBulk(
        fresh.map(({ job, id }) => ({
          name: "train",
          data: job,
          opts: { jobId: id, attempts: retry.attempts, backoff: { type: "exponential", delay: retry.backoffMs }, removeOnComplete: false, removeOnFail: false },
        })),
      );
      added += fresh.length;
    }
    return { added, existing: jobs.length - added };
  }

  async status(opts: { maxFailures: number }): Promise<SweepStatus> {
    const raw = await this.queue.getJobCounts("waiting", "prioritized", "paused", "waiting-children", "active", "delayed", "completed", "failed");
    const n = (k: string): number => raw[k] ?? 0;
    const counts = {
      waiting: n("waiting") + n("prioritized") + n("paused") + n("waiting-children"),
      active: n("active"),
      delayed: n("delayed"),
      completed: n("completed"),
      failed: n("failed"),
    };
    const [active, failed, delayed, completed] = await Promise.all([
      this.queue.getActive(0, 99),
      this.queue.getFailed(0, opts.maxFailures - 1),
      this.queue.getDelayed(0, opts.maxFailures - 1),
      this.queue.getCompleted(0, 199),
    ]);
    const completions: Completion[] = completed
      .filter((j) => j.processedOn !== undefined && j.finishedOn !== undefined)
      .map((j) => ({ processedOn: j.processedOn!, finishedOn: j.finishedOn!, alreadyDone: (j.returnvalue as JobResult | null)?.outcome === "already-done" }));
    return {
      queue: `redis ${this.url} queue '${this.name}'`,
      counts,
      active: active.map((j) => ({ id: j.id ?? "?", progress: typeof j.progress === "object" ? (j.progress as SweepStatus["active"][number]["progress"]) : null, attemptsMade: j.attemptsMade })),
      failures: [
        ...failed.map((j) => ({ id: j.id ?? "?", reason: j.failedReason, attemptsMade: j.attemptsMade, willRetry: false })),
        ...delayed.filter((j) => j.failedReason).map((j) => ({ id: j.id ?? "?", reason: j.failedReason, attemptsMade: j.attemptsMade, willRetry: true })),
      ],
      ...throughput(completions, counts.waiting + counts.active + counts.delayed),
    };
  }

  async work(o: WorkOptions): Promise<WorkSummary> {
    const summary: WorkSummary = { trained: 0, alreadyDone: 0, failedTries: 0 };
    const connection = persistentConnection(this.url);
    const process = async (job: Job): Promise<JobResult> => {
      const id = job.id ?? "?";
      const data = parseSweepJobOrGiveUp(job.data, id);
      o.log(`job ${id}: started (attempt ${job.attemptsMade + 1}/${job.opts.attempts ?? 1})`);
      try {
        return await runSweepJob(data, o.site, {
          log: (line) => o.log(`job ${id}: ${line}`),
          progress: (p) => void job.updateProgress({ ...p }).catch(() => {}), // Redis away: the next update carries it
        });
      } catch (err) {
        if (err instanceof JobConflictError) throw new UnrecoverableError(err.message);
        throw err;
      }
    };
    const worker = new Worker(this.name, process, {
      connection,
      concurrency: o.concurrency,
      lockDuration: this.stall.lockMs,
      stalledInterval: this.stall.stalledCheckMs,
      maxStalledCount: this.stall.maxStalled,
      autorun: false,
    });
    this.worker = worker;
    let lastError = "";
    worker.on("error", (err) => {
      if (err.message !== lastError) o.log(`queue connection: ${err.message} (retrying)`);
      lastError = err.message;
    });
    worker.on("completed", (job, r: JobResult) => {
      lastError = "";
      if (r.outcome === "already-done") summary.alreadyDone++;
      else summary.trained++;
      o.log(`job ${job.id ?? "?"}: ${r.outcome === "already-done" ? "results already present, done" : `completed in ${r.seconds.toFixed(1)} s`}`);
    });
    worker.on("failed", (job, err) => {
      summary.failedTries++;
      const tries = job ? `${job.attemptsMade}/${job.opts.attempts ?? 1}` : "?";
      o.log(`job ${job?.id ?? "?"}: failed (attempt ${tries}): ${err.message}`);
    });
    worker.on("stalled", (id) => o.log(`job ${id}: its worker stopped renewing the lock; back in the queue`));

    const running = worker.run();
    if (o.exitWhenDone) await this.waitUntilDone(worker);
    else await running;
    await worker.close();
    await running.catch(() => {});
    await connection.quit().catch(() => connection.disconnect());
    return summary;
  }

  /** Every job is completed or failed for good (none waiting, delayed or active on any worker). */
  private async waitUntilDone(worker: Worker): Promise<void> {
    const connection = persistentConnection(this.url);
    connection.on("error", () => {}); // the worker reports connection trouble once
    const queue = new Queue(this.name, { connection });
    try {
      await pollUntilEmpty(queue, worker);
    } finally {
      await queue.close();
      await connection.quit().catch(() => connection.disconnect());
    }
  }

  async stop(): Promise<void> {
    await terminateTrainingThreads();
    await this.worker?.close(true);
  }

  async close(): Promise<void> {
    await this.queue.close();
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

async function pollUntilEmpty(queue: Queue, worker: Worker): Promise<void> {
  for (;;) {
    await new Promise((r) => setTimeout(r, DONE_POLL_MS));
    if (worker.closing) return;
    try {
      const c = await queue.getJobCounts("waiting", "prioritized", "paused", "waiting-children", "active", "delayed");
      if (Object.values(c).every((v) => v === 0)) return;
    } catch {
      // Redis restarting: ask again
    }
  }
}

function parseSweepJobOrGiveUp(data: unknown, id: string): SweepJob {
  try {
    return parseSweepJob(data, id);
  } catch (err) {
    throw new UnrecoverableError((err as Error).message);
  }
}
