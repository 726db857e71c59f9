/**
 * Decodes arch files (bzip2 + unpickle, or torch.save) on worker threads while the importer writes, and hands the
 * results back in file order through a synchronous iterator, so importing stays a synchronous, resumable loop with
 * deterministic row order. Decoding is ~90 % of an import's CPU time (pure-JS bzip2 and pickle); the SQLite writes stay
 * on the calling thread.
 *
 *   recordsInOrder(files, kind, ctx, workers) → Iterable<RunRecord[]>   one entry per file, in the given order
 *   decodeWorkers(workers, fileCount) → number                          threads that call will start (0: none)
 *
 * At most 2 × workers files are in flight (bounded memory). A file a worker fails on is read again on the calling
 * thread, which throws the same error the single-threaded import would. The worker script is the compiled
 * `arch-file-worker.js` beside this module; where it is absent (running the TypeScript sources, e.g. under vitest),
 * files are read on the calling thread.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import type { RunRecord } from "../record.js";
import { archFileRecords, type ArchFileKind } from "./arch-file.js";
import type { ConvertContext } from "./arch-results.js";

export interface ArchFileTask {
  id: number;
  kind: ArchFileKind;
  file: string;
  index: number;
  ctx: Omit<ConvertContext, "label">;
}

export interface ArchFileResult {
  id: number;
  /** null: the worker failed on this file */
  records: RunRecord[] | null;
}

export interface ArchFile {
  file: string;
  index: number;
}

const WORKER_URL = new URL("./arch-file-worker.js", import.meta.url);
/** one file takes tens of milliseconds; a result this late means its worker is gone, and the file is read here */
const RESULT_TIMEOUT_MS = 60_000;

function workerScriptAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER_URL));
}

function readHere(kind: ArchFileKind, f: ArchFile, ctx: Omit<ConvertContext, "label">): RunRecord[] {
  return archFileRecords(kind, readFileSync(f.file), { ...ctx, label: f.file }, f.index);
}

/** How many worker threads recordsInOrder starts for `files` files when asked for `requested` (0: none). */
export function decodeWorkers(requested: number, files: number): number {
  return requested < 1 || files < 2 || !workerScriptAvailable() ? 0 : Math.min(requested, files);
}

export function* recordsInOrder(files: readonly ArchFile[], kind: ArchFileKind, ctx: Omit<ConvertContext, "label">, workers: number): Generator<RunRecord[]> {
  const threads = decodeWorkers(workers, files.length);
  if (threads === 0) {
    for (const f of files) yield readHere(kind, f, ctx);
    return;
  }
  const pool = new Pool(threads);
  try {
    const window = 2 * pool.size;
    let sent = 0;
    for (let next = 0; next < files.length; next++) {
      while (sent < files.length && sent < next + window) {
        const f = files[sent]!;
        pool.send({ id: sent, kind, file: f.file, index: f.index, ctx });
        sent++;
      }
      const records = pool.take(next);
      yield records ?? readHere(kind, files[next]!, ctx);
    }
  } finally {
    pool.close();
  }
}

class Pool {
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private readonly done = new Map<number, RunRecord[] | null>();
  private turn = 0;
  /** set when a result is overdue (a worker died, and a blocked thread cannot see its exit event) */
  private broken = false;

  constructor(readonly size: number) {
    for (let i = 0; i < size; i++) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(WORKER_URL, { workerData: { port: port2, signal: this.signal }, transferList: [port2] });
      worker.unref();
      this.workers.push(worker);
      this.ports.push(port1);
    }
  }

  send(task: ArchFileTask): void {
    this.ports[this.turn]!.postMessage(task);
    this.turn = (this.turn + 1) % this.size;
  }

  /** Blocks until the result of task `id` has arrived; null when the worker failed on it or never answered. */
  take(id: number): RunRecord[] | null {
    const deadline = Date.now() + RESULT_TIMEOUT_MS;
    for (;;) {
      const seen = Atomics.load(this.signal, 0);
      for (const port of this.ports) {
        for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
          const r = m.message as ArchFileResult;
          this.done.set(r.id, r.records);
        }
      }
      if (this.done.has(id)) {
        const records = this.done.get(id)!;
        this.done.delete(id);
        return records;
      }
      if (this.broken || Date.now() > deadline) {
        this.broken = true;
        return null;
      }
      Atomics.wait(this.signal, 0, seen, 1000);
    }
  }

  close(): void {
    for (const port of this.ports) port.close();
    for (const w of this.workers) void w.terminate();
  }
}
