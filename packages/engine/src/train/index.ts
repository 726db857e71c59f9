/** The training procedure of one architecture (spec §3) and eval-net (the training driver over ranges and seeds is packages/engine/src/pipeline/train-range.ts). Needs the engine. */
export { trainRun, defaultReplicas, type TrainRunOptions, type TrainRunResult, type EpochEvent, type TrainProgress } from "./train-run.js";
export { evaluatePass, type EvalPassOptions, type EvalResult, type PassResult } from "./evaluate.js";
export { hpConfig, BENCHMARK_CONFIG, HP_NAMES, type TrainConfig } from "./hyper.js";
export { TRAIN_SOURCE } from "./train-record.js";
export { deviceLabel } from "./device-label.js";
export { evalNet, type EvalNetOptions, type EvalNetResult } from "./eval-net.js";
export { saveNetwork, loadNetwork, type NetworkEntry } from "./weights-file.js";
