// Deterministic freeing. Every tensor created inside `tidy(fn)` is freed when fn returns, except the
// tensors it returns (handed to the enclosing scope) and those marked with `keep()` (parameters, optimizer
// state). Outside any scope a tensor lives until `dispose()` or, as a safety net, until the JS garbage
// collector finalizes it — which alone lets memory balloon (see notes/engine.md), hence scopes per step.
import { N } from "./native.js";

const finalizer = new FinalizationRegistry<number>((handle) => N().dispose(handle));
const scopes: HandleOwner[][] = [];

/** Base of Tensor: owns one slot of the addon's tensor table. */
export class HandleOwner {
  #handle: number;
  #kept = false;
  #finalizable = false;

  protected constructor(handle: number) {
    this.#handle = handle;
    const scope = scopes[scopes.length - 1];
    if (scope) scope.push(this);
    else this.#makeFinalizable();
  }

  /** The addon handle; throws once disposed. */
  get handle(): number {
    if (this.#handle < 0) throw new Error("aa-nas engine: tensor used after dispose() (or after its tidy scope ended)");
    return this.#handle;
  }

  get isDisposed(): boolean {
    return this.#handle < 0;
  }

  get isKept(): boolean {
    return this.#kept;
  }

  /** Frees the tensor now. Idempotent. */
  dispose(): void {
    if (this.#handle < 0) return;
    if (this.#finalizable) finalizer.unregister(this);
    N().dispose(this.#handle);
    this.#handle = -1;
  }

  /** Exempts the tensor from every enclosing and future scope; free it with dispose() (or let GC do it). */
  keep(): this {
    if (!this.#kept) {
      this.#kept = true;
      this.#makeFinalizable();
    }
    return this;
  }

  #makeFinalizable(): void {
    if (this.#finalizable || this.#handle < 0) return;
    this.#finalizable = true;
    finalizer.register(this, this.#handle, this);
  }

  /** Ends a scope: frees its tensors except kept ones and `survivors` (moved to the parent scope). */
  static closeScope(scope: HandleOwner[], survivors: ReadonlySet<HandleOwner>): void {
    const parent = scopes[scopes.length - 1];
    const doomed: number[] = [];
    for (const t of scope) {
      if (t.#handle < 0 || t.#kept) continue;
      if (survivors.has(t)) {
        if (parent) parent.push(t);
        else t.#makeFinalizable();
        continue;
      }
      doomed.push(t.#handle);
      t.#handle = -1;
    }
    if (doomed.length > 0) N().disposeMany(doomed);
  }
}

function collectOwners(value: unknown, into: Set<HandleOwner>, depth: number): void {
  if (value instanceof HandleOwner) {
    into.add(value);
    return;
  }
  if (depth > 4 || value === null || typeof value !== "object") return;
  if (Array.isArray(value)) {
    for (const v of value) collectOwners(v, into, depth + 1);
  } else if (value instanceof Map) {
    for (const v of value.values()) collectOwners(v, into, depth + 1);
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collectOwners(v, into, depth + 1);
  }
}

/**
 * Runs fn in a scope: tensors it creates are freed when it returns, except those in its result (a tensor,
 * or tensors inside arrays / plain objects / Maps, up to 5 levels deep) and kept ones. fn must be synchronous.
 */
export function tidy<T>(fn: () => T): T {
  const scope: HandleOwner[] = [];
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (err) {
    scopes.pop();
    HandleOwner.closeScope(scope, new Set());
    throw err;
  }
  scopes.pop();
  if (result instanceof Promise) {
    HandleOwner.closeScope(scope, new Set());
    throw new Error("tidy(fn): fn must be synchronous (tensors created after an await would escape the scope)");
  }
  const survivors = new Set<HandleOwner>();
  collectOwners(result, survivors, 0);
  HandleOwner.closeScope(scope, survivors);
  return result;
}

/** Frees tensors now (arrays and nested arrays allowed). */
export function dispose(...items: (HandleOwner | readonly HandleOwner[] | null | undefined)[]): void {
  for (const item of items) {
    if (item === null || item === undefined) continue;
    if (item instanceof HandleOwner) item.dispose();
    else for (const t of item) t.dispose();
  }
}

/** Number of tensors alive in the addon (for leak checks). */
export function liveTensorCount(): number {
  return N().liveTensors();
}

/** Depth of the current scope nesting (0 outside tidy). */
export function scopeDepth(): number {
  return scopes.length;
}
