/** The device description stored in a record's provenance. */
import { cpus } from "node:os";
import { getNumThreads, type Device } from "../tensor/index.js";

export function deviceLabel(device: Device, replicas = 1): string {
  if (device !== "cpu") return device;
  const model = cpus()[0]?.model.trim() ?? "unknown";
  if (replicas > 1) return `cpu:${model} (${replicas} replicas × 1 thread)`;
  const threads = getNumThreads();
  return `cpu:${model} (${threads} thread${threads === 1 ? "" : "s"})`;
}
