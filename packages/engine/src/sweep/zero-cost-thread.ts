/**
 * Worker-thread entry that runs one zero-cost sweep job: it scores the job's archs into the job's own store in the
 * results folder with `scoreArchs` (what `aa-nas zero-cost compute` runs), skipping archs already stored there. Off
 * the main thread for the same reason as training (train-thread.ts): a pass blocks its thread, and the queue client
 * must stay free to renew the job's lock.
 */
import { parentPort, workerData } from "node:worker_threads";
import { BenchStore } from "@aa-nas/core/bench/store.js";
import { UserError } from "@aa-nas/core/errors.js";
import { checkDevice } from "../tensor/device.js";
import { makeProxyBatch, scoreArchs } from "../zero-cost/score-archs.js";
import { isZeroCostJob } from "./job.js";
import { zeroCostStorePath } from "./run-job.js";
import type { ThreadInput, ThreadMessage } from "./thread-protocol.js";

const input = workerData as ThreadInput;
const post = (m: ThreadMessage): void => parentPort?.postMessage(m);

function main(): void {
  const { job, site } = input;
  if (!isZeroCostJob(job)) throw new Error("a training job reached the zero-cost thread");
  const device = checkDevice(site.device);
  const batch = makeProxyBatch({ dataset: job.dataset, source: job.batchSource, size: job.batchSize, seed: job.batchSeed }, site.dataDir);
  const store = BenchStore.openOrCreate(zeroCostStorePath(site.outDir, job));
  try {
    let total = 0;
    const r = scoreArchs(store, {
      archIndexes: job.archIndexes,
      dataset: job.dataset,
      seed: job.seed,
      proxies: job.proxies,
      batch,
      device,
      onStart: (todo) => {
        total = todo;
        if (todo < job.archIndexes.length) post({ kind: "log", line: `${job.archIndexes.length - todo} of ${job.archIndexes.length} archs already scored` });
        post({ kind: "progress", progress: { dataset: job.dataset, epoch: 0, epochs: total, unit: "arch" } });
      },
      onArch: (archIndex, scores, done) => {
        post({ kind: "log", line: `arch ${archIndex}: ${scores.map((s) => `${s.proxy} ${s.score.toPrecision(6)}`).join(", ")}` });
        post({ kind: "progress", progress: { dataset: job.dataset, epoch: done, epochs: total, unit: "arch" } });
      },
    });
    post({ kind: "done", trained: r.scored > 0 });
  } finally {
    store.close();
  }
}

try {
  main();
} catch (err: unknown) {
  const e = err instanceof Error ? err : new Error(String(err));
  post({ kind: "failed", message: e.message, userError: e instanceof UserError, stack: e.stack ?? "" });
}
