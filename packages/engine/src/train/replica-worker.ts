/**
 * A replica of a training run, on its own worker thread (started by ReplicaTeam): trains its copy of the network on
 * its slice of every batch, in step with the others, and reports how it ended. Its record and weights are not used:
 * replica 0 holds the same ones.
 */
import { parentPort, workerData } from "node:worker_threads";
import { abortReplicaGroup, getNumThreads, joinReplicaGroup, leaveReplicaGroup, retireThreadCache } from "../tensor/index.js";
import { UserError } from "@aa-nas/core/errors.js";
import type { ReplicaWorkerInput, ReplicaWorkerMessage } from "./replica-team.js";
import { runNetwork, runReplica } from "./train-run.js";

const { replica, job } = workerData as ReplicaWorkerInput;
const post = (m: ReplicaWorkerMessage): void => parentPort!.postMessage(m);

getNumThreads(); // loads the engine, which sets this thread's intra-op count from AA_NAS_THREADS=1
// Built before "ready": libtorch's generator is shared by the process, and replica 0 seeds and draws from it next.
const built = runNetwork(job);
post({ kind: "ready" });
joinReplicaGroup(replica);
try {
  const { net } = await runReplica({ ...job, device: "cpu" }, replica, built);
  net.dispose();
  post({ kind: "done" });
} catch (err) {
  const message = err instanceof Error ? err.message : String(err);
  abortReplicaGroup(replica.group, `replica ${replica.rank} failed: ${message}`);
  post({ kind: "failed", message, userError: err instanceof UserError });
} finally {
  leaveReplicaGroup();
  retireThreadCache();
}
