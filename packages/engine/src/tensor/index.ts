// Public API of the libtorch-backed engine. Import only from here (`packages/engine/src/tensor/index.js`). The pure-TS parts
// of the project (space, bench, web, …) must not import the engine; see README.md in this folder.
export { Tensor, type BackwardOptions, type Dims } from "./tensor.js";
export { tidy, dispose, liveTensorCount, scopeDepth } from "./scope.js";
export {
  tensor,
  scalar,
  zeros,
  ones,
  empty,
  full,
  rand,
  randn,
  randint,
  arange,
  randperm,
  randomInt64,
  zerosLike,
  onesLike,
  emptyLike,
  type TensorOptions,
} from "./creation.js";
export * as F from "./functional.js";
export { cat, stack, where, multinomial, oneHot, gumbelLike } from "./functional.js";
export { noGrad, enableGrad, isGradEnabled, grad, zeroGrad, clipGradNorm, type GradOptions } from "./autograd.js";
export { manualSeed, setNumThreads, getNumThreads, allocatorStats, emptyCache, retireThreadCache, libtorchVersion, batchNormKernel } from "./runtime.js";
export {
  createReplicaGroup,
  releaseReplicaGroup,
  abortReplicaGroup,
  abortAllReplicaGroups,
  joinReplicaGroup,
  leaveReplicaGroup,
  currentReplica,
  allReduce,
  broadcast,
  replicaWaitSeconds,
  type Replica,
} from "./replicas.js";
export { cudaAvailable, cudaDeviceCount, cudaSynchronize, checkDevice, type Device } from "./device.js";
export { DTYPES, type DType } from "./dtype.js";
export { engineAvailable, addonPath, EngineUnavailableError, type TypedData } from "./native.js";
export type { Reduction } from "./opcodes.js";

export { Module, Layer, StateDictMismatchError, type StateDict, type LoadStateDictOptions } from "./nn/module.js";
export { Conv2d, type Conv2dOptions } from "./nn/conv.js";
export { BatchNorm2d, type BatchNormOptions } from "./nn/batchnorm.js";
export { Linear } from "./nn/linear.js";
export { ReLU, Identity, Flatten, AvgPool2d, MaxPool2d, AdaptiveAvgPool2d, type AvgPool2dOptions } from "./nn/simple.js";
export { Sequential, ModuleList } from "./nn/containers.js";
export { LSTMCell, LSTM, type LstmState } from "./nn/rnn.js";
export { Embedding } from "./nn/embedding.js";

export { SGD, type SgdOptions } from "./optim/sgd.js";
export { Adam, type AdamOptions } from "./optim/adam.js";
export type { Optimizer, OptimizerState } from "./optim/optimizer.js";
export { CosineSchedule, ConstantSchedule, type LrSchedule, type CosineScheduleOptions } from "./optim/schedule.js";

export { saveSafetensors, loadSafetensors, encodeSafetensors, decodeSafetensors, SafetensorsError, TENSORS_SHA256_KEY, type SafetensorsContent } from "./checkpoint/safetensors.js";
export { saveCheckpoint, loadCheckpoint, type CheckpointParts } from "./checkpoint/checkpoint.js";
