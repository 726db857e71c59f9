import { UserError } from "@aa-nas/core/errors.js";
import { N } from "./native.js";

/** `cpu`, `cuda` (current GPU) or `cuda:<index>`. */
export type Device = "cpu" | "cuda" | `cuda:${number}`;

let cudaCache: boolean | undefined;

/** True when the linked libtorch was built with CUDA and sees at least one GPU. */
export function cudaAvailable(): boolean {
  cudaCache ??= N().cudaAvailable();
  return cudaCache;
}

export function cudaDeviceCount(): number {
  return cudaAvailable() ? N().cudaDeviceCount() : 0;
}

/** Waits for queued GPU work (for timing); a no-op on CPU-only builds. */
export function cudaSynchronize(): void {
  N().cudaSynchronize();
}

/** Validates a device name and that it exists here; returns the canonical string libtorch accepts. */
export function checkDevice(device: string): Device {
  if (device === "cpu") return "cpu";
  const m = /^cuda(?::(\d+))?$/.exec(device);
  if (!m) throw new UserError(`unknown device '${device}'; valid: 'cpu', 'cuda' or 'cuda:<index>'`);
  if (!cudaAvailable()) {
    throw new UserError(
      `device '${device}' requested but CUDA is unavailable (the addon's libtorch has no CUDA or no GPU is visible); ` +
        "valid here: 'cpu'. For GPUs rebuild against a CUDA libtorch: LIBTORCH=/path/to/libtorch npm run build:native",
    );
  }
  if (m[1] !== undefined && Number(m[1]) >= cudaDeviceCount()) {
    throw new UserError(`device '${device}' does not exist; this machine has ${cudaDeviceCount()} GPU(s): cuda:0…cuda:${cudaDeviceCount() - 1}`);
  }
  return device as Device;
}
