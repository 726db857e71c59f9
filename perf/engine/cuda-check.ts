// GPU smoke check for machines with a CUDA libtorch (run by device-run.sh after building with LIBTORCH=…):
// tensors, modules, fused optimizers, clipping and checkpoints on cuda, and CPU/GPU agreement.
//   npx tsc -p perf/engine/tsconfig.json && node dist/perf-engine/perf/engine/cuda-check.js
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  Adam,
  F,
  SGD,
  clipGradNorm,
  cudaAvailable,
  cudaDeviceCount,
  libtorchVersion,
  liveTensorCount,
  loadCheckpoint,
  manualSeed,
  randint,
  randn,
  saveCheckpoint,
  tidy,
  type Device,
} from "../../packages/engine/src/tensor/index.js";
import { BenchNet } from "./bench-net.js";

let failures = 0;
function check(name: string, ok: boolean, detail = ""): void {
  console.log(`${ok ? "PASS" : "FAIL"} ${name}${detail ? ` — ${detail}` : ""}`);
  if (!ok) failures++;
}

function firstLosses(device: Device, steps: number): number[] {
  manualSeed(0);
  const net = new BenchNet(1).to(device);
  const opt = new SGD(net.parameters(), { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
  manualSeed(1);
  // Drawn on the CPU (same numbers for both devices), moved inside a scope so the CPU copies are freed.
  const x = tidy(() => randn([32, 3, 32, 32]).to(device)).keep();
  const y = tidy(() => randint(0, 10, [32]).to(device)).keep();
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    losses.push(
      tidy(() => {
        const loss = F.crossEntropy(net.forward(x), y);
        opt.zeroGrad();
        loss.backward();
        clipGradNorm(net.parameters(), 5);
        opt.step();
        return loss.item();
      }),
    );
  }
  opt.dispose();
  net.dispose();
  x.dispose();
  y.dispose();
  return losses;
}

console.log(`libtorch ${libtorchVersion()}, cudaAvailable=${cudaAvailable()}, devices=${cudaDeviceCount()}`);
check("CUDA visible to the addon", cudaAvailable() && cudaDeviceCount() > 0);
if (cudaAvailable()) {
  const cpu = firstLosses("cpu", 3);
  const gpu = firstLosses("cuda", 3);
  const rel = Math.abs((cpu[0] as number) - (gpu[0] as number)) / Math.abs(cpu[0] as number);
  check("same init + batch: first loss agrees CPU vs GPU", rel < 1e-3, `cpu ${cpu.join(", ")} | gpu ${gpu.join(", ")}`);
  check("GPU training decreases the loss", (gpu[2] as number) < (gpu[0] as number));

  const live0 = liveTensorCount();
  firstLosses("cuda", 20);
  check("no tensor leak over 20 GPU steps", liveTensorCount() === live0, `${live0} → ${liveTensorCount()}`);

  manualSeed(2);
  const net = new BenchNet(1).to("cuda");
  const adam = new Adam(net.parameters(), { lr: 1e-3 });
  tidy(() => {
    F.crossEntropy(net.forward(randn([8, 3, 32, 32], { device: "cuda" })), randint(0, 10, [8], { device: "cuda" })).backward();
    adam.step();
  });
  const dir = mkdtempSync(join(tmpdir(), "aa-nas-cuda-"));
  const path = join(dir, "ckpt.safetensors");
  saveCheckpoint(path, { model: net, optimizer: adam });
  const net2 = new BenchNet(1).to("cuda");
  const adam2 = new Adam(net2.parameters(), { lr: 1e-3 });
  loadCheckpoint(path, { model: net2, optimizer: adam2 });
  const same = [...net.stateDict()].every(([k, t]) => {
    const u = net2.stateDict().get(k);
    return u !== undefined && u.device === t.device && Buffer.from(u.toArray().buffer).equals(Buffer.from(t.toArray().buffer));
  });
  check("checkpoint round trip of a GPU model + Adam state", same && adam2.stateDict().tensors.size === adam.stateDict().tensors.size);
  rmSync(dir, { recursive: true, force: true });
}
console.log(failures === 0 ? "cuda-check: all passed" : `cuda-check: ${failures} failed`);
process.exitCode = failures === 0 ? 0 : 1;
