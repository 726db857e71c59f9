// End-to-end training throughput through trainRun (data assembly + copy to the device + step + metrics), to compare
// with the bare step of train-bench.ts: the difference is what the data side costs.
//   node dist/perf-train/perf/train/pipeline-bench.js [--device cuda] [--images N] [--replicas R]
// Synthetic CIFAR-sized uint8 images; epoch 0 is warm-up, epoch 1's train time is reported.
import type { ImageSet } from "../../packages/engine/src/data/image-set.js";
import type { Device } from "../../packages/engine/src/tensor/index.js";
import { hpConfig } from "../../packages/engine/src/train/hyper.js";
import { defaultReplicas, trainRun } from "../../packages/engine/src/train/train-run.js";
import { datasetInfo } from "../../packages/core/src/registry/index.js";

const args = process.argv.slice(2);
const device = (args.includes("--device") ? args[args.indexOf("--device") + 1] : "cpu") as Device;
const images = args.includes("--images") ? Number(args[args.indexOf("--images") + 1]) : 25600;
/** CPU replicas (default: what the training commands use, one per intra-op thread) */
const replicas = args.includes("--replicas") ? Number(args[args.indexOf("--replicas") + 1]) : defaultReplicas(device);

const pixels = new Uint8Array(images * 3072);
for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 2654435761) >>> 24;
const set: ImageSet = { pixels, labels: Int32Array.from({ length: images }, (_, i) => i % 10), count: images, channels: 3, height: 32, width: 32 };
const all = Int32Array.from({ length: images }, (_, i) => i);
const EVAL_IMAGES = Math.min(images, 10240);

const rows = ["| network | batch | trainRun train pass img/s | eval pass img/s | recorded device |", "|---|---|---|---|---|"];
for (const [name, arch] of [["all-conv3x3 (1462)", 1462], ["ResNet (11472)", 11472]] as const) {
  const { record, net } = await trainRun({
    arch,
    data: { key: "cifar10", classNum: 10, shape: [3, 32, 32], norm: datasetInfo("cifar10").norm, pad: 4, train: { set, indices: all }, evals: [{ name: "ori-test", set, indices: all.subarray(0, EVAL_IMAGES) }], latencySet: "ori-test" },
    seed: 777,
    hp: "bench",
    config: { ...hpConfig("12"), epochs: 2 },
    device,
    replicas,
  });
  net.dispose();
  const evalTime = record.evals["ori-test"]!.time![1]!;
  rows.push(`| ${name} | 256 | ${(images / record.train.time![1]!).toFixed(1)} | ${(EVAL_IMAGES / evalTime).toFixed(1)} | ${record.provenance.device} |`);
  process.stderr.write(`${rows[rows.length - 1]}\n`);
}
rows.push(`(device ${device}, ${replicas} replicas; ${images} synthetic 32×32 images, epoch 1 after a warm-up epoch; train pass = augmentation, copy, step, metrics)`);
process.stdout.write(`${rows.join("\n")}\n`);
