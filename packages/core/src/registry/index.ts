/** The shared vocabulary below every layer: the dataset registry and the run record. Pure TS, no Node imports. */
export * from "./datasets.js";
export type * from "./record.js";
export { TABLE_SOURCE_PREFIX, trainedEpochs } from "./record.js";
