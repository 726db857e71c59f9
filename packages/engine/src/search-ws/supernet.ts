/**
 * The search supernet (spec §2.4): TinyNetwork's macro — stem, N search cells per stage, ResNet reduction blocks
 * (default BN flags), BN+ReLU, global pooling, linear classifier — with architecture parameters `1e-3·randn(6, 5)`
 * registered last as `arch_parameters`, so state-dict names and the order of initialisation draws are the original's
 * (`TinyNetworkDarts` / `GDAS` / `SETN`; the ENAS and RANDOM supernets have no α: `archParameters: false`).
 */
import { randn } from "../tensor/creation.js";
import { ModuleList, Sequential } from "../tensor/nn/containers.js";
import { Linear } from "../tensor/nn/linear.js";
import { Module } from "../tensor/nn/module.js";
import { AdaptiveAvgPool2d } from "../tensor/nn/simple.js";
import { noGrad } from "../tensor/autograd.js";
import { tidy } from "../tensor/scope.js";
import type { Tensor } from "../tensor/tensor.js";
import { ResNetBasicblock } from "../models/cells.js";
import { buildSequential } from "../models/operations.js";
import { tinyNetwork } from "../models/structure.js";
import { NUM_EDGES, OPS, indexOf, opsToArch } from "@aa-nas/core/space/index.js";
import { SearchCell, type CellMode } from "./search-cell.js";

export interface SupernetOptions {
  /** channels of the first stage (16 in the paper) */
  C: number;
  /** search cells per stage (5 in the paper) */
  N: number;
  numClasses: number;
  /** input planes (3 for CIFAR / ImageNet16, 1 for Fashion-MNIST) */
  inputChannels?: number;
  /** `--bn`: track_running_stats of the search cells' BatchNorms (their affine is always False) */
  trackRunningStats: boolean;
  /** create `arch_parameters` (DARTS, GDAS, SETN); ENAS and RSPS supernets have none */
  archParameters?: boolean;
}

/**
 * How the whole network runs its search cells (same mode in every cell). `weighted` takes the per-edge op weights
 * (softmax(α) for DARTS and SETN's joint mode); `hard` is a GDAS sample (see gumbel.ts); `fixed` one architecture.
 */
export type NetworkMode =
  | { kind: "weighted"; weights: Tensor }
  | { kind: "hard"; weights: Tensor; selected: readonly number[] }
  | { kind: "fixed"; ops: readonly number[] };

export interface SupernetOutput {
  features: Tensor;
  logits: Tensor;
}

export class Supernet extends Module {
  readonly stem: Sequential;
  readonly cells: ModuleList<Module>;
  readonly lastact: Sequential;
  readonly globalPooling: AdaptiveAvgPool2d;
  readonly classifier: Linear;
  readonly alpha: Tensor | null;
  readonly options: Required<SupernetOptions>;

  constructor(o: SupernetOptions) {
    super();
    this.options = { inputChannels: 3, archParameters: true, ...o };
    const { C, N, numClasses, inputChannels, trackRunningStats } = this.options;
    // the macro (stem, channels, reductions, head) is TinyNetwork's; any genotype gives the same skeleton
    const skeleton = tinyNetwork(C, N, opsToArch(new Array<number>(NUM_EDGES).fill(0)), numClasses, inputChannels);
    this.stem = this.registerModule("stem", buildSequential(skeleton.stem));
    const cells = new ModuleList<Module>();
    for (const c of skeleton.cells) {
      cells.append(c.kind === "resnet-block" ? new ResNetBasicblock(c) : new SearchCell(c.inC, c.outC, 1, { affine: false, trackRunningStats }));
    }
    this.cells = this.registerModule("cells", cells);
    this.lastact = this.registerModule("lastact", buildSequential(skeleton.lastact));
    this.globalPooling = this.registerModule("global_pooling", new AdaptiveAvgPool2d(1));
    this.classifier = this.registerModule("classifier", new Linear(skeleton.classifier.inFeatures, numClasses));
    if (this.options.archParameters) {
      const a = noGrad(() => {
        const r = randn([NUM_EDGES, OPS.length]);
        const scaled = r.mul(1e-3);
        r.dispose();
        return scaled;
      });
      this.alpha = this.registerParameter("arch_parameters", a);
    } else {
      this.alpha = null;
    }
  }

  /** α (throws for the α-free ENAS / RSPS supernets). */
  get arch(): Tensor {
    if (this.alpha === null) throw new Error("this supernet was built without architecture parameters");
    return this.alpha;
  }

  /** The network weights: every parameter except α (the original's `get_weights()`, same order). */
  weights(): Tensor[] {
    return this.parameters().filter((p) => p !== this.alpha);
  }

  forward(x: Tensor, mode: NetworkMode): SupernetOutput {
    const cellMode = toCellMode(mode);
    let y = this.stem.forward(x);
    for (const cell of this.cells) {
      // each cell in its own scope: its intermediate handles go as soon as the cell is done, so autograd alone decides
      // what stays alive for backward (and frees it during backward), as in PyTorch
      const input = y;
      y = tidy(() => (cell instanceof SearchCell ? cell.forward(input, cellMode) : (cell as ResNetBasicblock).forward(input)));
    }
    const pooled = this.globalPooling.forward(this.lastact.forward(y));
    const features = pooled.view(pooled.size(0), -1);
    return { features, logits: this.classifier.forward(features) };
  }

  /** Per-edge argmax of α (the DARTS / GDAS / SETN `genotype()`), as op indices in canonical edge order. */
  argmaxOps(): number[] {
    return argmaxRows(this.arch.toFloat32Array(), OPS.length);
  }

  genotype(): Genotype {
    return genotypeOf(this.argmaxOps());
  }
}

export interface Genotype {
  arch: string;
  /** benchmark index (spec §1.3) */
  index: number;
  ops: number[];
}

export function genotypeOf(ops: readonly number[]): Genotype {
  const arch = opsToArch(ops);
  return { arch, index: indexOf(arch), ops: [...ops] };
}

/** First maximum of each row (torch.argmax's tie rule on CPU). */
export function argmaxRows(values: ArrayLike<number>, width: number): number[] {
  const out: number[] = [];
  for (let r = 0; r * width < values.length; r++) {
    let best = 0;
    for (let k = 1; k < width; k++) if (values[r * width + k]! > values[r * width + best]!) best = k;
    out.push(best);
  }
  return out;
}

/** Splits a [6, 5] weight tensor into 0-d tensors once per forward (every cell reuses them). */
function toCellMode(mode: NetworkMode): CellMode {
  switch (mode.kind) {
    case "fixed":
      return mode;
    case "weighted":
      return { kind: "weighted", weights: splitWeights(mode.weights) };
    case "hard":
      return { kind: "hard", weights: splitWeights(mode.weights), selected: mode.selected };
  }
}

function splitWeights(w: Tensor): Tensor[][] {
  if (w.rank !== 2 || w.size(0) !== NUM_EDGES || w.size(1) !== OPS.length) {
    throw new Error(`op weights must be [${NUM_EDGES}, ${OPS.length}], got [${w.shape.join(", ")}]`);
  }
  return Array.from({ length: NUM_EDGES }, (_, e) => {
    const row = w.select(0, e);
    return Array.from({ length: OPS.length }, (_, k) => row.select(0, k));
  });
}
