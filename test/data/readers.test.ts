import { copyFileSync, cpSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { CIFAR10_BINARY, readCifarBinary } from "../../packages/engine/src/data/cifar-binary.js";
import { DataFileError, MissingDataError } from "../../packages/engine/src/data/errors.js";
import { fashionMnistFromIdx, loadFashionMnist } from "../../packages/engine/src/data/fashion-mnist.js";
import { readIdx, writeIdx } from "../../packages/engine/src/data/idx.js";
import { loadCifar10, loadCifar100, loadImageNet16 } from "../../packages/engine/src/data/sources.js";
import { loadTrainingData } from "../../packages/engine/src/data/training-data.js";
import { referenceDir, referencePath } from "../support/reference.js";
import { requireSystem } from "../support/system.js";
import { runPython } from "./python.js";
import { tempDirs } from "./temp.js";

const tempDir = tempDirs();

let dir = "";
let expectedPixels: Uint8Array;
let expectedLabels: Int32Array;

const i32 = (path: string) => {
  const b = readFileSync(path);
  return new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
};

beforeAll(() => {
  requireSystem("numpy", "PIL");
  dir = tempDir("aa-data-");
  runPython(readFileSync(join(import.meta.dirname, "fixtures", "make_datasets.py"), "utf8"), [referencePath("small-cifar-10"), dir]);
  expectedPixels = new Uint8Array(readFileSync(join(dir, "expected_pixels.bin")));
  expectedLabels = i32(join(dir, "expected_labels.bin"));
});

function copyOf(sub: string): string {
  const d = tempDir("aa-data-copy-");
  cpSync(join(dir, sub), join(d, sub), { recursive: true });
  return d;
}

describe("CIFAR readers", () => {
  for (const version of ["binary", "python"] as const) {
    it(`reads the CIFAR-10 ${version} version in file order, pixels equal to the decoded PNGs`, () => {
      const d = copyOf(version === "binary" ? "cifar-10-batches-bin" : "cifar-10-batches-py");
      const { train, test, source } = loadCifar10(d, "structure");
      expect(source).toBe(version === "binary" ? "cifar-10-batches-bin" : "cifar-10-batches-py");
      expect([train.count, test.count, train.channels, train.height]).toEqual([150, 50, 3, 32]);
      expect(Buffer.from(train.pixels).equals(Buffer.from(expectedPixels.subarray(0, 150 * 3072)))).toBe(true);
      expect(Buffer.from(test.pixels).equals(Buffer.from(expectedPixels.subarray(150 * 3072)))).toBe(true);
      expect(Array.from(train.labels.subarray(0, 10))).toEqual([6, 9, 9, 4, 1, 1, 2, 7, 8, 3]);
      expect(Array.from(test.labels)).toEqual(Array.from(expectedLabels.subarray(150)));
    });

    it(`reads the CIFAR-100 ${version} version with the fine labels`, () => {
      const d = copyOf(version === "binary" ? "cifar-100-binary" : "cifar-100-python");
      const { train, test } = loadCifar100(d, "structure");
      expect([train.count, test.count]).toEqual([150, 50]);
      expect(Array.from(train.labels.subarray(0, 4))).toEqual([60, 91, 92, 43]);
      expect(Buffer.from(test.pixels).equals(Buffer.from(expectedPixels.subarray(150 * 3072)))).toBe(true);
    });
  }

  it("rejects a truncated binary batch with one error naming the file", () => {
    const d = copyOf("cifar-10-batches-bin");
    const f = join(d, "cifar-10-batches-bin", "data_batch_3.bin");
    truncateSync(f, statSync(f).size - 100);
    expect(() => loadCifar10(d, "structure")).toThrow(DataFileError);
    expect(() => loadCifar10(d, "structure")).toThrow(/data_batch_3\.bin is not a CIFAR binary batch: .* not a multiple of the 3073-byte record/);
  });

  it("rejects a truncated python batch", () => {
    const d = copyOf("cifar-10-batches-py");
    const f = join(d, "cifar-10-batches-py", "data_batch_2");
    truncateSync(f, statSync(f).size - 500);
    expect(() => loadCifar10(d, "structure")).toThrow(DataFileError);
    expect(() => loadCifar10(d, "structure")).toThrow(/data_batch_2/);
  });

  it("checks the official md5 of the python batches by default", () => {
    const d = copyOf("cifar-10-batches-py");
    expect(() => loadCifar10(d)).toThrow(/data_batch_1 \(\d+ bytes\) has md5 [0-9a-f]{32}, expected c99cafc152244af753f735de768cd75f: the file is truncated or corrupt/);
  });

  it("checks the official image count of the binary version by default", () => {
    const d = copyOf("cifar-10-batches-bin");
    expect(() => loadCifar10(d)).toThrow(/data_batch_1\.bin holds 30 images, expected 10000/);
  });

  it("says what to download and where when CIFAR is missing", () => {
    const d = tempDir("aa-empty-");
    expect(() => loadCifar10(d)).toThrow(MissingDataError);
    expect(() => loadCifar100(d)).toThrow(new RegExp(`CIFAR-100 not found in ${d}: expected the folder cifar-100-python .*'aa-nas data download cifar100 --data-dir`));
  });

  it("rejects out-of-range labels (CIFAR-100 read as CIFAR-10)", () => {
    const bytes = new Uint8Array(3073);
    bytes[0] = 42;
    expect(() => readCifarBinary(bytes, CIFAR10_BINARY, "x.bin")).toThrow(/label 42, expected 0\.\.9/);
  });
});

describe("ImageNet16 reader", () => {
  it("concatenates batches 1..10 and keeps classes 1..120 as 0..119, in order", () => {
    const { train, test } = loadImageNet16(dir, 120, "structure");
    const small = new Uint8Array(readFileSync(join(dir, "expected_small_pixels.bin")));
    const labels = i32(join(dir, "expected_small_labels.bin"));
    const keptTrain = Array.from({ length: 150 }, (_, i) => i).filter((i) => labels[i]! <= 120);
    expect(train.count).toBe(keptTrain.length);
    expect(Array.from(train.labels)).toEqual(keptTrain.map((i) => labels[i]! - 1));
    keptTrain.forEach((src, k) => {
      expect(Buffer.from(train.pixels.subarray(k * 768, (k + 1) * 768)).equals(Buffer.from(small.subarray(src * 768, (src + 1) * 768)))).toBe(true);
    });
    expect(test.count).toBe(Array.from(labels.subarray(150)).filter((l) => l <= 120).length);
    expect(Math.max(...test.labels)).toBeLessThan(120);
  });

  it("keeps all 1000 classes unfiltered when asked", () => {
    const { train } = loadImageNet16(dir, null, "structure");
    expect(train.count).toBe(150);
    expect(Math.max(...train.labels)).toBeGreaterThan(120);
  });

  it("md5-checks every file before loading (spec §4.2)", () => {
    expect(() => loadImageNet16(dir, 120)).toThrow(/train_data_batch_1 \(\d+ bytes\) has md5 [0-9a-f]{32}, expected 27846dcaa50de8e21a7d1a35f30f0e91/);
  });

  it("names the missing files and where to get them", () => {
    const d = copyOf("ImageNet16");
    rmSync(join(d, "ImageNet16", "val_data"));
    expect(() => loadImageNet16(d, 120)).toThrow(/missing val_data\).*image-net\.org.*aa-nas data download ImageNet16 --from/);
  });
});

describe("Fashion-MNIST (IDX)", () => {
  it("reads the Debian package's files: 60k/10k, padded to 32×32 with the 28×28 image centred", () => {
    const { train, test } = loadFashionMnist(null);
    expect([train.count, test.count, train.channels, train.height, train.width]).toEqual([60000, 10000, 1, 32, 32]);
    expect(Array.from(train.labels.subarray(0, 10))).toEqual([9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
    const raw = readIdx(readFileSync("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"), "train");
    // row 10 of image 0 sits at padded row 12, columns 2..29; the border is zero
    expect(Array.from(train.pixels.subarray(12 * 32 + 2, 12 * 32 + 30))).toEqual(Array.from(raw.data.subarray(10 * 28, 11 * 28)));
    expect(train.pixels.subarray(0, 64).every((v) => v === 0)).toBe(true);
  });

  it("round-trips a generated gzip IDX file and rejects a truncated one", () => {
    const pixels = Uint8Array.from({ length: 2 * 28 * 28 }, (_, i) => i % 251);
    const images = gzipSync(writeIdx([2, 28, 28], pixels));
    const labels = writeIdx([2], Uint8Array.from([3, 7]));
    const set = fashionMnistFromIdx(images, labels, "img.gz", "lab");
    expect(Array.from(set.labels)).toEqual([3, 7]);
    expect(set.pixels[32 * 32 + 2 * 32 + 2]).toBe(pixels[28 * 28]);
    expect(() => fashionMnistFromIdx(images.subarray(0, images.length - 30), labels, "img.gz", "lab")).toThrow(/img\.gz is not a valid gzip file/);
    expect(() => readIdx(writeIdx([2, 28, 28], pixels).subarray(0, 100), "raw")).toThrow(/raw should hold 1568 values .* \(truncated or corrupt\)/);
  });
});

describe("dataset keys", () => {
  it("builds cifar10-valid from the regenerated split: train ∩ split.train, x-valid = train ∩ split.valid, ori-test = test", () => {
    const d = copyOf("cifar-10-batches-bin");
    const data = loadTrainingData("cifar10-valid", { dataDir: d, splitDir: referenceDir("splits"), checks: "structure" });
    // split.train starts 0,5,7,11,13,…; valid starts 1,2,3,4,6,…
    expect(Array.from(data.train.indices.subarray(0, 5))).toEqual([0, 5, 7, 11, 13]);
    expect(Array.from(data.evals[1]!.indices.subarray(0, 5))).toEqual([1, 2, 3, 4, 6]);
    expect(data.train.indices.length + data.evals[1]!.indices.length).toBe(150);
    expect(data.evals.map((e) => e.name)).toEqual(["ori-test", "x-valid"]);
    expect([data.pad, data.classNum, data.latencySet]).toEqual([4, 10, "ori-test"]);
  });

  it("builds cifar100 eval sets ori-test, x-valid, x-test from the test split file", () => {
    const d = copyOf("cifar-100-binary");
    const data = loadTrainingData("cifar100", { dataDir: d, splitDir: referenceDir("splits"), checks: "structure" });
    expect(data.evals.map((e) => e.name)).toEqual(["ori-test", "x-valid", "x-test"]);
    expect(Array.from(data.evals[1]!.indices.subarray(0, 3))).toEqual([1, 3, 4]);
    expect(data.latencySet).toBe("x-test");
  });

  it("fails with a download hint when the cifar100 split file is absent", () => {
    const d = copyOf("cifar-100-binary");
    expect(() => loadTrainingData("cifar100", { dataDir: d, checks: "structure" })).toThrow(/cifar100-test-split\.txt not found .*aa-nas data download splits/);
  });
});

describe("fixture sanity", () => {
  it("the generated binary batch has the official record layout", () => {
    const bytes = readFileSync(join(dir, "cifar-10-batches-bin", "data_batch_1.bin"));
    expect(bytes.length).toBe(30 * 3073);
    expect(bytes[0]).toBe(6);
    writeFileSync(join(dir, "probe"), bytes);
    copyFileSync(join(dir, "probe"), join(dir, "probe2"));
  });
});
