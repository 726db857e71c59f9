// Tensor factories. Random ones draw from libtorch's default generator, so after manualSeed(s) they yield
// exactly what torch.rand/randn/... yield after torch.manual_seed(s).
import { UserError } from "@aa-nas/core/errors.js";
import { checkDevice, type Device } from "./device.js";
import { dtypeCode, type DType } from "./dtype.js";
import { N, type TypedData } from "./native.js";
import { wrap, type Tensor } from "./tensor.js";

export interface TensorOptions {
  dtype?: DType;
  device?: Device;
  requiresGrad?: boolean;
}

function finish(t: Tensor, opts: TensorOptions): Tensor {
  return opts.requiresGrad ? t.requiresGrad_(true) : t;
}

function dev(opts: TensorOptions): string {
  return opts.device === undefined ? "cpu" : checkDevice(opts.device);
}

function dt(opts: TensorOptions, fallback: DType = "float32"): number {
  return dtypeCode(opts.dtype ?? fallback);
}

/**
 * A tensor holding a copy of `data`. Typed arrays keep their element type unless `dtype` says otherwise
 * (e.g. Int32Array labels with dtype 'int64'); number arrays become float32. Shape defaults to [data.length].
 */
export function tensor(data: TypedData | readonly number[], shape?: readonly number[], opts: TensorOptions = {}): Tensor {
  const typed: TypedData = ArrayBuffer.isView(data) ? data : Float32Array.from(data);
  const dims = shape ?? [typed.length];
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== typed.length) {
    throw new UserError(`tensor(): shape [${dims.join(", ")}] needs ${count} values but ${typed.length} were given`);
  }
  return finish(wrap(N().fromTyped(typed, dims, opts.dtype === undefined ? -1 : dtypeCode(opts.dtype), dev(opts))), opts);
}

/** A 0-dimensional tensor. */
export function scalar(value: number, opts: TensorOptions = {}): Tensor {
  return full([], value, opts);
}

export function zeros(shape: readonly number[], opts: TensorOptions = {}): Tensor {
  return finish(wrap(N().zeros(shape, dt(opts), dev(opts))), opts);
}
export function ones(shape: readonly number[], opts: TensorOptions = {}): Tensor {
  return finish(wrap(N().ones(shape, dt(opts), dev(opts))), opts);
}
/** Uninitialised memory (consumes no random numbers, like torch.empty). */
export function empty(shape: readonly number[], opts: TensorOptions = {}): Tensor {
  return finish(wrap(N().empty(shape, dt(opts), dev(opts))), opts);
}
export function full(shape: readonly number[], value: number, opts: TensorOptions = {}): Tensor {
  return finish(wrap(N().full(shape, value, dt(opts), dev(opts))), opts);
}
/** U[0, 1) */
export function rand(shape: readonly number[], opts: TensorOptions = {}): Tensor {
  return finish(wrap(N().rand(shape, dt(opts), dev(opts))), opts);
}
/** N(0, 1) */
export function randn(shape: readonly number[], opts: TensorOptions = {}): Tensor {
  return finish(wrap(N().randn(shape, dt(opts), dev(opts))), opts);
}
/** Integers in [low, high); int64 by default. */
export function randint(low: number, high: number, shape: readonly number[], opts: TensorOptions = {}): Tensor {
  return wrap(N().randint(low, high, shape, dt(opts, "int64"), dev(opts)));
}
/** [start, end) by step; float32 by default (pass dtype 'int64' for indices). */
export function arange(start: number, end: number, step = 1, opts: TensorOptions = {}): Tensor {
  return wrap(N().arange(start, end, step, dt(opts), dev(opts)));
}
/**
 * A random permutation of 0..n-1 (int64). With `seed`, drawn from a fresh generator seeded with it — the
 * way PyTorch's RandomSampler does (`seed` from randomInt64()); without, from the default generator.
 */
export function randperm(n: number, seed?: bigint): Tensor {
  return wrap(seed === undefined ? N().randperm(n) : N().randperm(n, seed));
}
/** `torch.empty((), dtype=torch.int64).random_().item()` — how PyTorch's DataLoader draws a shuffle seed. */
export function randomInt64(): bigint {
  return N().randomInt64();
}
export function zerosLike(t: Tensor, opts: TensorOptions = {}): Tensor {
  return zeros(t.shape, { dtype: t.dtype, device: t.device, ...opts });
}
export function onesLike(t: Tensor, opts: TensorOptions = {}): Tensor {
  return ones(t.shape, { dtype: t.dtype, device: t.device, ...opts });
}
export function emptyLike(t: Tensor, opts: TensorOptions = {}): Tensor {
  return empty(t.shape, { dtype: t.dtype, device: t.device, ...opts });
}
