/**
 * TinyNetwork (spec §2.3): stem, N normal cells per stage with two ResNet reduction blocks between the three stages,
 * BN + ReLU, global average pooling and a linear classifier. State-dict keys and initial weights (under the same
 * manual seed) equal PyTorch's `TinyNetwork(C, N, genotype, num_classes)`, and, built from a channel list, those of
 * the size search space's `DynamicShapeTinyNet(channels, genotype, num_classes)` (the same macro, one width per layer).
 */
import { parseSizeArch } from "@aa-nas/core/space/index.js";
import { ModuleList, Sequential, Linear, Layer, Module, AdaptiveAvgPool2d, type Tensor } from "../tensor/index.js";
import { InferCell, ResNetBasicblock } from "./cells.js";
import { buildSequential } from "./operations.js";
import { checkNetworkValues, shapeTinyNetwork, tinyNetwork, type TinyNetworkSpec } from "./structure.js";

export interface NetworkOutput {
  /** pooled features, `N × 4C` */
  features: Tensor;
  logits: Tensor;
}

export class TinyNetwork extends Module {
  readonly stem: Sequential;
  readonly cells: ModuleList<Layer>;
  readonly lastact: Sequential;
  readonly globalPooling: AdaptiveAvgPool2d;
  readonly classifier: Linear;

  constructor(readonly spec: TinyNetworkSpec) {
    super();
    checkNetworkValues(spec); // before the first libtorch allocation
    this.stem = this.registerModule("stem", buildSequential(spec.stem));
    this.cells = this.registerModule(
      "cells",
      new ModuleList<Layer>(spec.cells.map((c) => (c.kind === "resnet-block" ? new ResNetBasicblock(c) : new InferCell(c)))),
    );
    this.lastact = this.registerModule("lastact", buildSequential(spec.lastact));
    this.globalPooling = this.registerModule("global_pooling", new AdaptiveAvgPool2d(spec.globalPooling.output));
    this.classifier = this.registerModule("classifier", new Linear(spec.classifier.inFeatures, spec.classifier.outFeatures));
  }

  /** `TinyNetwork(C, N, arch, numClasses)` with `inputChannels` input planes (3 in the benchmark). */
  static create(C: number, N: number, arch: string, numClasses: number, inputChannels = 3): TinyNetwork {
    return new TinyNetwork(tinyNetwork(C, N, arch, numClasses, inputChannels));
  }

  /**
   * The size search space's network for `channels` (`"C1:C2:C3:C4:C5"` or the widths), the fixed sss cell, and
   * `inputChannels` input planes.
   */
  static createShape(channels: string | readonly number[], numClasses: number, inputChannels = 3): TinyNetwork {
    return new TinyNetwork(shapeTinyNetwork(typeof channels === "string" ? parseSizeArch(channels) : channels, numClasses, inputChannels));
  }

  forward(x: Tensor): NetworkOutput {
    let y = this.stem.forward(x);
    for (const cell of this.cells) y = cell.forward(y);
    const pooled = this.globalPooling.forward(this.lastact.forward(y));
    const features = pooled.view(pooled.size(0), -1);
    return { features, logits: this.classifier.forward(features) };
  }
}
