// Loads the libtorch addon (native/build/Release/aa_nas_native.node) lazily, so importing the engine never
// fails by itself: the first op does, with a message saying how to build it.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UserError } from "@aa-nas/core/errors.js";

type Handle = number;
type OptHandle = number; // -1 = none
type IntList = readonly number[];
export type TypedData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

/** The addon's exports; argument conventions are documented next to each C++ function in native/src. */
export interface NativeEngine {
  // tensors
  fromTyped(data: TypedData, shape: IntList, dtype: number, device: string): Handle;
  toTyped(h: Handle): TypedData;
  item(h: Handle): number;
  shape(h: Handle): number[];
  dtype(h: Handle): number;
  device(h: Handle): string;
  dispose(h: Handle): void;
  disposeMany(hs: readonly Handle[]): void;
  liveTensors(): number;
  zeros(shape: IntList, dtype: number, device: string): Handle;
  ones(shape: IntList, dtype: number, device: string): Handle;
  empty(shape: IntList, dtype: number, device: string): Handle;
  rand(shape: IntList, dtype: number, device: string): Handle;
  randn(shape: IntList, dtype: number, device: string): Handle;
  full(shape: IntList, value: number, dtype: number, device: string): Handle;
  arange(start: number, end: number, step: number, dtype: number, device: string): Handle;
  randint(low: number, high: number, shape: IntList, dtype: number, device: string): Handle;
  randperm(n: number, seed?: bigint): Handle;
  randomInt64(): bigint;
  to(h: Handle, dtype: number, device: string): Handle;
  moveTo_(h: Handle, device: string): void;
  uniform_(h: Handle, low: number, high: number): void;
  normal_(h: Handle, mean: number, std: number): void;
  exponential_(h: Handle, lambd: number): void;
  fill_(h: Handle, value: number): void;
  zero_(h: Handle): void;
  copy_(dst: Handle, src: Handle): void;
  resetLinearLike_(weight: Handle, bias: OptHandle): void;
  detach(h: Handle): Handle;
  clone(h: Handle): Handle;
  contiguous(h: Handle, channelsLast?: boolean): Handle;
  // math
  unary(code: number, h: Handle): Handle;
  binary(code: number, a: Handle, b: Handle): Handle;
  binaryScalar(code: number, a: Handle, s: number): Handle;
  addScaled(a: Handle, b: Handle, alpha: number): Handle;
  add_(a: Handle, b: Handle, alpha: number): void;
  addScalar_(a: Handle, s: number): void;
  mulScalar_(a: Handle, s: number): void;
  mul_(a: Handle, b: Handle): void;
  clamp(h: Handle, min: number, max: number): Handle;
  reduce(code: number, h: Handle, dims: IntList | null, keepdim: boolean): Handle;
  norm(h: Handle, p: number, dims: IntList | null, keepdim: boolean): Handle;
  argmax(h: Handle, dim: number | null, keepdim: boolean): Handle;
  topk(h: Handle, k: number, dim: number, largest: boolean, sorted: boolean): [Handle, Handle];
  sort(h: Handle, dim: number, descending: boolean): [Handle, Handle];
  softmax(h: Handle, dim: number): Handle;
  logSoftmax(h: Handle, dim: number): Handle;
  matmul(a: Handle, b: Handle): Handle;
  where(cond: Handle, a: Handle, b: Handle): Handle;
  // nn
  conv2d(x: Handle, w: Handle, b: OptHandle, stride: IntList, padding: IntList, dilation: IntList, groups: number): Handle;
  batchNorm(x: Handle, w: OptHandle, b: OptHandle, rm: OptHandle, rv: OptHandle, training: boolean, momentum: number, eps: number): Handle;
  avgPool2d(x: Handle, kernel: IntList, stride: IntList, padding: IntList, ceilMode: boolean, countIncludePad: boolean): Handle;
  maxPool2d(x: Handle, kernel: IntList, stride: IntList, padding: IntList, dilation: IntList, ceilMode: boolean): Handle;
  adaptiveAvgPool2d(x: Handle, outputSize: IntList): Handle;
  adaptiveAvgPool3d(x: Handle, outputSize: IntList): Handle;
  linear(x: Handle, w: Handle, b: OptHandle): Handle;
  crossEntropy(logits: Handle, target: Handle, labelSmoothing: number, reduction: number): Handle;
  nllLoss(logProbs: Handle, target: Handle, reduction: number): Handle;
  dropout(x: Handle, p: number, train: boolean): Handle;
  embedding(weight: Handle, indices: Handle): Handle;
  lstmCell(x: Handle, h: Handle, c: Handle, wIh: Handle, wHh: Handle, bIh: OptHandle, bHh: OptHandle): [Handle, Handle];
  constantPad(x: Handle, pad: IntList, value: number): Handle;
  multinomial(probs: Handle, numSamples: number, replacement: boolean): Handle;
  gather(x: Handle, dim: number, index: Handle): Handle;
  scatterValue(x: Handle, dim: number, index: Handle, value: number): Handle;
  oneHot(indices: Handle, numClasses: number): Handle;
  // shapes
  view(h: Handle, shape: IntList): Handle;
  reshape(h: Handle, shape: IntList): Handle;
  flatten(h: Handle, start: number, end: number): Handle;
  permute(h: Handle, dims: IntList): Handle;
  transpose(h: Handle, d0: number, d1: number): Handle;
  expand(h: Handle, shape: IntList): Handle;
  unsqueeze(h: Handle, dim: number): Handle;
  squeeze(h: Handle, dim: number | null): Handle;
  narrow(h: Handle, dim: number, start: number, length: number): Handle;
  slice(h: Handle, dim: number, start: number, end: number, step: number): Handle;
  select(h: Handle, dim: number, index: number): Handle;
  indexSelect(h: Handle, dim: number, index: Handle): Handle;
  cat(hs: readonly Handle[], dim: number): Handle;
  stack(hs: readonly Handle[], dim: number): Handle;
  chunk(h: Handle, chunks: number, dim: number): Handle[];
  // autograd
  setRequiresGrad(h: Handle, on: boolean): void;
  requiresGrad(h: Handle): boolean;
  isLeaf(h: Handle): boolean;
  grad(h: Handle): OptHandle;
  setGrad(h: Handle, g: OptHandle): void;
  zeroGrad(hs: readonly Handle[], setToNone: boolean): void;
  backward(h: Handle, grad: OptHandle, retainGraph: boolean, createGraph: boolean): void;
  autogradGrad(
    outputs: readonly Handle[],
    inputs: readonly Handle[],
    gradOutputs: readonly Handle[] | null,
    retainGraph: boolean,
    createGraph: boolean,
    allowUnused: boolean,
  ): OptHandle[];
  setGradEnabled(on: boolean): boolean;
  isGradEnabled(): boolean;
  clipGradNorm(hs: readonly Handle[], maxNorm: number, normType: number): number;
  // optim
  sgdStep(
    params: readonly Handle[],
    bufs: readonly OptHandle[],
    lr: number,
    momentum: number,
    dampening: number,
    weightDecay: number,
    nesterov: boolean,
    maximize: boolean,
  ): OptHandle[];
  adamStep(
    params: readonly Handle[],
    state: readonly OptHandle[],
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    weightDecay: number,
    maximize: boolean,
  ): OptHandle[];
  // runtime
  manualSeed(seed: number | bigint): void;
  cudaAvailable(): boolean;
  cudaDeviceCount(): number;
  cudaSynchronize(): void;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  allocatorStats(): { liveBytes: number; cachedBytes: number; hits: number; misses: number };
  emptyCache(): void;
  retireThreadCache(): void;
  libtorchVersion(): string;
  batchNormKernel(): string;
  noop(x: number): number;
  // replica groups (native/src/replica_group.h)
  replicaGroupCreate(world: number): number;
  replicaGroupRelease(id: number): void;
  replicaGroupAbort(id: number, reason: string): void;
  replicaGroupAbortAll(reason: string): void;
  replicaCollective(id: number, rank: number, hs: readonly Handle[], op: number): void;
  replicaWaitSeconds(): number;
  syncBatchNorm(id: number, rank: number, x: Handle, w: OptHandle, b: OptHandle, rm: OptHandle, rv: OptHandle, momentum: number, eps: number): Handle;
}

const ADDON_RELATIVE = join("native", "build", "Release", "aa_nas_native.node");

/**
 * The addon file: $AA_NAS_NATIVE, else the nearest `native/build/Release` above this module (src/ or dist/), or the
 * workspace's `packages/engine/native/build/Release` above it (a compiled copy elsewhere in the repository, such as
 * the perf scripts' `dist/perf-*`).
 */
export function addonPath(): string | null {
  const override = process.env.AA_NAS_NATIVE;
  if (override) return existsSync(override) ? override : null;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    for (const candidate of [join(dir, ADDON_RELATIVE), join(dir, "packages", "engine", ADDON_RELATIVE)]) {
      if (existsSync(candidate)) return candidate;
    }
    dir = resolve(dir, "..");
  }
  return null;
}

/** Thrown when the engine is used but the addon has not been built (or cannot load). */
export class EngineUnavailableError extends UserError {}

function threadCount(): number {
  const raw = process.env.AA_NAS_THREADS;
  if (raw === undefined || raw === "") return availableParallelism();
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new UserError(`AA_NAS_THREADS must be a positive integer (got '${raw}'); unset it to use all ${availableParallelism()} CPUs`);
  }
  return n;
}

let loaded: NativeEngine | undefined;

function load(): NativeEngine {
  const path = addonPath();
  if (path === null) {
    throw new EngineUnavailableError(
      "the libtorch engine is not built (native/build/Release/aa_nas_native.node is missing): run `npm run build:native` " +
        "(needs libtorch: `sudo apt-get install libtorch-dev`, or LIBTORCH=/path/to/libtorch)",
    );
  }
  const threads = threadCount();
  const require = createRequire(import.meta.url);
  let addon: NativeEngine;
  try {
    addon = require(path) as NativeEngine;
  } catch (err) {
    throw new EngineUnavailableError(
      `the libtorch engine at ${path} failed to load (${(err as Error).message.split("\n")[0]}); rebuild it with \`npm run build:native\``,
    );
  }
  addon.setNumThreads(threads);
  loaded = addon;
  return addon;
}

/** The loaded addon (loads it on first use). */
export function N(): NativeEngine {
  return loaded ?? load();
}

/** Whether the addon can be loaded here, without throwing. */
export function engineAvailable(): boolean {
  try {
    N();
    return true;
  } catch {
    return false;
  }
}

export const NONE = -1;
