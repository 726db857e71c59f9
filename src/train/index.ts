/** The training procedure of one architecture (spec §3) and the train-net / eval-net drivers. Needs the engine. */
export { trainRun, type TrainRunOptions, type TrainRunResult, type EpochEvent, type TrainProgress } from "./train-run.js";
export { evaluatePass, type EvalPassOptions, type EvalResult, type PassResult } from "./evaluate.js";
export { hpConfig, BENCHMARK_CONFIG, HP_NAMES, type TrainConfig, type HpName } from "./hyper.js";
export { toRunRecord, TRAIN_SOURCE, type TrainRecord } from "./train-record.js";
export { trainNet, type TrainNetOptions, type SeedFile } from "./train-net.js";
export { deviceLabel } from "./device-label.js";
export { evalNet, type EvalNetOptions, type EvalNetResult } from "./eval-net.js";
export { saveNetworks, loadNetwork, networkKeys, type NetworkEntry } from "./weights-file.js";
