// GPU check of the training path (run on a CUDA machine; see device-run.sh):
//  1. the same seed gives the same initial weights on CPU and GPU (init draws on the CPU generator, then moves);
//  2. 5 SGD steps of TinyNetwork C16 N5 (ResNet cell) on one batch: the first loss equals the CPU one to 1e-4 (cuDNN
//     kernels and TF32, on by default for cuDNN convolutions, differ from the CPU's), later ones drift apart as
//     training amplifies those differences, and both runs lower the loss;
//  3. trainRun end to end on synthetic data with device cuda: record filled, latency measured, no tensor leak.
// Prints one JSON object; exits 1 when a check fails.
import type { ImageSet } from "../../packages/engine/src/data/image-set.js";
import { F, SGD, cudaAvailable, liveTensorCount, manualSeed, tensor, tidy, type Device } from "../../packages/engine/src/tensor/index.js";
import { TinyNetwork } from "../../packages/engine/src/models/tiny-network.js";
import { archAt } from "../../packages/core/src/space/index.js";
import { hpConfig } from "../../packages/engine/src/train/hyper.js";
import { trainRun } from "../../packages/engine/src/train/train-run.js";
import { datasetInfo } from "../../packages/core/src/registry/index.js";

function losses(device: Device): { init: Float32Array; losses: number[] } {
  manualSeed(777);
  const net = TinyNetwork.create(16, 5, archAt(11472), 10);
  const init = net.stateDict().get("cells.0.layers.0.op.1.weight")!.toFloat32Array();
  if (device !== "cpu") net.to(device);
  const opt = new SGD(net.parameters(), { lr: 0.1, momentum: 0.9, weightDecay: 5e-4, nesterov: true });
  const x = tensor(Float32Array.from({ length: 32 * 3072 }, (_, i) => Math.sin(i * 0.37)), [32, 3, 32, 32], { device }).keep();
  const y = tensor(Int32Array.from({ length: 32 }, (_, i) => i % 10), [32], { dtype: "int64", device }).keep();
  const out: number[] = [];
  for (let s = 0; s < 5; s++) {
    out.push(
      tidy(() => {
        opt.zeroGrad();
        const loss = F.crossEntropy(net.forward(x).logits, y);
        loss.backward();
        opt.step();
        return loss.item();
      }),
    );
  }
  opt.dispose();
  net.dispose();
  x.dispose();
  y.dispose();
  return { init, losses: out };
}

async function main(): Promise<void> {
  const result: Record<string, unknown> = { cuda: cudaAvailable() };
  const failures: string[] = [];
  if (!cudaAvailable()) failures.push("CUDA not available to the addon");
  else {
    const cpu = losses("cpu");
    const gpu = losses("cuda");
    const sameInit = cpu.init.every((v, i) => v === gpu.init[i]);
    const firstRel = Math.abs(cpu.losses[0]! - gpu.losses[0]!) / Math.abs(cpu.losses[0]!);
    Object.assign(result, { cpuLosses: cpu.losses, gpuLosses: gpu.losses, sameInit, firstLossRelDiff: firstRel });
    if (!sameInit) failures.push("initial weights differ");
    if (!(firstRel < 1e-4)) failures.push(`first GPU loss differs from the CPU one by ${firstRel}`);
    if (!(gpu.losses[4]! < gpu.losses[0]!)) failures.push("GPU training did not lower the loss");

    const count = 600;
    const pixels = Uint8Array.from({ length: count * 3072 }, (_, i) => (i * 2654435761) >>> 24);
    const set: ImageSet = { pixels, labels: Int32Array.from({ length: count }, (_, i) => i % 10), count, channels: 3, height: 32, width: 32 };
    const idx = (a: number, b: number) => Int32Array.from({ length: b - a }, (_, i) => a + i);
    const before = liveTensorCount();
    const t0 = performance.now();
    const { record, net } = await trainRun({
      arch: 1462,
      data: { key: "cifar10", classNum: 10, shape: [3, 32, 32], norm: datasetInfo("cifar10").norm, pad: 4, train: { set, indices: idx(0, 512) }, evals: [{ name: "ori-test", set, indices: idx(0, count) }], latencySet: "ori-test" },
      seed: 777,
      hp: "2",
      config: { ...hpConfig("12"), epochs: 2, batchSize: 256 },
      device: "cuda",
    });
    net.dispose();
    Object.assign(result, { trainRunSeconds: (performance.now() - t0) / 1000, trainLoss: record.train.loss, latency: record.latency, device: record.provenance.device, leaked: liveTensorCount() - before });
    if (record.train.loss!.length !== 2 || record.latency === null || record.latency.length === 0) failures.push("trainRun record incomplete on cuda");
    if (liveTensorCount() !== before) failures.push("tensors leaked");
  }
  result.failures = failures;
  process.stdout.write(`${JSON.stringify(result)}\n`);
  if (failures.length > 0) process.exitCode = 1;
}

await main();
