/**
 * Parity with PyTorch (python3-torch 1.13): the same manual seed gives identical initial weights, the same batch gives
 * the same logits, and 5 SGD steps give the same losses and the same state dict (every parameter and batch-norm
 * buffer), for tss networks and for the size space's (sss). The reference network is written from the specs
 * (test/models/reference/tiny_network.py).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { noGrad, tensor, SGD, manualSeed, setNumThreads, tidy, F, type Tensor } from "../../packages/engine/src/tensor/index.js";
import { TinyNetwork } from "../../packages/engine/src/models/tiny-network.js";
import { parseSizeArch, SIZE_GENOTYPE } from "../../packages/core/src/space/index.js";
import { NUM_ARCHS, PyRandom, archAt, parseArch, sampleArch } from "../../packages/core/src/space/index.js";
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

/** A PyTorch state dict as the reference scripts describe it: [key, shape, dtype] per entry, in state-dict order. */
type StateNames = [string, number[], string][];

const entryBytes = ([, shape, dtype]: StateNames[number]): number => shape.reduce((a, b) => a * b, 1) * (dtype === "torch.int64" ? 8 : 4);

/**
 * The entries of `state` whose bytes differ from PyTorch's dump (its values concatenated in `names` order from
 * `offset`; a key missing on either side counts as differing), and the offset just past this state's values.
 */
function differingEntries(state: Map<string, Tensor>, names: StateNames, dump: Buffer, offset = 0): { differing: string[]; end: number } {
  const differing = [...state.keys()].filter((k) => !names.some(([key]) => key === k));
  for (const entry of names) {
    const [key] = entry;
    const bytes = entryBytes(entry);
    const ours = state.get(key)?.toArray();
    if (ours === undefined || !Buffer.from(ours.buffer, ours.byteOffset, ours.byteLength).equals(dump.subarray(offset, offset + bytes))) differing.push(key);
    offset += bytes;
  }
  return { differing, end: offset };
}

/**
 * Whether some node of the cell, its input included, has no path of non-`none` edges to the output. PyTorch still
 * trains the layers that feed such a node: its x·0 keeps them on the autograd graph, so they get zero gradients, and
 * SGD applies weight decay and momentum to them.
 */
function hasDeadNode(arch: string): boolean {
  const nodes = parseArch(arch); // nodes[i - 1]: the [op, input node] edges into node i
  const live = Array.from({ length: nodes.length + 1 }, (_, j) => j === nodes.length);
  for (let j = nodes.length - 1; j >= 0; j--) {
    live[j] = nodes.some((edges, i) => live[i + 1]! && edges.some(([op, from]) => from === j && op !== "none"));
  }
  return live.includes(false);
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
  ["a conv whose node reaches the output only through a none edge (7462)", archAt(7462)],
];

interface ParityJob {
  arch: string;
  seed: number;
  C: number;
  N: number;
  classes: number;
  /** the size space's per-layer widths (C = widths[0], N = 1); absent for tss */
  widths?: number[];
}

/**
 * Builds the network under `job.seed` here and in the reference: identical initial state dict, bit-identical eval
 * logits for one batch, 5 SGD steps to the same losses and state dict, and the same logits after them.
 */
function expectParity(job: ParityJob, build: () => TinyNetwork): void {
  const dir = tempDir("aa-parity-");
  const batch = 6;
  const full = { ...job, batch, channels: 3, side: 32, steps: 5, lr: 0.1 };
  const data = new PyRandom(99);
  const inputs = Float32Array.from({ length: batch * 3 * 32 * 32 }, () => data.gauss(0, 1));
  const targets = BigInt64Array.from({ length: batch }, () => BigInt(data.randbelow(job.classes)));
  writeFileSync(join(dir, "job.json"), JSON.stringify(full));
  writeFileSync(join(dir, "inputs.bin"), new Uint8Array(inputs.buffer));
  writeFileSync(join(dir, "targets.bin"), new Uint8Array(targets.buffer));
  runPython(withReferenceDir(REFERENCE), [dir]);

  manualSeed(job.seed);
  const net = build();
  try {
    // 1. initial state dict: same keys, same order, same bits
    const names = JSON.parse(readFileSync(join(dir, "names.json"), "utf8")) as StateNames;
    expect([...net.stateDict().keys()]).toEqual(names.map(([k]) => k));
    expect(differingEntries(net.stateDict(), names, readFileSync(join(dir, "state.bin"))).differing).toEqual([]);

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
    // 4. the whole trained state: parameters, batch-norm running statistics and num_batches_tracked
    expect(differingEntries(net.stateDict(), names, readFileSync(join(dir, "state_after.bin"))).differing).toEqual([]);
    net.eval();
    const after = noGrad(() => tidy(() => net.forward(x).logits.toFloat32Array()));
    expect([...after]).toEqual([...readF32(join(dir, "logits_after.bin"))]);
    x.dispose();
    y.dispose();
  } finally {
    net.dispose();
  }
}

describe("TinyNetwork parity with PyTorch", () => {
  setNumThreads(1);
  for (const [name, arch] of CASES) {
    it(`${name} ${arch}: identical initial weights, then bit-identical logits, losses and state dict over 5 SGD steps, and logits after them (one thread each)`, () => {
      expectParity({ arch, seed: 777, C: 16, N: 5, classes: 10 }, () => TinyNetwork.create(16, 5, arch, 10));
    });
  }
});

// the size space's extremes, cells that change width in stage 2, 3 or both, and one that keeps it in stage 2 only
const SHAPE_CASES: [string, string, number][] = [
  ["narrowest", "8:8:8:8:8", 10],
  ["widest", "64:64:64:64:64", 10],
  ["cells 2 and 4 narrow (64→8 reductions)", "64:8:64:8:64", 100],
  ["cells 2 and 4 widen, blocks narrow", "8:64:8:64:8", 120],
  ["every layer wider (8:16:24:32:40)", "8:16:24:32:40", 10],
  ["cell 2 keeps its width, cell 4 changes it (arch 11)", "8:8:8:16:32", 10],
  ["cell 2 changes its width, cell 4 keeps it", "24:48:16:56:56", 100],
];

describe("size-space network (sss) parity with PyTorch", () => {
  setNumThreads(1);
  for (const [name, channels, classes] of SHAPE_CASES) {
    it(`${name} ${channels}, ${classes} classes: identical initial weights, then bit-identical logits, losses and state dict over 5 SGD steps`, () => {
      const widths = parseSizeArch(channels);
      expectParity({ arch: SIZE_GENOTYPE, seed: 888, C: widths[0]!, N: 1, classes, widths }, () => TinyNetwork.createShape(channels, classes));
    });
  }
});

describe("bit parity with PyTorch across sampled archs", () => {
  const STEPS = 5;
  const rng = new PyRandom(4242);
  // sampled archs, plus ones that exercise each cell path: a node fed by one skip edge alone, all-conv nodes
  // sharing a relu, a cell whose output is a skip of its input, an all-`none` node
  const sampled = [...Array.from({ length: 112 }, () => sampleArch(rng)), archAt(12121), archAt(1462), archAt(11472), archAt(0)];
  sampled.push("|skip_connect~0|+|none~0|nor_conv_3x3~1|+|none~0|none~1|skip_connect~2|");
  sampled.push("|nor_conv_1x1~0|+|nor_conv_3x3~0|skip_connect~1|+|skip_connect~0|none~1|none~2|");
  sampled.push("|none~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|avg_pool_3x3~1|nor_conv_1x1~2|");
  sampled.push("|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|none~2|");
  // cells with a dead node (see hasDeadNode): 7462 (its conv3x3 feeds node 2, which reaches the output only as x·0),
  // an all-`none` output node (every node dead, convs on both), then a sample of the rest
  const deadAll = Array.from({ length: NUM_ARCHS }, (_, i) => archAt(i)).filter(hasDeadNode);
  const deadPinned = [archAt(7462), "|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|none~0|none~1|none~2|"];
  const dead = [...deadPinned, ...new PyRandom(201).shuffle(deadAll.filter((a) => !deadPinned.includes(a))).slice(0, 46)];
  const archs = [...sampled, ...dead];

  let dir = "";
  let pyLosses: number[][] = [];
  let pyNames: StateNames[] = [];
  /** per arch: where its values start in states.bin */
  let offsets: number[] = [];
  beforeAll(() => {
    dir = tempDir("aa-parity-many-");
    writeFileSync(join(dir, "archs.json"), JSON.stringify(archs));
    runPython(withReferenceDir(REFERENCE_MANY), [dir, String(STEPS)], 300_000);
    pyLosses = JSON.parse(readFileSync(join(dir, "losses.json"), "utf8")) as number[][];
    pyNames = JSON.parse(readFileSync(join(dir, "names.json"), "utf8")) as StateNames[];
    offsets = [0];
    for (const names of pyNames) offsets.push(offsets.at(-1)! + names.reduce((n, entry) => n + entryBytes(entry), 0));
  }, 300_000);

  /** Trains archs[from, to) as the reference did (seed k for the k-th arch); those whose losses or state dict differ. */
  function differingArchs(from: number, to: number): string[] {
    setNumThreads(1);
    const states = readFileSync(join(dir, "states.bin"));
    const yb = readFileSync(join(dir, "targets.bin"));
    const x = tensor(readF32(join(dir, "inputs.bin")), [4, 3, 16, 16]).keep();
    const y = tensor(new BigInt64Array(yb.buffer.slice(yb.byteOffset, yb.byteOffset + yb.length)), [4]).keep();
    const differing: string[] = [];
    for (let k = from; k < to; k++) {
      manualSeed(k);
      const net = TinyNetwork.create(8, 1, archs[k]!, 10);
      try {
        const losses = trainLosses(net, x, y, STEPS);
        if (losses.some((l, i) => l !== pyLosses[k]![i])) differing.push(`${archs[k]}: losses`);
        const entries = differingEntries(net.stateDict(), pyNames[k]!, states, offsets[k]).differing;
        if (entries.length > 0) differing.push(`${archs[k]}: ${entries.join(", ")}`);
      } finally {
        net.dispose();
      }
    }
    x.dispose();
    y.dispose();
    return differing;
  }

  it(`trains ${sampled.length} sampled archs (C 8, N 1, ${STEPS} SGD steps, one thread) to the same losses and state dict, bit for bit`, () => {
    expect(differingArchs(0, sampled.length)).toEqual([]);
  });

  it(`trains ${dead.length} archs with a dead node (a node, or the cell input, that reaches the output only through none edges) to the same state dict, bit for bit`, () => {
    // the predicate's class: 3,721 of the 15,625 archs (2,290 of them have a conv that feeds a dead node)
    expect(deadAll.length).toBe(3721);
    expect(differingArchs(sampled.length, archs.length)).toEqual([]);
  });
});
