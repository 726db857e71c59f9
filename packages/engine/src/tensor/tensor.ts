// The Tensor handle with PyTorch-named methods. Every method returning a Tensor allocates a new handle in
// the current scope (see scope.ts); in-place methods end in `_` and return `this`.
import { checkDevice, type Device } from "./device.js";
import { DTYPES, dtypeCode, dtypeFromCode, type DType } from "./dtype.js";
import { N, NONE, type TypedData } from "./native.js";
import { BINARY, REDUCE, UNARY, type BinaryOp } from "./opcodes.js";
import { HandleOwner } from "./scope.js";

export type Dims = number | readonly number[];

function dimList(dims: Dims | undefined): readonly number[] | null {
  if (dims === undefined) return null;
  return typeof dims === "number" ? [dims] : dims;
}

export interface BackwardOptions {
  /** Gradient of the (non-scalar) output; default ones for a scalar. */
  gradient?: Tensor;
  retainGraph?: boolean;
  createGraph?: boolean;
}

export class Tensor extends HandleOwner {
  #shape: readonly number[] | undefined;

  private constructor(handle: number) {
    super(handle);
  }

  /** Wraps a handle freshly returned by the addon (internal). */
  static fromHandle(handle: number): Tensor {
    return new Tensor(handle);
  }

  /** Wraps an optional handle (-1 → null). */
  static fromOptionalHandle(handle: number): Tensor | null {
    return handle === NONE ? null : new Tensor(handle);
  }

  // ---------- metadata ----------
  get shape(): readonly number[] {
    this.#shape ??= Object.freeze(N().shape(this.handle));
    return this.#shape;
  }
  get rank(): number {
    return this.shape.length;
  }
  get numel(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }
  /** Size of one dimension (negative counts from the end). */
  size(dim: number): number {
    const s = this.shape[dim < 0 ? this.rank + dim : dim];
    if (s === undefined) throw new RangeError(`dimension ${dim} out of range for a tensor of rank ${this.rank}`);
    return s;
  }
  get dtype(): DType {
    return dtypeFromCode(N().dtype(this.handle));
  }
  get device(): Device {
    return N().device(this.handle) as Device;
  }
  override toString(): string {
    return `Tensor(shape=[${this.shape.join(", ")}], dtype=${this.dtype}, device=${this.device})`;
  }

  // ---------- values ----------
  /** The single value of a one-element tensor. */
  item(): number {
    return N().item(this.handle);
  }
  /** A copy of the values in row-major order, typed by dtype (int64 → BigInt64Array, bool → Uint8Array). */
  toArray(): TypedData {
    return N().toTyped(this.handle);
  }
  toFloat32Array(): Float32Array {
    const a = this.toArray();
    return a instanceof Float32Array ? a : Float32Array.from(a as ArrayLike<number>, Number);
  }
  /** Values as plain numbers (int64 converted with Number()). */
  toNumbers(): number[] {
    const a = this.toArray();
    return a instanceof BigInt64Array ? Array.from(a, Number) : Array.from(a);
  }

  // ---------- conversion ----------
  /** Converts to a device ('cpu' | 'cuda' | 'cuda:1') or dtype ('float32', 'int64', …). */
  to(target: Device | DType): Tensor {
    if ((DTYPES as readonly string[]).includes(target)) return wrap(N().to(this.handle, dtypeCode(target as DType), ""));
    return wrap(N().to(this.handle, -1, checkDevice(target)));
  }
  float(): Tensor {
    return this.to("float32");
  }
  long(): Tensor {
    return this.to("int64");
  }
  detach(): Tensor {
    return wrap(N().detach(this.handle));
  }
  clone(): Tensor {
    return wrap(N().clone(this.handle));
  }
  /** Row-major copy (or this data if already so); `"channelsLast"`: NHWC order for a 4-d tensor, torch.channels_last. */
  contiguous(format: "rowMajor" | "channelsLast" = "rowMajor"): Tensor {
    return wrap(N().contiguous(this.handle, format === "channelsLast"));
  }

  // ---------- elementwise ----------
  #binary(op: BinaryOp, other: Tensor | number): Tensor {
    const code = BINARY[op];
    return wrap(typeof other === "number" ? N().binaryScalar(code, this.handle, other) : N().binary(code, this.handle, other.handle));
  }
  #unary(code: number): Tensor {
    return wrap(N().unary(code, this.handle));
  }
  add(other: Tensor | number): Tensor {
    return this.#binary("add", other);
  }
  /** this + alpha * other (torch.add with alpha). */
  addScaled(other: Tensor, alpha: number): Tensor {
    return wrap(N().addScaled(this.handle, other.handle, alpha));
  }
  sub(other: Tensor | number): Tensor {
    return this.#binary("sub", other);
  }
  /** other - this (Python's `2 - x`). */
  rsub(other: Tensor | number): Tensor {
    return this.#binary("rsub", other);
  }
  mul(other: Tensor | number): Tensor {
    return this.#binary("mul", other);
  }
  div(other: Tensor | number): Tensor {
    return this.#binary("div", other);
  }
  /** other / this (Python's `2 / x`). */
  rdiv(other: Tensor | number): Tensor {
    return this.#binary("rdiv", other);
  }
  pow(exponent: Tensor | number): Tensor {
    return this.#binary("pow", exponent);
  }
  maximum(other: Tensor | number): Tensor {
    return this.#binary("maximum", other);
  }
  minimum(other: Tensor | number): Tensor {
    return this.#binary("minimum", other);
  }
  eq(other: Tensor | number): Tensor {
    return this.#binary("eq", other);
  }
  ne(other: Tensor | number): Tensor {
    return this.#binary("ne", other);
  }
  lt(other: Tensor | number): Tensor {
    return this.#binary("lt", other);
  }
  le(other: Tensor | number): Tensor {
    return this.#binary("le", other);
  }
  gt(other: Tensor | number): Tensor {
    return this.#binary("gt", other);
  }
  ge(other: Tensor | number): Tensor {
    return this.#binary("ge", other);
  }
  neg(): Tensor {
    return this.#unary(UNARY.neg);
  }
  exp(): Tensor {
    return this.#unary(UNARY.exp);
  }
  log(): Tensor {
    return this.#unary(UNARY.log);
  }
  sqrt(): Tensor {
    return this.#unary(UNARY.sqrt);
  }
  rsqrt(): Tensor {
    return this.#unary(UNARY.rsqrt);
  }
  abs(): Tensor {
    return this.#unary(UNARY.abs);
  }
  reciprocal(): Tensor {
    return this.#unary(UNARY.reciprocal);
  }
  square(): Tensor {
    return this.#unary(UNARY.square);
  }
  sign(): Tensor {
    return this.#unary(UNARY.sign);
  }
  floor(): Tensor {
    return this.#unary(UNARY.floor);
  }
  logicalNot(): Tensor {
    return this.#unary(UNARY.logicalNot);
  }
  relu(): Tensor {
    return this.#unary(UNARY.relu);
  }
  sigmoid(): Tensor {
    return this.#unary(UNARY.sigmoid);
  }
  tanh(): Tensor {
    return this.#unary(UNARY.tanh);
  }
  clamp(bounds: { min?: number; max?: number }): Tensor {
    return wrap(N().clamp(this.handle, bounds.min ?? NaN, bounds.max ?? NaN));
  }

  // ---------- reductions ----------
  sum(dims?: Dims, keepdim = false): Tensor {
    return wrap(N().reduce(REDUCE.sum, this.handle, dimList(dims), keepdim));
  }
  mean(dims?: Dims, keepdim = false): Tensor {
    return wrap(N().reduce(REDUCE.mean, this.handle, dimList(dims), keepdim));
  }
  amax(dims?: Dims, keepdim = false): Tensor {
    return wrap(N().reduce(REDUCE.amax, this.handle, dimList(dims), keepdim));
  }
  amin(dims?: Dims, keepdim = false): Tensor {
    return wrap(N().reduce(REDUCE.amin, this.handle, dimList(dims), keepdim));
  }
  prod(dim?: number, keepdim = false): Tensor {
    return wrap(N().reduce(REDUCE.prod, this.handle, dimList(dim), keepdim));
  }
  /** p-norm (torch.norm(x, p) over all dims by default). */
  norm(p = 2, dims?: Dims, keepdim = false): Tensor {
    return wrap(N().norm(this.handle, p, dimList(dims), keepdim));
  }
  argmax(dim?: number, keepdim = false): Tensor {
    return wrap(N().argmax(this.handle, dim ?? null, keepdim));
  }
  /** [values, indices] of the k largest (or smallest) along dim. */
  topk(k: number, dim = -1, largest = true, sorted = true): [Tensor, Tensor] {
    const [v, i] = N().topk(this.handle, k, dim, largest, sorted);
    return [wrap(v), wrap(i)];
  }
  sort(dim = -1, descending = false): [Tensor, Tensor] {
    const [v, i] = N().sort(this.handle, dim, descending);
    return [wrap(v), wrap(i)];
  }
  softmax(dim: number): Tensor {
    return wrap(N().softmax(this.handle, dim));
  }
  logSoftmax(dim: number): Tensor {
    return wrap(N().logSoftmax(this.handle, dim));
  }
  matmul(other: Tensor): Tensor {
    return wrap(N().matmul(this.handle, other.handle));
  }

  // ---------- shape ----------
  view(...shape: number[]): Tensor {
    return wrap(N().view(this.handle, shape));
  }
  reshape(...shape: number[]): Tensor {
    return wrap(N().reshape(this.handle, shape));
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return wrap(N().flatten(this.handle, startDim, endDim));
  }
  permute(...dims: number[]): Tensor {
    return wrap(N().permute(this.handle, dims));
  }
  transpose(dim0: number, dim1: number): Tensor {
    return wrap(N().transpose(this.handle, dim0, dim1));
  }
  expand(...shape: number[]): Tensor {
    return wrap(N().expand(this.handle, shape));
  }
  unsqueeze(dim: number): Tensor {
    return wrap(N().unsqueeze(this.handle, dim));
  }
  squeeze(dim?: number): Tensor {
    return wrap(N().squeeze(this.handle, dim ?? null));
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return wrap(N().narrow(this.handle, dim, start, length));
  }
  /** x[..., start:end:step, ...] along dim (end defaults to the size; negative indices count from the end). */
  slice(dim: number, start = 0, end: number = Number.MAX_SAFE_INTEGER, step = 1): Tensor {
    return wrap(N().slice(this.handle, dim, start, end, step));
  }
  /** x[..., index, ...] along dim, dropping that dimension. */
  select(dim: number, index: number): Tensor {
    return wrap(N().select(this.handle, dim, index));
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return wrap(N().indexSelect(this.handle, dim, index.handle));
  }
  gather(dim: number, index: Tensor): Tensor {
    return wrap(N().gather(this.handle, dim, index.handle));
  }
  /** Out-of-place scatter of a scalar: copy of this with value written at index along dim. */
  scatter(dim: number, index: Tensor, value: number): Tensor {
    return wrap(N().scatterValue(this.handle, dim, index.handle, value));
  }
  chunk(chunks: number, dim = 0): Tensor[] {
    return N().chunk(this.handle, chunks, dim).map(wrap);
  }

  // ---------- autograd ----------
  get requiresGrad(): boolean {
    return N().requiresGrad(this.handle);
  }
  requiresGrad_(on = true): this {
    N().setRequiresGrad(this.handle, on);
    return this;
  }
  get isLeaf(): boolean {
    return N().isLeaf(this.handle);
  }
  /** The accumulated gradient (a new handle sharing its storage), or null. */
  get grad(): Tensor | null {
    return Tensor.fromOptionalHandle(N().grad(this.handle));
  }
  set grad(g: Tensor | null) {
    N().setGrad(this.handle, g === null ? NONE : g.handle);
  }
  backward(options: BackwardOptions = {}): void {
    N().backward(this.handle, options.gradient?.handle ?? NONE, options.retainGraph ?? false, options.createGraph ?? false);
  }

  // ---------- in place ----------
  /** this += alpha * other */
  add_(other: Tensor | number, alpha = 1): this {
    if (typeof other === "number") N().addScalar_(this.handle, other * alpha);
    else N().add_(this.handle, other.handle, alpha);
    return this;
  }
  mul_(other: Tensor | number): this {
    if (typeof other === "number") N().mulScalar_(this.handle, other);
    else N().mul_(this.handle, other.handle);
    return this;
  }
  /** In-place fills below never record autograd history (like torch.nn.init). */
  fill_(value: number): this {
    N().fill_(this.handle, value);
    return this;
  }
  zero_(): this {
    N().zero_(this.handle);
    return this;
  }
  uniform_(low = 0, high = 1): this {
    N().uniform_(this.handle, low, high);
    return this;
  }
  normal_(mean = 0, std = 1): this {
    N().normal_(this.handle, mean, std);
    return this;
  }
  exponential_(lambd = 1): this {
    N().exponential_(this.handle, lambd);
    return this;
  }
  /** Copies values from src (broadcast, dtype/device converted); not recorded by autograd. */
  copy_(src: Tensor): this {
    N().copy_(this.handle, src.handle);
    return this;
  }
  /** Moves the storage to another device keeping this handle (what Module.to does to parameters). */
  moveTo_(device: Device): this {
    N().moveTo_(this.handle, checkDevice(device));
    return this;
  }
}

/** Wraps a new handle as a Tensor in the current scope. */
export function wrap(handle: number): Tensor {
  return Tensor.fromHandle(handle);
}
