/**
 * One arch's results file — a NATS-Bench `NNNNNN.pickle.pbz2` or a NAS-Bench-201 `NNNNNN-FULL.pth` — to RunRecords.
 * Shared by the importers and the worker threads that decode files in parallel (arch-file-worker.ts).
 */
import { readFileSync } from "node:fs";
import { bunzip2 } from "../../formats/bzip2.js";
import { unpickle } from "../../formats/pickle.js";
import { readTorch, storageFromBytes } from "../../formats/torch.js";
import type { RunRecord } from "../../registry/index.js";
import { archEntryToRecords, type ConvertContext } from "./arch-results.js";
import { NATS_ARCH_FILE_LIMIT, NB201_ARCH_FILE_LIMIT } from "./limits.js";

export type ArchFileKind = "nats" | "nb201";

/** hp names of the two formats' per-arch dicts: NATS uses '12' / '200', NAS-Bench-201 'less' / 'full'. */
export const natsHp = (k: string): string => k;
export const nb201Hp = (k: string): string => (k === "full" ? "200" : k === "less" ? "12" : k);

export function archFileRecords(kind: ArchFileKind, bytes: Uint8Array, ctx: ConvertContext, index: number): RunRecord[] {
  const { label } = ctx;
  return kind === "nats"
    ? archEntryToRecords(unpickle(bunzip2(bytes, label, NATS_ARCH_FILE_LIMIT), { label, storageFromBytes: (b) => storageFromBytes(b, label) }), ctx, natsHp, index)
    : archEntryToRecords(readTorch(bytes, { label, limit: NB201_ARCH_FILE_LIMIT }), ctx, nb201Hp, index);
}

/** One arch's file, named by path or given as its bytes (a tar entry). */
export interface ArchFileSource {
  index: number;
  kind: ArchFileKind;
  ctx: ConvertContext;
  file?: string;
  bytes?: Uint8Array;
}

export function decodeArchFile(src: ArchFileSource): RunRecord[] {
  return archFileRecords(src.kind, src.bytes ?? readFileSync(src.file!), src.ctx, src.index);
}
