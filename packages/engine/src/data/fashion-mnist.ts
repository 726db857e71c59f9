/**
 * Fashion-MNIST from IDX files: the embedded default dataset (Debian's `dataset-fashion-mnist` installs it in
 * /usr/share/datasets/fashion-mnist), so training can be tried without any download.
 *
 * How it meets the network: images are 28×28 grey; they are zero-padded by 2 pixels on each side to 32×32 when read, so
 * the CIFAR macro (32→16→8) and its FLOP counts apply unchanged with `inputChannels = 1`. Training then uses the CIFAR
 * recipe (horizontal flip, random crop 32 with zero padding 4) and the Fashion-MNIST mean/std.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DataFileError, MissingDataError } from "./errors.js";
import { readIdx } from "./idx.js";
import type { ImageSet } from "./image-set.js";

export const FASHION_MNIST_SYSTEM_DIR = "/usr/share/datasets/fashion-mnist";
export const FASHION_MNIST_SIDE = 28;
/** side after padding; equals CIFAR's so the network is the CIFAR one */
export const FASHION_MNIST_PADDED_SIDE = 32;

const FILES = {
  train: ["train-images-idx3-ubyte", "train-labels-idx1-ubyte"],
  test: ["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"],
} as const;

function findFile(dirs: readonly string[], base: string): string | null {
  for (const dir of dirs) for (const name of [`${base}.gz`, base]) if (existsSync(join(dir, name))) return join(dir, name);
  return null;
}

/** Pads each 28×28 image into the centre of a 32×32 zero image. */
export function padImages(images: Uint8Array, count: number, side: number, padded: number): Uint8Array {
  const offset = (padded - side) / 2;
  const out = new Uint8Array(count * padded * padded);
  for (let i = 0; i < count; i++) {
    for (let y = 0; y < side; y++) {
      const src = i * side * side + y * side;
      out.set(images.subarray(src, src + side), i * padded * padded + (y + offset) * padded + offset);
    }
  }
  return out;
}

export function fashionMnistFromIdx(imagesRaw: Uint8Array, labelsRaw: Uint8Array, imagesFile: string, labelsFile: string): ImageSet {
  const images = readIdx(imagesRaw, imagesFile);
  const labels = readIdx(labelsRaw, labelsFile);
  const [count, h, w] = images.dims;
  if (images.dims.length !== 3 || h !== FASHION_MNIST_SIDE || w !== FASHION_MNIST_SIDE || count === undefined) {
    throw new DataFileError(`${imagesFile} has shape [${images.dims.join(", ")}], expected [N, 28, 28]`);
  }
  if (labels.dims.length !== 1 || labels.dims[0] !== count) {
    throw new DataFileError(`${labelsFile} has shape [${labels.dims.join(", ")}], expected [${count}] to match ${imagesFile}`);
  }
  const bad = labels.data.findIndex((l) => l > 9);
  if (bad >= 0) throw new DataFileError(`${labelsFile}: label ${labels.data[bad]} at ${bad} is outside 0..9`);
  return {
    pixels: padImages(images.data, count, FASHION_MNIST_SIDE, FASHION_MNIST_PADDED_SIDE),
    labels: Int32Array.from(labels.data),
    count,
    channels: 1,
    height: FASHION_MNIST_PADDED_SIDE,
    width: FASHION_MNIST_PADDED_SIDE,
  };
}

/** Reads train and test from `<dataDir>/fashion-mnist` if present, else from the Debian package's folder. */
export function loadFashionMnist(dataDir: string | null, systemDir = FASHION_MNIST_SYSTEM_DIR): { train: ImageSet; test: ImageSet } {
  const dirs = [...(dataDir === null ? [] : [join(dataDir, "fashion-mnist")]), systemDir];
  const read = (part: keyof typeof FILES): ImageSet => {
    const [imagesBase, labelsBase] = FILES[part];
    // images and labels come from one folder: the first that holds either file. Taking each from wherever it is found
    // would pair a folder's images with another dataset's labels when one file is missing.
    const dir = dirs.find((d) => findFile([d], imagesBase) !== null || findFile([d], labelsBase) !== null);
    const imagesFile = dir === undefined ? null : findFile([dir], imagesBase);
    const labelsFile = dir === undefined ? null : findFile([dir], labelsBase);
    if (dir !== undefined && (imagesFile === null || labelsFile === null)) {
      throw new DataFileError(
        `${dir} holds ${imagesFile === null ? `${labelsBase} but not ${imagesBase}` : `${imagesBase} but not ${labelsBase}`} (.gz or plain): ` +
          `Fashion-MNIST ${part} needs both files in one folder`,
      );
    }
    if (imagesFile === null || labelsFile === null) {
      throw new MissingDataError(
        `Fashion-MNIST ${part} files (${imagesBase}.gz, ${labelsBase}.gz) not found in ${dirs.join(" or ")}; ` +
          `install Debian's dataset-fashion-mnist package or run 'aa-nas data download fashion-mnist${dataDir === null ? "" : ` --data-dir ${dataDir}`}'`,
      );
    }
    return fashionMnistFromIdx(readFileSync(imagesFile), readFileSync(labelsFile), imagesFile, labelsFile);
  };
  return { train: read("train"), test: read("test") };
}
