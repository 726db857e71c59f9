/**
 * Parity of every network proxy with a PyTorch reference written from the definitions
 * (test/zero-cost/reference/proxies.py on test/models/reference/tiny_network.py): the same seed gives the same
 * initial weights, the same batch the same scores, within 1e-4 relative (docs/zero-cost.md explains the tolerance).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { setNumThreads } from "../../packages/engine/src/tensor/index.js";
import { computeProxies, type ProxyName } from "../../packages/engine/src/zero-cost/index.js";
import { PyRandom, archAt, sampleArch } from "../../packages/core/src/space/index.js";
import { runPython } from "../data/python.js";
import { tempDirs } from "../data/temp.js";
import { requireSystem } from "../support/system.js";

const tempDir = tempDirs();
const REFERENCE = join(import.meta.dirname, "reference", "proxies.py");
const NETWORK_PROXIES: ProxyName[] = ["synflow", "snip", "grasp", "fisher", "grad_norm", "jacov", "nwot", "epe_nas", "l2_norm", "plain"];

const rng = new PyRandom(2112);
const ARCHS: [string, string][] = [
  ["arch 0", archAt(0)],
  ["arch 1462 (all conv3x3)", archAt(1462)],
  ["arch 11472 (ResNet cell)", archAt(11472)],
  ["arch 7462 (a conv reaching the output only through none)", archAt(7462)],
  ["arch 12121 (lonely skip, shared relus)", archAt(12121)],
  ...Array.from({ length: 5 }, (_, i): [string, string] => [`sampled arch ${i}`, sampleArch(rng)]),
];

/** A Gaussian batch of 10 CIFAR-shaped images with labels 0..4 twice (every class has two samples, as epe_nas needs). */
function gaussianBatch(): { inputs: Float32Array; labels: Int32Array; shape: [number, number, number, number] } {
  const data = new PyRandom(7);
  const shape: [number, number, number, number] = [10, 3, 32, 32];
  return { inputs: Float32Array.from({ length: 10 * 3072 }, () => data.gauss(0, 1)), labels: Int32Array.from({ length: 10 }, (_, i) => i % 5), shape };
}

describe("zero-cost proxies: parity with a PyTorch reference", () => {
  requireSystem("python3", "numpy", "torch");
  setNumThreads(1);
  const batch = gaussianBatch();
  for (const [name, arch] of ARCHS) {
    it(`${name} ${arch}: every proxy within 1e-4 relative of PyTorch`, () => {
      const dir = tempDir("aa-zc-");
      writeFileSync(join(dir, "job.json"), JSON.stringify({ arch, seed: 5, classes: 10, shape: batch.shape, proxies: NETWORK_PROXIES }));
      writeFileSync(join(dir, "inputs.bin"), new Uint8Array(batch.inputs.buffer));
      writeFileSync(join(dir, "labels.bin"), new Uint8Array(batch.labels.buffer));
      runPython(readFileSync(REFERENCE, "utf8").replace("os.path.dirname(os.path.abspath(__file__))", JSON.stringify(join(import.meta.dirname, "reference"))), [dir], 300_000);
      const reference = JSON.parse(readFileSync(join(dir, "scores.json"), "utf8")) as Record<string, number>;
      const ours = computeProxies({ arch, seed: 5, classes: 10, costDataset: "cifar10" }, batch, NETWORK_PROXIES);
      const rel = Object.fromEntries(ours.map(({ proxy, score }) => [proxy, Math.abs(score - reference[proxy]!) / Math.max(Math.abs(reference[proxy]!), 1e-30)]));
      console.log(JSON.stringify({ arch, ours: Object.fromEntries(ours.map((s) => [s.proxy, s.score])), reference, rel }));
      for (const proxy of NETWORK_PROXIES) expect(rel[proxy], `${proxy}: ours ${ours.find((s) => s.proxy === proxy)?.score}, PyTorch ${reference[proxy]}`).toBeLessThan(1e-4);
    }, 300_000);
  }
});
