import type { Tensor } from "../tensor.js";
import { Layer, Module } from "./module.js";

/** nn.Sequential: children named "0", "1", … applied in order. */
export class Sequential extends Layer {
  readonly #layers: Layer[] = [];

  constructor(...layers: Layer[]) {
    super();
    for (const l of layers) this.append(l);
  }

  append(layer: Layer): this {
    this.registerModule(String(this.#layers.length), layer);
    this.#layers.push(layer);
    return this;
  }

  get length(): number {
    return this.#layers.length;
  }

  get(index: number): Layer {
    const l = this.#layers[index];
    if (!l) throw new RangeError(`Sequential has ${this.#layers.length} layers; index ${index} is out of range`);
    return l;
  }

  forward(x: Tensor): Tensor {
    let y = x;
    for (const l of this.#layers) y = l.forward(y);
    return y;
  }

  [Symbol.iterator](): Iterator<Layer> {
    return this.#layers[Symbol.iterator]();
  }
}

/** nn.ModuleList: an indexable list of submodules named "0", "1", …. */
export class ModuleList<M extends Module = Module> extends Module {
  readonly #items: M[] = [];

  constructor(items: Iterable<M> = []) {
    super();
    for (const m of items) this.append(m);
  }

  append(m: M): this {
    this.registerModule(String(this.#items.length), m);
    this.#items.push(m);
    return this;
  }

  get length(): number {
    return this.#items.length;
  }

  get(index: number): M {
    const m = this.#items[index];
    if (!m) throw new RangeError(`ModuleList has ${this.#items.length} modules; index ${index} is out of range`);
    return m;
  }

  [Symbol.iterator](): Iterator<M> {
    return this.#items[Symbol.iterator]();
  }
}
