// Two search steps of each weight-sharing algorithm, here and in the PyTorch reference written from the spec
// (reference/supernet_reference.py, which rebuilds the original search models' autograd graphs), from the same
// weights, α / controller, batches, Gumbel noise and sampled cells (libtorch's generator reseeded identically on both
// sides before every step): weights, α, every gradient, BatchNorm statistics and optimizer state must agree bit for bit.
import "./support/single-thread.js";
import { describe, expect, it } from "vitest";
import { Adam, SGD, manualSeed } from "../../packages/engine/src/tensor/index.js";
import type { Optimizer } from "../../packages/engine/src/tensor/optim/optimizer.js";
import { Controller } from "../../packages/engine/src/search-ws/controller.js";
import { archStep, createArchOptimizer, dartsWeights, unrolledArchStep, weightStep } from "../../packages/engine/src/search-ws/darts.js";
import { controllerSampleStep, controllerUpdate, sharedCnnStep } from "../../packages/engine/src/search-ws/enas.js";
import { gdasMode } from "../../packages/engine/src/search-ws/gdas.js";
import { rspsStep } from "../../packages/engine/src/search-ws/rsps.js";
import { setnArchStep, setnWeightStep } from "../../packages/engine/src/search-ws/setn.js";
import { TSS_WS_ALGORITHMS, defaultSettings, type WsAlgorithm, type WsSettings } from "../../packages/engine/src/search-ws/settings.js";
import { Supernet, type NetworkMode } from "../../packages/engine/src/search-ws/supernet.js";
import { runSupernetReference, type RawArray } from "./support/reference.js";
import { dumpState, gradients, optimizerValues, seededStepBatches, values } from "./support/parity.js";

const SPEC = { seed: 11, C: 4, N: 1, classes: 10, in_ch: 1, track: 0, batch: 6, hw: 8, threads: 1 };
/** libtorch's generator is reseeded with these before step k (Gumbel noise, controller samples) */
const SEEDS = [1001, 1002];
/** and with these before each controller sample of the ENAS controller updates */
const CONTROLLER_SEEDS = [2001, 2002, 2003, 2004, 2005, 2006];
/** GDAS temperature per step (the schedule moves it every epoch) */
const TAUS = [10, 5];
/**
 * The cells SETN and RSPS train at step k. Both start with skip_connect on 1<-0, so node 1 is the cell input itself
 * unless its single input is summed as Python's sum() does (0 + t), and mix none, pooling and both convolutions.
 */
const CELLS = [
  [1, 3, 2, 4, 1, 3],
  [1, 0, 3, 2, 4, 1],
];
const CONTROLLER_UPDATES = 2;
const NUM_AGGREGATE = 3;

interface AlgorithmReference {
  state: Record<string, number[]>;
  grads: Record<string, number[] | null>;
  wopt: Record<string, number[]>;
  aopt: Record<string, number[]>;
  losses: number[];
  sampled: number[][];
}

/** The controller's (clipped) gradients and Adam state right after an update. */
interface ControllerUpdate {
  grads: Record<string, number[] | null>;
  opt: Record<string, number[] | null>;
}

interface ControllerReference {
  state: Record<string, number[]>;
  updates: ControllerUpdate[];
  records: { loss: number; reward: number; baseline: number }[];
}

type Reference = Record<string, AlgorithmReference | ControllerReference>;

interface Run {
  net: Supernet;
  wOpt: SGD;
  aOpt: Optimizer | null;
  losses: number[];
  sampled: number[][];
  controller?: { module: Controller; records: { loss: number; reward: number; baseline: number }[]; updates: ControllerUpdate[] };
}

function settingsOf(algorithm: WsAlgorithm): WsSettings & { lrs: number[] } {
  const s = defaultSettings(algorithm);
  s.controller = { ...s.controller, numAggregate: NUM_AGGREGATE };
  // the second step at another learning rate, as the cosine schedule would have it
  return { ...s, lrs: [s.weight.lr, s.weight.lr * 0.75] };
}

const hasAlpha = (a: WsAlgorithm): boolean => a !== "enas" && a !== "rsps";

const { batches, files: batchFiles } = seededStepBatches(SPEC, SEEDS.length);

function build(algorithm: WsAlgorithm): { net: Supernet; controller: Controller | null } {
  manualSeed(SPEC.seed);
  const net = new Supernet({ C: SPEC.C, N: SPEC.N, numClasses: SPEC.classes, inputChannels: SPEC.in_ch, trackRunningStats: false, archParameters: hasAlpha(algorithm) });
  const c = settingsOf(algorithm).controller;
  const controller =
    algorithm === "enas" ? new Controller({ numEdges: 6, numOps: 5, lstmSize: c.lstmSize, lstmLayers: c.lstmLayers, tanhConstant: c.tanhConstant, temperature: c.temperature }) : null;
  return { net, controller };
}

function runSteps(algorithm: WsAlgorithm, net: Supernet, controllerModule: Controller | null): Run {
  const s = settingsOf(algorithm);
  const clip = s.weight.gradientClip;
  const wOpt = new SGD(net.weights(), { lr: s.weight.lr, momentum: s.weight.momentum, weightDecay: s.weight.weightDecay, nesterov: s.weight.nesterov });
  const aOpt = hasAlpha(algorithm) ? createArchOptimizer(net, s.arch) : null;
  const losses: number[] = [];
  const sampled: number[][] = [];
  net.train();
  batches.forEach((b, k) => {
    manualSeed(SEEDS[k]!);
    wOpt.lr = s.lrs[k]!;
    switch (algorithm) {
      case "darts-v1":
        losses.push(weightStep(net, wOpt, b.base, () => dartsWeights(net), clip).loss);
        losses.push(archStep(net, aOpt!, b.arch, () => dartsWeights(net)).loss);
        break;
      case "darts-v2":
        losses.push(unrolledArchStep(net, aOpt!, wOpt, b.base, b.arch, s.unrolledR).loss);
        losses.push(weightStep(net, wOpt, b.base, () => dartsWeights(net), clip).loss);
        break;
      case "gdas": {
        const recorded = (): NetworkMode => {
          const mode = gdasMode(net, TAUS[k]!);
          if (mode.kind === "hard") sampled.push([...mode.selected]);
          return mode;
        };
        losses.push(weightStep(net, wOpt, b.base, recorded, clip).loss);
        losses.push(archStep(net, aOpt!, b.arch, recorded).loss);
        break;
      }
      case "setn":
        losses.push(setnWeightStep(net, wOpt, b.base, CELLS[k]!, clip).loss);
        losses.push(setnArchStep(net, aOpt!, b.arch).loss);
        break;
      case "rsps":
        losses.push(rspsStep(net, wOpt, b.base, CELLS[k]!, clip).loss);
        break;
      case "enas": {
        const r = sharedCnnStep(net, controllerModule!, wOpt, b.base, clip);
        losses.push(r.loss);
        sampled.push(r.ops);
        break;
      }
    }
  });
  if (controllerModule === null) return { net, wOpt, aOpt, losses, sampled };

  // controller training (network in eval mode): the first update without a previous baseline (the first epoch), the
  // second from the first one's last baseline (what the next epoch starts from)
  const c = s.controller;
  const cOpt = new Adam(controllerModule.parameters(), { lr: c.lr, betas: c.betas, eps: c.eps });
  const records: { loss: number; reward: number; baseline: number }[] = [];
  const updates: ControllerUpdate[] = [];
  net.eval();
  controllerModule.zeroGrad();
  let previous: number | null = null;
  for (let u = 0; u < CONTROLLER_UPDATES; u++) {
    let last = 0;
    for (let a = 0; a < NUM_AGGREGATE; a++) {
      const step = u * NUM_AGGREGATE + a;
      const b = batches[step % batches.length]!;
      manualSeed(CONTROLLER_SEEDS[step]!);
      const r = controllerSampleStep(controllerModule, net, b.arch, b.archTargets, SPEC.classes, previous, c);
      sampled.push(r.ops);
      records.push({ loss: r.loss, reward: r.reward, baseline: r.baseline });
      last = r.baseline;
    }
    controllerUpdate(controllerModule, cOpt, c.gradientClip);
    updates.push({ grads: gradients(controllerModule), opt: optimizerValues(cOpt) });
    controllerModule.zeroGrad();
    previous = last;
  }
  net.train();
  return { net, wOpt, aOpt, losses, sampled, controller: { module: controllerModule, records, updates } };
}

// ---------------------------------------------------------------- comparison

/** Values that differ (as bit patterns, so −0 ≠ +0) in one part of the comparison. */
interface Mismatch {
  count: number;
  total: number;
  worst: string;
  maxAbs: number;
  maxUlps: number;
}

/** Distance in float32 steps between two float32 values. */
function ulps(a: number, b: number): number {
  const i = new Int32Array(new Float32Array([a, b]).buffer);
  const ord = (x: number): number => (x < 0 ? -0x80000000 - x : x);
  return Math.abs(ord(i[0]!) - ord(i[1]!));
}

function compareValues(ours: Record<string, number[] | null>, theirs: Record<string, number[] | null>): Mismatch {
  const m: Mismatch = { count: 0, total: 0, worst: "", maxAbs: 0, maxUlps: 0 };
  expect(Object.keys(ours).sort(), "entries").toEqual(Object.keys(theirs).sort());
  for (const [k, a] of Object.entries(ours)) {
    const b = theirs[k];
    if (a === null || b === null || b === undefined) {
      expect(a === null, `${k}: has a value here`).toBe(b === null);
      continue;
    }
    expect(a.length, `${k}: length`).toBe(b.length);
    a.forEach((x, i) => {
      m.total++;
      const y = b[i]!;
      if (Object.is(x, y)) return;
      m.count++;
      const u = ulps(x, y);
      if (u >= m.maxUlps) [m.maxUlps, m.worst] = [u, `${k}[${i}] ${x} vs ${y}`];
      m.maxAbs = Math.max(m.maxAbs, Math.abs(x - y));
    });
  }
  return m;
}

function describeMismatch(part: string, m: Mismatch): string {
  if (m.count === 0) return `${part}: ${m.total} equal`;
  return `${part}: ${m.count}/${m.total} differ, max |Δ| ${m.maxAbs.toExponential(2)}, max ${m.maxUlps} ulp at ${m.worst}`;
}

// ---------------------------------------------------------------- the test

describe("two search steps of every weight-sharing algorithm, bit for bit against PyTorch (C=4, N=1, 8x8, batch 6)", () => {
  const files: Record<string, RawArray> = { ...batchFiles };
  const shapes: Record<string, Record<string, number[]>> = {};
  let ctlShapes: Record<string, number[]> = {};
  const built = new Map<WsAlgorithm, ReturnType<typeof build>>();
  for (const algorithm of TSS_WS_ALGORITHMS) {
    const b = build(algorithm);
    built.set(algorithm, b);
    shapes[algorithm] = dumpState(b.net, `${algorithm}/state`, files);
    if (b.controller !== null) ctlShapes = dumpState(b.controller, `${algorithm}/ctl`, files);
  }
  const settings = Object.fromEntries(
    TSS_WS_ALGORITHMS.map((a) => {
      const s = settingsOf(a);
      return [a, { ...s, controller: { ...s.controller, updates: CONTROLLER_UPDATES } }];
    }),
  );
  const ref = runSupernetReference<Reference>("search-steps", { ...SPEC, algorithms: TSS_WS_ALGORITHMS, seeds: SEEDS, ctlSeeds: CONTROLLER_SEEDS, taus: TAUS, archs: CELLS, settings, shapes, ctlShapes }, files);

  it.each(TSS_WS_ALGORITHMS)("%s", (algorithm) => {
    const { net, controller } = built.get(algorithm)!;
    const run = runSteps(algorithm, net, controller);
    const theirs = ref[algorithm] as AlgorithmReference;
    expect(run.sampled, "sampled cells").toEqual(theirs.sampled);
    const parts: [string, Mismatch][] = [
      ["losses", compareValues({ losses: run.losses }, { losses: theirs.losses })],
      ["state", compareValues(values(net.stateDict()), theirs.state)],
      ["grad", compareValues(gradients(net), theirs.grads)],
      ["SGD", compareValues(optimizerValues(run.wOpt), theirs.wopt)],
      ["Adam(α)", compareValues(optimizerValues(run.aOpt), theirs.aopt)],
    ];
    if (run.controller) {
      const ctl = ref[`${algorithm}.controller`] as ControllerReference;
      const records = (rs: readonly { loss: number; reward: number; baseline: number }[]): number[] => rs.flatMap((r) => [r.loss, r.reward, r.baseline]);
      parts.push(
        ["controller", compareValues(values(run.controller.module.stateDict()), ctl.state)],
        ["controller loss/reward/baseline", compareValues({ r: records(run.controller.records) }, { r: records(ctl.records) })],
      );
      expect(run.controller.updates.length).toBe(ctl.updates.length);
      run.controller.updates.forEach((u, i) => {
        parts.push([`controller grad (update ${i + 1})`, compareValues(u.grads, ctl.updates[i]!.grads)], [`controller Adam (update ${i + 1})`, compareValues(u.opt, ctl.updates[i]!.opt)]);
      });
    }
    const report = parts.map(([part, m]) => describeMismatch(part, m)).join("; ");
    expect(parts.every(([, m]) => m.count === 0), `${algorithm}: ${report}`).toBe(true);
  });
});
