/** NAS-Bench-201 (tss) and NATS-Bench size-space (sss) networks over the engine; `structure` and `costs` are pure and need no libtorch. */
export * from "./structure.js";
export { modelCosts, networkCosts, type ImageShape, type ModelCosts } from "./costs.js";
export { CELL_ARCHITECTURES, resolveCell } from "./cell-archs.js";
export { ReLUConvBN, Pooling, Zero, FactorizedReduce, buildLayer } from "./operations.js";
export { InferCell, ResNetBasicblock } from "./cells.js";
export { TinyNetwork, type NetworkOutput } from "./tiny-network.js";
export { resolveSpaceArch, spaceNetworkSpec } from "./space-network.js";
