/**
 * Worker-thread entry that trains one sweep job. Training blocks its thread for a whole epoch at a time; running it
 * off the main thread keeps the queue client free to renew the job's lock and answer Redis, however long an epoch is.
 * A thread (unlike a child process) dies with its process, so a killed worker never leaves a trainer behind that
 * would race the worker taking the job over.
 */
import { parentPort, workerData } from "node:worker_threads";
import { checkDevice } from "../tensor/device.js";
import { UserError } from "@aa-nas/core/errors.js";
import { trainRange } from "../pipeline/train-range.js";
import { defaultReplicas } from "../train/train-run.js";
import { isZeroCostJob } from "./job.js";
import type { ThreadInput, ThreadMessage } from "./thread-protocol.js";

const input = workerData as ThreadInput;
const post = (m: ThreadMessage): void => parentPort?.postMessage(m);
const PROGRESS_EVERY_MS = 2000;

async function main(): Promise<void> {
  const { job, site } = input;
  if (isZeroCostJob(job)) throw new Error("a zero-cost job reached the training thread");
  const tag = `arch ${job.archIndex} seed ${job.seed}`;
  let lastProgress = 0;
  const device = checkDevice(site.device);
  const result = await trainRange({
    archIndexes: [job.archIndex],
    seeds: [job.seed],
    datasets: job.datasets,
    hp: job.hp,
    mode: "new",
    outDir: site.outDir,
    data: { dataDir: site.dataDir },
    space: job.space ?? "tss",
    channel: job.channel,
    numCells: job.numCells,
    trainSubset: job.trainSubset,
    evalSubset: job.evalSubset,
    device,
    replicas: site.replicas ?? defaultReplicas(device),
    saveWeights: site.saveWeights,
    events: {
      onDatasetStart: (e) => {
        if (e.resumeEpoch > 0) post({ kind: "log", line: `${tag} ${e.dataset}: resuming at epoch ${e.resumeEpoch}/${e.epochs}` });
        post({ kind: "progress", progress: { dataset: e.dataset, epoch: e.resumeEpoch, epochs: e.epochs } });
      },
      onEpoch: (e) => {
        const loss = e.record.train.loss?.[e.epoch];
        post({ kind: "log", line: `${tag} ${e.dataset} epoch ${e.epoch + 1}/${e.epochs}: train loss ${loss?.toFixed(4) ?? "?"}` });
        post({ kind: "progress", progress: { dataset: e.dataset, epoch: e.epoch + 1, epochs: e.epochs } });
      },
      onProgress: (p) => {
        const now = Date.now();
        if (now - lastProgress < PROGRESS_EVERY_MS) return;
        lastProgress = now;
        post({ kind: "progress", progress: { dataset: p.dataset, epoch: p.epoch, epochs: p.epochs, phase: p.phase, batch: p.batch, batches: p.batches } });
      },
    },
  });
  if (result.interrupted) throw new Error(`training of ${tag} stopped before its last epoch`);
  post({ kind: "done", trained: result.written.length > 0 });
}

main().catch((err: unknown) => {
  const e = err instanceof Error ? err : new Error(String(err));
  post({ kind: "failed", message: e.message, userError: e instanceof UserError, stack: e.stack ?? "" });
});
