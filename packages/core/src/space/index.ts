/** The NAS-Bench-201 search space. Pure TypeScript: safe to import in a browser or without libtorch. */
export { OPS, EDGES, MAX_NODES, NUM_EDGES, NUM_ARCHS, isOpName, opIndex, type OpName } from "./ops.js";
export { parseArch, formatArch, opsOf, opsToArch, toLists, toMatrix, oneHot, isValid, ArchStringError, type ArchLists } from "./arch.js";
export { uniqueStr } from "./unique.js";
export { PyRandom, type RandomSource } from "./pyrandom.js";
export {
  allArchs,
  archAt,
  indexOf,
  indexOfOrThrow,
  resolveArch,
  enumerateArchs,
  ArchIndexError,
  INDEX_SHUFFLE_SEED,
} from "./index-order.js";
export { archCosts, isCostDataset, COST_DATASETS, type CostDataset, type ArchCosts } from "./costs.js";
export { sampleArch, mutateArch } from "./sample.js";
export { cifarSplit, metaInfo, jobPlan, JOB_GAP, CIFAR_SPLIT_SEED, type Split, type MetaInfo, type JobRange } from "./meta.js";
export {
  SIZE_CANDIDATES,
  SIZE_MAX_WIDTH,
  SIZE_POSITIONS,
  SIZE_NUM_ARCHS,
  SIZE_GENOTYPE,
  SIZE_CELLS_PER_STAGE,
  SizeArchError,
  parseSizeArch,
  formatSizeArch,
  isSizeArch,
  isSizeIndex,
  sizeArchAt,
  sizeIndexOf,
  allSizeArchs,
  sizeArchCosts,
  sizeIndexOfChoices,
  mutateSizeIndex,
} from "./size.js";
export {
  SPACE_NAMES,
  SpaceNameError,
  searchSpace,
  isSpaceName,
  resolveIn,
  spaceOfArch,
  sampleIndex,
  type SpaceName,
  type SearchSpace,
  type NetConfig,
  type TopologyNetConfig,
  type SizeNetConfig,
  type StoredNetConfig,
} from "./search-space.js";
