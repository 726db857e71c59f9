import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { digestHex } from "../../packages/engine/src/data/checksum.js";
import { DataFileError, MissingDataError } from "../../packages/engine/src/data/errors.js";
import { SPLIT_FILES, cifar10Split, formatSplitFile, loadSplit, parseSplitFile } from "../../packages/engine/src/data/splits.js";
import { readReferenceText, referenceDir } from "../support/reference.js";
import { tempDirs } from "./temp.js";

const tempDir = tempDirs();

describe("split files", () => {
  it("regenerates cifar-split.txt byte for byte from random.seed(1021)", () => {
    const split = cifar10Split();
    const text = formatSplitFile(split, SPLIT_FILES.cifar10.keys);
    const original = readReferenceText("splits", "cifar-split.txt");
    expect(digestHex(Buffer.from(text), "sha256")).toBe(SPLIT_FILES.cifar10.sha256);
    expect(text).toBe(original);
    expect([split.train![10], split.train![111], split.valid![10], split.valid![111]]).toEqual([26, 203, 18, 242]);
  });

  it("formats the three downloaded split files exactly as the originals", () => {
    const dir = referenceDir("splits");
    for (const name of ["cifar100Test", "imagenet16Test", "imagenet16Train"] as const) {
      const info = SPLIT_FILES[name];
      const split = loadSplit(name, dir);
      expect(formatSplitFile(split, info.keys)).toBe(readFileSync(join(dir, info.file), "utf8"));
    }
  });

  it("loads the test splits with the documented sizes and first indices", () => {
    const dir = referenceDir("splits");
    const c100 = loadSplit("cifar100Test", dir);
    expect(Array.from(c100.xvalid!.subarray(0, 5))).toEqual([1, 3, 4, 5, 8]);
    expect(Array.from(c100.xtest!.subarray(0, 5))).toEqual([0, 2, 6, 7, 9]);
    const im = loadSplit("imagenet16Test", dir);
    expect(im.xvalid!.length + im.xtest!.length).toBe(6000);
  });

  it("rejects a modified split file with one checksum error naming the file", () => {
    const dir = tempDir("aa-split-");
    const info = SPLIT_FILES.cifar100Test;
    const text = readReferenceText("splits", info.file);
    writeFileSync(join(dir, info.file), text.slice(0, text.length - 100));
    expect(() => loadSplit("cifar100Test", dir)).toThrow(DataFileError);
    expect(() => loadSplit("cifar100Test", dir)).toThrow(/cifar100-test-split\.txt .*sha256 .*expected 14a5e370/);
  });

  it("says where to get a missing split file", () => {
    const dir = tempDir("aa-split-");
    expect(() => loadSplit("imagenet16Test", dir)).toThrow(MissingDataError);
    expect(() => loadSplit("imagenet16Test", dir)).toThrow(/aa-nas data download splits.*raw\.githubusercontent\.com.*imagenet-16-120-test-split\.txt/);
  });

  it("rejects unsorted or mis-sized index lists", () => {
    const info = { file: "x.txt", keys: ["a", "b"] as const, sizes: [2, 1] as const, sha256: "" };
    expect(() => parseSplitFile('{"a": ["int", ["1", "0"]], "b": ["int", ["2"]]}', info)).toThrow(/ascending/);
    expect(() => parseSplitFile('{"a": ["int", ["0"]], "b": ["int", ["2"]]}', info)).toThrow(/1 indices, expected 2/);
    expect(parseSplitFile('{"a": ["int", ["0", "1"]], "b": ["int", ["2"]]}', info).b).toEqual(Int32Array.from([2]));
  });
});
