/** Datasets, splits and augmentation (pure TypeScript; no libtorch). */
export type { ImageSet } from "./image-set.js";
export { concatImageSets, filterImageSet, imageBytes } from "./image-set.js";
export { DataFileError, MissingDataError } from "./errors.js";
export { readCifarBinary, writeCifarBinary, CIFAR10_BINARY, CIFAR100_BINARY } from "./cifar-binary.js";
export { readPickledBatch, CIFAR10_PICKLE, CIFAR100_PICKLE, IMAGENET16_PICKLE } from "./pickled-batch.js";
export { readIdx, writeIdx } from "./idx.js";
export { loadFashionMnist, fashionMnistFromIdx, FASHION_MNIST_SYSTEM_DIR } from "./fashion-mnist.js";
export { loadCifar10, loadCifar100, loadImageNet16, IMAGENET16_FILES, type DataChecks, type TrainTest } from "./sources.js";
export { SPLIT_FILES, loadSplit, cifar10Split, parseSplitFile, formatSplitFile, splitUrl, type SplitName, type SplitIndices } from "./splits.js";
export { DOWNLOADS, DOWNLOAD_NAMES, downloadSpec, downloadDataset, type DownloadSpec, type DownloadOptions } from "./download.js";
export * from "./normalization.js";
export { planEpoch, epochRandom, batchBounds, type EpochPlan } from "./epoch-plan.js";
export { BatchAssembler, type Batch } from "./batch.js";
export * from "./training-data.js";
