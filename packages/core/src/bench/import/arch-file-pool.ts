/**
 * Decodes arch files (bzip2 + unpickle, or torch.save) on worker threads while the importer writes, and hands the
 * records back in submission order, synchronously, so importing stays a synchronous, resumable loop that writes the
 * same rows in the same order as without workers. Decoding is ~85 % of an import's time (pure-JS bzip2 and pickle);
 * the SQLite writes stay on the calling thread.
 *
 *   const d = new ArchFileDecoder(workers, (index, records) => write(index, records));
 *   d.submit({ index, kind, ctx, file })   or  { …, bytes }   may block while 2 × workers files are in flight
 *   d.finish()                             delivers the rest
 *   d.close()                              stops the workers (always, in a finally; drops what is in flight)
 *
 * A file a worker fails on is decoded again on the calling thread, which throws the same error the single-threaded
 * import would. The worker script is the compiled `arch-file-worker.js` beside this module; where it is absent
 * (running the TypeScript sources, e.g. under vitest) everything is decoded on the calling thread.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import type { RunRecord } from "../../registry/index.js";
import { type ArchFileSource, decodeArchFile } from "./arch-file.js";

export interface ArchFileTask extends ArchFileSource {
  id: number;
}

export interface ArchFileResult {
  id: number;
  /** null: the worker failed on this file */
  records: RunRecord[] | null;
}

const WORKER_URL = new URL("./arch-file-worker.js", import.meta.url);
/** one file takes tens of milliseconds; a result this late means its worker is gone, and the file is decoded here */
const RESULT_TIMEOUT_MS = 60_000;

export class ArchFileDecoder {
  /** worker threads in use (0: decoding on the calling thread) */
  readonly threads: number;
  private readonly pool: Pool | null;
  private readonly pending: ArchFileTask[] = [];
  private nextId = 0;

  /** `files`: how many sources will be submitted, when known (no threads are started for fewer than two). */
  constructor(
    workers: number,
    private readonly deliver: (index: number, records: RunRecord[]) => void,
    files = Infinity,
  ) {
    this.threads = workers < 1 || files < 2 || !existsSync(fileURLToPath(WORKER_URL)) ? 0 : Math.min(workers, files);
    this.pool = this.threads === 0 ? null : new Pool(this.threads);
  }

  submit(src: ArchFileSource): void {
    if (this.pool === null) {
      this.deliver(src.index, decodeArchFile(src));
      return;
    }
    const task: ArchFileTask = { ...src, id: this.nextId++ };
    this.pool.send(task);
    this.pending.push(task);
    while (this.pending.length >= 2 * this.threads) this.deliverOldest();
  }

  /** Delivers everything still in flight; call close() afterwards (in a finally, so workers go on errors too). */
  finish(): void {
    while (this.pending.length > 0) this.deliverOldest();
  }

  close(): void {
    this.pool?.close();
    this.pending.length = 0;
  }

  private deliverOldest(): void {
    const task = this.pending.shift()!;
    this.deliver(task.index, this.pool!.take(task.id) ?? decodeArchFile(task));
  }
}

class Pool {
  private readonly ports: MessagePort[] = [];
  private readonly workers: Worker[] = [];
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
