/**
 * Where each dataset lives in the data directory (the layout of the original `$TORCH_HOME/cifar.python`) and how it
 * is read. CIFAR may be in the python or the binary version; ImageNet16 files are md5-checked before loading as the
 * original does (spec §4.2).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { verifyChecksum } from "./checksum.js";
import { CIFAR100_BINARY, CIFAR10_BINARY, readCifarBinary, type CifarBinaryFormat } from "./cifar-binary.js";
import { DataFileError, MissingDataError } from "./errors.js";
import { concatImageSets, filterImageSet, type ImageSet } from "./image-set.js";
import { CIFAR100_PICKLE, CIFAR10_PICKLE, IMAGENET16_PICKLE, readPickledBatch, type PickledBatchFormat } from "./pickled-batch.js";

export interface TrainTest {
  train: ImageSet;
  test: ImageSet;
  /** which files were read, e.g. "cifar-10-batches-py" */
  source: string;
}

/**
 * `official`: md5 pins where they are published and the official image counts (the default);
 * `structure`: only format checks (small files made for tests, or hand-made subsets).
 */
export type DataChecks = "official" | "structure";

interface FileSpec {
  name: string;
  md5?: string;
  count: number;
}

interface CifarLayout {
  dir: string;
  train: FileSpec[];
  test: FileSpec[];
  read: (bytes: Uint8Array, file: string, count: number | undefined) => ImageSet;
}

const pickleReader = (format: PickledBatchFormat) => (bytes: Uint8Array, file: string, count: number | undefined) => {
  const set = readPickledBatch(bytes, format, file);
  if (count !== undefined && set.count !== count) throw new DataFileError(`${file} holds ${set.count} images, expected ${count}`);
  return set;
};
const binaryReader = (format: CifarBinaryFormat) => (bytes: Uint8Array, file: string, count: number | undefined) =>
  readCifarBinary(bytes, format, file, count);

/** md5 of the python-version files as torchvision pins them. */
const CIFAR10_LAYOUTS: CifarLayout[] = [
  {
    dir: "cifar-10-batches-py",
    train: [
      { name: "data_batch_1", md5: "c99cafc152244af753f735de768cd75f", count: 10000 },
      { name: "data_batch_2", md5: "d4bba439e000b95fd0a9bffe97cbabec", count: 10000 },
      { name: "data_batch_3", md5: "54ebc095f3ab1f0389bbae665268c751", count: 10000 },
      { name: "data_batch_4", md5: "634d18415352ddfa80567beed471001a", count: 10000 },
      { name: "data_batch_5", md5: "482c414d41f54cd18b22e5b47cb7c3cb", count: 10000 },
    ],
    test: [{ name: "test_batch", md5: "40351d587109b95175f43aff81a1287e", count: 10000 }],
    read: pickleReader(CIFAR10_PICKLE),
  },
  {
    dir: "cifar-10-batches-bin",
    train: [1, 2, 3, 4, 5].map((i) => ({ name: `data_batch_${i}.bin`, count: 10000 })),
    test: [{ name: "test_batch.bin", count: 10000 }],
    read: binaryReader(CIFAR10_BINARY),
  },
];

const CIFAR100_LAYOUTS: CifarLayout[] = [
  {
    dir: "cifar-100-python",
    train: [{ name: "train", md5: "16019d7e3df5f24257cddd939b257f8d", count: 50000 }],
    test: [{ name: "test", md5: "f0ef6b0ae62326f3e7ffdfab6717acfc", count: 10000 }],
    read: pickleReader(CIFAR100_PICKLE),
  },
  {
    dir: "cifar-100-binary",
    train: [{ name: "train.bin", count: 50000 }],
    test: [{ name: "test.bin", count: 10000 }],
    read: binaryReader(CIFAR100_BINARY),
  },
];

/** ImageNet16 files and their md5 (spec §4.2). */
export const IMAGENET16_DIR = "ImageNet16";
export const IMAGENET16_FILES: readonly { name: string; md5: string }[] = [
  { name: "train_data_batch_1", md5: "27846dcaa50de8e21a7d1a35f30f0e91" },
  { name: "train_data_batch_2", md5: "c7254a054e0e795c69120a5727050e3f" },
  { name: "train_data_batch_3", md5: "4333d3df2e5ffb114b05d2ffc19b1e87" },
  { name: "train_data_batch_4", md5: "1620cdf193304f4a92677b695d70d10f" },
  { name: "train_data_batch_5", md5: "348b3c2fdbb3940c4e9e834affd3b18d" },
  { name: "train_data_batch_6", md5: "6e765307c242a1b3d7d5ef9139b48945" },
  { name: "train_data_batch_7", md5: "564926d8cbf8fc4818ba23d2faac7564" },
  { name: "train_data_batch_8", md5: "f4755871f718ccb653440b9dd0ebac66" },
  { name: "train_data_batch_9", md5: "bb6dd660c38c58552125b1a92f86b5d4" },
  { name: "train_data_batch_10", md5: "8f03f34ac4b42271a294f91bf480f29b" },
  { name: "val_data", md5: "3410e3017fdaefba8d5073aaa65e4bd6" },
];

function readLayout(dataDir: string, layout: CifarLayout, checks: DataChecks, what: string): TrainTest {
  const read = (spec: FileSpec): ImageSet => {
    const path = join(dataDir, layout.dir, spec.name);
    if (!existsSync(path)) throw new MissingDataError(`${what}: ${path} is missing (the folder is incomplete); download the dataset again`);
    const bytes = readFileSync(path);
    if (checks === "official" && spec.md5 !== undefined) {
      verifyChecksum(bytes, spec.md5, "md5", path, `download ${what} again ('aa-nas data download')`);
    }
    return layout.read(bytes, path, checks === "official" ? spec.count : undefined);
  };
  return { train: concatImageSets(layout.train.map(read)), test: concatImageSets(layout.test.map(read)), source: layout.dir };
}

function loadCifar(dataDir: string, layouts: CifarLayout[], what: string, downloadName: string, checks: DataChecks): TrainTest {
  const layout = layouts.find((l) => existsSync(join(dataDir, l.dir)));
  if (layout === undefined) {
    throw new MissingDataError(
      `${what} not found in ${dataDir}: expected the folder ${layouts.map((l) => l.dir).join(" (python version) or ")} (binary version). ` +
        `Run 'aa-nas data download ${downloadName} --data-dir ${dataDir}', or download https://www.cs.toronto.edu/~kriz/${downloadName === "cifar10" ? "cifar-10" : "cifar-100"}-python.tar.gz and extract it into ${dataDir}`,
    );
  }
  return readLayout(dataDir, layout, checks, what);
}

export function loadCifar10(dataDir: string, checks: DataChecks = "official"): TrainTest {
  return loadCifar(dataDir, CIFAR10_LAYOUTS, "CIFAR-10", "cifar10", checks);
}

export function loadCifar100(dataDir: string, checks: DataChecks = "official"): TrainTest {
  return loadCifar(dataDir, CIFAR100_LAYOUTS, "CIFAR-100", "cifar100", checks);
}

/** Sizes asserted by the original for the 120-class subset. */
export const IMAGENET16_120_SIZES = { train: 151700, test: 6000 };

/**
 * ImageNet16 (all 1000 classes, labels 1..1000 as stored) — train batches 1..10 concatenated in order, and val_data.
 * With `classLimit` only labels 1..classLimit are kept, in order, relabelled `label − 1` (ImageNet16-120).
 */
export function loadImageNet16(dataDir: string, classLimit: number | null, checks: DataChecks = "official"): TrainTest {
  const dir = join(dataDir, IMAGENET16_DIR);
  const missing = IMAGENET16_FILES.filter((f) => !existsSync(join(dir, f.name)));
  if (missing.length > 0) {
    throw new MissingDataError(
      `ImageNet16 not found in ${dir} (missing ${missing.map((f) => f.name).join(", ")}). It is the 16×16 downsampled ImageNet ` +
        `(Chrabaszcz et al. 2017, pickled 'Imagenet16_train' and 'Imagenet16_val' from https://image-net.org/download-images, login needed); ` +
        `download both archives, then run 'aa-nas data download ImageNet16 --from <folder with the archives> --data-dir ${dataDir}'`,
    );
  }
  const read = (name: string, md5: string): ImageSet => {
    const path = join(dir, name);
    const bytes = readFileSync(path);
    if (checks === "official") verifyChecksum(bytes, md5, "md5", path, "download ImageNet16 again");
    const set = readPickledBatch(bytes, IMAGENET16_PICKLE, path);
    return classLimit === null ? set : filterImageSet(set, (l) => l >= 1 && l <= classLimit, (l) => l - 1);
  };
  const train = concatImageSets(IMAGENET16_FILES.slice(0, 10).map((f) => read(f.name, f.md5)));
  const val = IMAGENET16_FILES[10]!;
  const test = read(val.name, val.md5);
  if (checks === "official" && classLimit === 120 && (train.count !== IMAGENET16_120_SIZES.train || test.count !== IMAGENET16_120_SIZES.test)) {
    throw new DataFileError(`ImageNet16-120 has ${train.count} train / ${test.count} val images, expected 151700 / 6000`);
  }
  return { train, test, source: IMAGENET16_DIR };
}
