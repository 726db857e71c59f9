/**
 * Replica groups: data parallelism inside one process. W threads (the caller and W−1 worker threads, each with its
 * own copy of the network) each take a slice of every batch; training-mode batch norm combines the statistics of the
 * whole batch across them, and `allReduce` sums the gradients, so every replica makes the same update.
 *
 * libtorch's random generator is one per process: replicas must not draw from it at the same time. A replica builds
 * its network before replica 0 seeds the generator and then takes replica 0's weights (`broadcast`).
 *
 * Why inside one process rather than more intra-op threads: the convolutions of a C16 TinyNetwork are small, and two
 * cores running one replica each finish a step ~1.2–1.3× sooner than two cores splitting every op (measured in
 * docs/performance/train.md). The combinations run in rank order, so a run is reproducible for a given replica count;
 * against one replica the results agree up to float rounding (a sum grouped differently).
 */
import { UserError } from "@aa-nas/core/errors.js";
import { N } from "./native.js";
import type { Tensor } from "./tensor.js";

export interface Replica {
  /** native group id (createReplicaGroup) */
  group: number;
  rank: number;
  world: number;
}

let current: Replica | null = null;

/** A new group of `world` replicas; every replica then calls `joinReplicaGroup` on its own thread. */
export function createReplicaGroup(world: number): number {
  if (!Number.isInteger(world) || world < 1) throw new UserError(`a replica group needs a positive integer replica count (got ${world})`);
  return N().replicaGroupCreate(world);
}

/** Forgets the group once every replica has left it. */
export function releaseReplicaGroup(group: number): void {
  N().replicaGroupRelease(group);
}

/** Wakes every replica waiting in the group with an error carrying `reason` (a replica failed; the others must stop). */
export function abortReplicaGroup(group: number, reason: string): void {
  N().replicaGroupAbort(group, reason);
}

/** Aborts every replica group of the process (before terminating a thread that may be waiting in one). */
export function abortAllReplicaGroups(reason: string): void {
  N().replicaGroupAbortAll(reason);
}

/** Makes this thread replica `rank`: batch norm in training mode now uses the whole batch's statistics. */
export function joinReplicaGroup(r: Replica): void {
  current = r.world > 1 ? { ...r } : null;
}

export function leaveReplicaGroup(): void {
  current = null;
}

/** This thread's replica, or null outside a group (or in a group of one). */
export function currentReplica(): Replica | null {
  return current;
}

/**
 * In-place sum (or maximum) of each tensor over the replicas, in rank order: every replica ends with the same bits.
 * Every replica must pass the same list (same shapes, float32/float64, CPU). Outside a group it does nothing.
 */
export function allReduce(tensors: readonly Tensor[], op: "sum" | "max" = "sum"): void {
  if (current === null) return;
  N().replicaCollective(current.group, current.rank, tensors.map((t) => t.handle), op === "max" ? 1 : 0);
}

/** Every replica's tensors become copies of replica 0's (same shapes and dtypes on every replica, CPU, contiguous). */
export function broadcast(tensors: readonly Tensor[]): void {
  if (current === null) return;
  N().replicaCollective(current.group, current.rank, tensors.map((t) => t.handle), 2);
}

/** Seconds this thread has spent waiting for the other replicas (inside batch norm and all-reduce), for profiling. */
export function replicaWaitSeconds(): number {
  return N().replicaWaitSeconds();
}
