/**
 * Worker thread of ArchFileDecoder: reads, decompresses, unpickles and converts the arch files it is sent, and posts the
 * RunRecords back. Any failure is reported as `failed` only: the importer then reads that file itself, so the error a
 * user sees is exactly the one of the single-threaded path.
 */
import { workerData, type MessagePort } from "node:worker_threads";
import { decodeArchFile } from "./arch-file.js";
import type { ArchFileResult, ArchFileTask } from "./arch-file-pool.js";

const { port, signal } = workerData as { port: MessagePort; signal: Int32Array };

function reply(message: ArchFileResult): void {
  port.postMessage(message);
  // wakes the importer, which waits synchronously (Atomics.wait) for the next result
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

port.on("message", (task: ArchFileTask) => {
  try {
    reply({ id: task.id, records: decodeArchFile(task) });
  } catch {
    reply({ id: task.id, records: null });
  }
});
