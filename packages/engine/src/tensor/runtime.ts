import { UserError } from "@aa-nas/core/errors.js";
import { N } from "./native.js";

/** torch.manual_seed: seeds libtorch's CPU generator (and every CUDA device's). */
export function manualSeed(seed: number | bigint): void {
  if (typeof seed === "number" && (!Number.isSafeInteger(seed) || seed < 0)) {
    throw new UserError(`manualSeed: seed must be a non-negative integer (got ${seed})`);
  }
  N().manualSeed(seed);
}

/** libtorch intra-op threads (set at load from AA_NAS_THREADS or the CPU count). */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new UserError(`thread count must be a positive integer (got ${n})`);
  N().setNumThreads(n);
}
export function getNumThreads(): number {
  return N().getNumThreads();
}

/** Bytes held by the caching CPU allocator: in use by tensors, and idle (kept for reuse). */
export function allocatorStats(): { liveBytes: number; cachedBytes: number; hits: number; misses: number } {
  return N().allocatorStats();
}
/** Returns the allocator's idle blocks to the system. */
export function emptyCache(): void {
  N().emptyCache();
}
/** For a thread about to end (a replica's worker): frees its idle blocks and hands its allocator pool on. */
export function retireThreadCache(): void {
  N().retireThreadCache();
}
export function libtorchVersion(): string {
  return N().libtorchVersion();
}
/**
 * Which kernel computes training-mode batch norm on the CPU: "aa-nas" (ours: bit-identical to libtorch's, its
 * statistics several times faster) or "libtorch: <why not ours>" (AA_NAS_FAST_BN=0, or the start-up comparison with
 * libtorch's kernel found a difference). Other devices, dtypes and layouts always use libtorch's.
 */
export function batchNormKernel(): string {
  return N().batchNormKernel();
}
