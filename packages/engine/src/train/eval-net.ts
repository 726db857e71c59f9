/** `aa-nas eval-net`: rebuild a trained network from a weights file (weights-file.ts) and evaluate it on a dataset key's eval sets. */
import { type Device } from "../tensor/index.js";
import { limitIndices, loadTrainingData, type DataLocation } from "../data/training-data.js";
import { showInput, UserError } from "@aa-nas/core/errors.js";
import { evaluatePass, type EvalResult } from "./evaluate.js";
import { loadNetwork } from "./weights-file.js";
import type { RecordDatasetKey } from "@aa-nas/core/registry/index.js";

export interface EvalNetOptions extends DataLocation {
  checkpoint: string;
  dataset?: RecordDatasetKey;
  device?: Device;
  batchSize?: number;
  evalSubset?: number | null;
  onProgress?: (set: string, done: number, total: number) => void;
}

export interface EvalNetResult {
  dataset: string;
  arch: string;
  /** `verified`: the weights matched the checksum stored with them; `absent`: an older file without one */
  checksum: "verified" | "absent";
  results: Record<string, Omit<EvalResult, "latencies"> & { latency: number }>;
}

export function evalNet(o: EvalNetOptions): EvalNetResult {
  const { net, key, entry, checksum } = loadNetwork(o.checkpoint, o.dataset);
  try {
    const data = loadTrainingData(key as RecordDatasetKey, o);
    if (data.classNum !== entry.classNum) throw new UserError(`${showInput(o.checkpoint, 200)}: the '${key}' network has ${entry.classNum} classes, the data ${data.classNum}`);
    const device = o.device ?? "cpu";
    if (device !== "cpu") net.to(device);
    const results: EvalNetResult["results"] = {};
    for (const set of data.evals) {
      const r = evaluatePass(net, {
        data: limitIndices(set, o.evalSubset ?? null),
        norm: data.norm,
        shape: data.shape,
        classNum: data.classNum,
        batchSize: o.batchSize ?? 256,
        device,
        onBatch: (b, n) => o.onProgress?.(set.name, b, n),
      });
      const latency = r.latencies.length === 0 ? -1 : r.latencies.reduce((a, b) => a + b, 0) / r.latencies.length;
      results[set.name] = { loss: r.loss, acc1: r.acc1, acc5: r.acc5, time: r.time, latency };
    }
    return { dataset: key, arch: entry.arch, checksum, results };
  } finally {
    net.dispose();
  }
}
