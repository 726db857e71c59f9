// Module tree with PyTorch's naming: parameters, buffers and children registered in construction order give
// state-dict keys like `cells.3.layers.1.op.2.running_mean`, in the order torch's state_dict() lists them.
import { UserError } from "@aa-nas/core/errors.js";
import { noGrad } from "../autograd.js";
import { N } from "../native.js";
import type { Device } from "../device.js";
import type { Tensor } from "../tensor.js";

export type StateDict = Map<string, Tensor>;

export interface LoadStateDictOptions {
  /** Require exactly the module's keys (default true). With false, missing/unexpected keys are ignored. */
  strict?: boolean;
}

export abstract class Module {
  training = true;
  readonly #parameters = new Map<string, Tensor>();
  readonly #buffers = new Map<string, Tensor | null>();
  readonly #children = new Map<string, Module>();

  /** Registers a parameter: kept out of every tidy scope and marked requires_grad. */
  protected registerParameter(name: string, t: Tensor): Tensor {
    this.#checkName(name);
    t.keep().requiresGrad_(true);
    this.#parameters.set(name, t);
    return t;
  }

  /** Registers a buffer (saved in the state dict, not trained); null reserves the name like PyTorch's None. */
  protected registerBuffer(name: string, t: Tensor | null): Tensor | null {
    this.#checkName(name);
    this.#buffers.set(name, t ? t.keep() : null);
    return t;
  }

  protected registerModule<M extends Module>(name: string, m: M): M {
    this.#checkName(name);
    this.#children.set(name, m);
    return m;
  }

  #checkName(name: string): void {
    if (name === "" || name.includes(".")) throw new Error(`invalid module member name '${name}'`);
    if (this.#parameters.has(name) || this.#buffers.has(name) || this.#children.has(name)) {
      throw new Error(`'${name}' is already registered on ${this.constructor.name}`);
    }
  }

  namedChildren(): [string, Module][] {
    return [...this.#children];
  }
  children(): Module[] {
    return [...this.#children.values()];
  }
  /** This module and all descendants, pre-order, with dotted names ('' for this one). */
  namedModules(prefix = ""): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.#children) out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name));
    return out;
  }
  /** Own parameters, then children's, depth first; a tensor shared by two modules is listed once. */
  namedParameters(): [string, Tensor][] {
    const seen = new Set<Tensor>();
    const out: [string, Tensor][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, p] of m.#parameters) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([prefix ? `${prefix}.${name}` : name, p]);
      }
    }
    return out;
  }
  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }
  namedBuffers(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, b] of m.#buffers) if (b) out.push([prefix ? `${prefix}.${name}` : name, b]);
    }
    return out;
  }
  buffers(): Tensor[] {
    return this.namedBuffers().map(([, b]) => b);
  }
  /** Number of scalar parameters (what NAS-Bench-201 reports as "params", before /1e6). */
  numParameters(): number {
    return this.parameters().reduce((acc, p) => acc + p.numel, 0);
  }

  /** Parameters and buffers by name, in torch's state_dict() order. The tensors are the live ones (not copies). */
  stateDict(prefix = ""): StateDict {
    const out: StateDict = new Map();
    for (const [name, p] of this.#parameters) out.set(prefix + name, p);
    for (const [name, b] of this.#buffers) if (b) out.set(prefix + name, b);
    for (const [name, child] of this.#children) for (const [k, v] of child.stateDict(`${prefix}${name}.`)) out.set(k, v);
    return out;
  }

  /**
   * Copies values from `state` into this module's tensors (shapes must match; dtype/device are converted).
   * Throws a UserError naming every missing, unexpected and mis-shaped key; nothing is copied then.
   */
  loadStateDict(state: ReadonlyMap<string, Tensor>, options: LoadStateDictOptions = {}): void {
    const strict = options.strict ?? true;
    const own = this.stateDict();
    const missing = [...own.keys()].filter((k) => !state.has(k));
    const unexpected = [...state.keys()].filter((k) => !own.has(k));
    const misShaped: string[] = [];
    for (const [k, t] of own) {
      const src = state.get(k);
      if (src && !sameShape(src.shape, t.shape)) misShaped.push(`${k} (expected [${t.shape.join(", ")}], got [${src.shape.join(", ")}])`);
    }
    const problems: string[] = [];
    if (strict && missing.length > 0) problems.push(`missing: ${missing.join(", ")}`);
    if (strict && unexpected.length > 0) problems.push(`unexpected: ${unexpected.join(", ")}`);
    if (misShaped.length > 0) problems.push(`shape mismatch: ${misShaped.join(", ")}`);
    if (problems.length > 0) throw new StateDictMismatchError(`state dict does not fit ${this.constructor.name}: ${problems.join("; ")}`);
    noGrad(() => {
      for (const [k, t] of own) {
        const src = state.get(k);
        if (src) t.copy_(src);
      }
    });
  }

  /** Sets training mode here and in all descendants (BatchNorm uses batch statistics when training). */
  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }
  eval(): this {
    return this.train(false);
  }

  /** Moves every parameter and buffer in place (handles, optimizer references and grads stay valid). */
  to(device: Device): this {
    for (const t of [...this.parameters(), ...this.buffers()]) t.moveTo_(device);
    return this;
  }

  /** Zeroes (or drops, setToNone) the gradients of all parameters. */
  zeroGrad(setToNone = false): void {
    N().zeroGrad(
      this.parameters().map((p) => p.handle),
      setToNone,
    );
  }

  /** Frees every parameter and buffer (the module is unusable afterwards). */
  dispose(): void {
    for (const t of [...this.parameters(), ...this.buffers()]) t.dispose();
  }
}

/** A module with a single-tensor forward, composable in Sequential. */
export abstract class Layer extends Module {
  abstract forward(x: Tensor): Tensor;
}

export class StateDictMismatchError extends UserError {}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
