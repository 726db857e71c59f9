/**
 * Parity with PyTorch (python3-torch 1.13): the same manual seed gives identical initial weights, the same batch gives
 * the same logits, and 5 SGD steps give the same losses. The reference network is written from the spec
 * (test/models/reference/tiny_network.py).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { noGrad, tensor, SGD, manualSeed, setNumThreads, tidy, F, type Tensor } from "../../src/engine/index.js";
import { TinyNetwork } from "../../src/models/tiny-network.js";
import { PyRandom, archAt, sampleArch } from "../../src/space/index.js";
import { runPython } from "../data/python.js";
import { tempDirs } from "../data/temp.js";

const tempDir = tempDirs();

const REFERENCE = join(import.meta.dirname, "reference", "parity.py");
const REFERENCE_MANY = join(import.meta.dirname, "reference", "parity_many.py");
const withReferenceDir = (script: string): string =>
  readFileSync(script, "utf8").replace("os.path.dirname(os.path.abspath(__file__))", JSON.stringify(join(import.meta.dirname, "reference")));

function readF32(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}

/** Train mode, then `steps` SGD steps (the reference's settings: nesterov, lr 0.1, momentum 0.9, wd 5e-4); the losses. */
function trainLosses(net: TinyNetwork, x: Tensor, y: Tensor, steps: number): number[] {
  net.train();
  const opt = new SGD(net.parameters(), { lr: 0.1, momentum: 0.9, weightDecay: 5e-4, nesterov: true });
  try {
    return Array.from({ length: steps }, () =>
      tidy(() => {
        opt.zeroGrad();
        const loss = F.crossEntropy(net.forward(x).logits, y);
        loss.backward();
        opt.step();
        return loss.item();
      }),
    );
  } finally {
    opt.dispose();
  }
}

const rng = new PyRandom(2024);
const randomArchs = [sampleArch(rng), sampleArch(rng)];
const CASES: [string, string][] = [
  ["arch 0", archAt(0)],
  ["ResNet cell (11472)", archAt(11472)],
  ["all conv3x3 (1462), one relu per node for its convs", archAt(1462)],
  ["a node fed by one skip edge alone is 0 + x, then two convs share its relu (12121)", archAt(12121)],
  ["random arch A", randomArchs[0]!],
  ["random arch B", randomArchs[1]!],
  ["a node fed only by none edges", "|none~0|+|skip_connect~0|none~1|+|nor_conv_1x1~0|none~1|avg_pool_3x3~2|"],
];

describe("TinyNetwork parity with PyTorch", () => {
  setNumThreads(1);
  for (const [name, arch] of CASES) {
    it(`${name} ${arch}: identical initial weights, then bit-identical logits, losses over 5 SGD steps and logits after them (one thread each)`, () => {
      const dir = tempDir("aa-parity-");
      const batch = 6;
      const seed = 777;
      const job = { arch, seed, C: 16, N: 5, classes: 10, batch, channels: 3, side: 32, steps: 5, lr: 0.1 };
      const data = new PyRandom(99);
      const inputs = Float32Array.from({ length: batch * 3 * 32 * 32 }, () => data.gauss(0, 1));
      const targets = BigInt64Array.from({ length: batch }, () => BigInt(data.randbelow(10)));
      writeFileSync(join(dir, "job.json"), JSON.stringify(job));
      writeFileSync(join(dir, "inputs.bin"), new Uint8Array(inputs.buffer));
      writeFileSync(join(dir, "targets.bin"), new Uint8Array(targets.buffer));
      runPython(withReferenceDir(REFERENCE), [dir]);

      manualSeed(seed);
      const net = TinyNetwork.create(16, 5, arch, 10);
      try {
        // 1. initial state dict: same keys, same order, same bits
        const names = JSON.parse(readFileSync(join(dir, "names.json"), "utf8")) as [string, number[], string][];
        const state = net.stateDict();
        expect([...state.keys()]).toEqual(names.map(([k]) => k));
        const pyState = readFileSync(join(dir, "state.bin"));
        let offset = 0;
        const differing: string[] = [];
        for (const [key, shape, dtype] of names) {
          const numel = shape.reduce((a, b) => a * b, 1);
          const bytes = numel * (dtype === "torch.int64" ? 8 : 4);
          const ours = state.get(key)!.toArray();
          if (!Buffer.from(ours.buffer, ours.byteOffset, ours.byteLength).equals(pyState.subarray(offset, offset + bytes))) differing.push(key);
          offset += bytes;
        }
        expect(differing).toEqual([]);

        const x = tensor(inputs, [batch, 3, 32, 32]).keep();
        const y = tensor(targets, [batch]).keep();
        // 2. same batch → same logits (eval mode)
        net.eval();
        const logits = noGrad(() => tidy(() => net.forward(x).logits.toFloat32Array()));
        // the same libtorch kernels in the same order: not close, equal (the issue asks for 1e-5)
        expect([...logits]).toEqual([...readF32(join(dir, "logits.bin"))]);

        // 3. five training steps → equal losses
        const losses = trainLosses(net, x, y, 5);
        const pyLosses = (JSON.parse(readFileSync(join(dir, "result.json"), "utf8")) as { losses: number[] }).losses;
        expect(losses).toEqual(pyLosses);
        expect(new Set(losses).size).toBe(5); // training really moved
        net.eval();
        const after = noGrad(() => tidy(() => net.forward(x).logits.toFloat32Array()));
        expect([...after]).toEqual([...readF32(join(dir, "logits_after.bin"))]);
        x.dispose();
        y.dispose();
      } finally {
        net.dispose();
      }
    });
  }
});

describe("bit parity with PyTorch across sampled archs", () => {
  it("trains 120 sampled archs (C 8, N 1, three SGD steps, one thread) to the same losses, bit for bit", () => {
    setNumThreads(1);
    const dir = tempDir("aa-parity-many-");
    const rng = new PyRandom(4242);
    // sampled archs, plus ones that exercise each cell path: a node fed by one skip edge alone, all-conv nodes
    // sharing a relu, a cell whose output is a skip of its input, an all-`none` node
    const archs = [...Array.from({ length: 112 }, () => sampleArch(rng)), archAt(12121), archAt(1462), archAt(11472), archAt(0)];
    archs.push("|skip_connect~0|+|none~0|nor_conv_3x3~1|+|none~0|none~1|skip_connect~2|");
    archs.push("|nor_conv_1x1~0|+|nor_conv_3x3~0|skip_connect~1|+|skip_connect~0|none~1|none~2|");
    archs.push("|none~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|avg_pool_3x3~1|nor_conv_1x1~2|");
    archs.push("|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|none~2|");
    writeFileSync(join(dir, "archs.json"), JSON.stringify(archs));
    runPython(withReferenceDir(REFERENCE_MANY), [dir], 300_000);
    const pyLosses = JSON.parse(readFileSync(join(dir, "losses.json"), "utf8")) as number[][];
    const yb = readFileSync(join(dir, "targets.bin"));
    const x = tensor(readF32(join(dir, "inputs.bin")), [4, 3, 16, 16]).keep();
    const y = tensor(new BigInt64Array(yb.buffer.slice(yb.byteOffset, yb.byteOffset + yb.length)), [4]).keep();
    const differing: string[] = [];
    archs.forEach((arch, k) => {
      manualSeed(k);
      const net = TinyNetwork.create(8, 1, arch, 10);
      const losses = trainLosses(net, x, y, 3);
      if (losses.some((l, i) => l !== pyLosses[k]![i])) differing.push(arch);
      net.dispose();
    });
    x.dispose();
    y.dispose();
    expect(differing).toEqual([]);
  });
});
