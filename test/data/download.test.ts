import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { zipSync } from "fflate";
import * as tar from "tar";
import { describe, expect, it } from "vitest";
import { digestHex } from "../../packages/engine/src/data/checksum.js";
import { readCifarBinary, CIFAR10_BINARY, writeCifarBinary } from "../../packages/engine/src/data/cifar-binary.js";
import { DOWNLOADS, downloadDataset, downloadSpec, type DownloadSpec } from "../../packages/engine/src/data/download.js";
import { DataFileError } from "../../packages/engine/src/data/errors.js";
import { loadCifar10 } from "../../packages/engine/src/data/sources.js";
import { loadSplit } from "../../packages/engine/src/data/splits.js";
import { UserError } from "../../packages/core/src/errors.js";
import { readReference } from "../support/reference.js";
import { tempDirs } from "./temp.js";

const tempDir = tempDirs();

const tmp = tempDir;

/** A CIFAR-10 binary archive with 4 images per batch, as cifar-10-binary.tar.gz lays it out. */
async function makeCifarArchive(): Promise<{ archive: string; bytes: Uint8Array }> {
  const src = tmp("aa-src-");
  mkdirSync(join(src, "cifar-10-batches-bin"));
  const names = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`).concat("test_batch.bin");
  names.forEach((name, b) => {
    const pixels = Uint8Array.from({ length: 4 * 3072 }, (_, i) => (i * 7 + b) % 256);
    const set = { pixels, labels: Int32Array.from([b, 1, 2, 3]), count: 4, channels: 3, height: 32, width: 32 };
    writeFileSync(join(src, "cifar-10-batches-bin", name), writeCifarBinary(set, CIFAR10_BINARY));
  });
  writeFileSync(join(src, "cifar-10-batches-bin", "batches.meta.txt"), "airplane\n");
  const archive = join(src, "cifar-10-binary.tar.gz");
  await tar.c({ gzip: true, file: archive, cwd: src }, ["cifar-10-batches-bin"]);
  return { archive, bytes: readFileSync(archive) };
}

function specFor(bytes: Uint8Array, digest = digestHex(bytes, "md5")): DownloadSpec {
  const base = DOWNLOADS["cifar10-binary"]!;
  return { ...base, items: [{ ...base.items[0]!, digest }] };
}

describe("data download", () => {
  it("verifies a local archive's md5 and unpacks it into the layout the readers use", async () => {
    const { archive, bytes } = await makeCifarArchive();
    const dataDir = tmp("aa-dl-");
    const written = await downloadDataset(specFor(bytes), { dataDir, from: archive });
    expect(written.some((f) => f.endsWith("cifar-10-batches-bin/test_batch.bin"))).toBe(true);
    const { train, test } = loadCifar10(dataDir, "structure");
    expect([train.count, test.count, test.labels[0]]).toEqual([20, 4, 5]);
  });

  it("rejects an archive whose md5 differs from the pin, before unpacking anything", async () => {
    const { archive, bytes } = await makeCifarArchive();
    const dataDir = tmp("aa-dl-");
    const spec = specFor(bytes, "0".repeat(32));
    await expect(downloadDataset(spec, { dataDir, from: archive })).rejects.toThrow(DataFileError);
    await expect(downloadDataset(spec, { dataDir, from: archive })).rejects.toThrow(/cifar-10-binary\.tar\.gz \(\d+ bytes\) has md5 [0-9a-f]{32}, expected 0{32}/);
    expect(existsSync(join(dataDir, "cifar-10-batches-bin"))).toBe(false);
  });

  it("reports a truncated archive as one corrupt-file error", async () => {
    const { bytes } = await makeCifarArchive();
    const cut = bytes.subarray(0, bytes.length - 200);
    const from = join(tmp("aa-cut-"), "cifar-10-binary.tar.gz");
    writeFileSync(from, cut);
    await expect(downloadDataset(specFor(cut), { dataDir: tmp("aa-dl-"), from })).rejects.toThrow(/could not be unpacked .* truncated or corrupt/);
  });

  it("pins the official archive digests", () => {
    expect(downloadSpec("cifar10").items[0]).toMatchObject({ url: "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz", digest: "c58f30108f718f92721af3b95e74349a" });
    expect(downloadSpec("cifar100").items[0]!.digest).toBe("eb9058c3a382ffc7106e4002c42a8d85");
    expect(() => downloadSpec("mnist")).toThrow(/unknown data set 'mnist'; valid names: 'cifar10', /);
  });

  it("turns a network failure into one message suggesting --from", async () => {
    const failing = async (): Promise<Uint8Array> => {
      throw new TypeError("fetch failed", { cause: new Error("getaddrinfo ENOTFOUND www.cs.toronto.edu") });
    };
    await expect(downloadDataset(downloadSpec("cifar10"), { dataDir: tmp("aa-dl-"), fetchBytes: failing })).rejects.toThrow(
      /could not fetch https:\/\/www\.cs\.toronto\.edu\/~kriz\/cifar-10-python\.tar\.gz \(getaddrinfo ENOTFOUND .*\); .* --from/,
    );
  });

  it("fetches the split files (sha256-pinned) and the readers accept them", async () => {
    const served = (url: string) => readReference("splits", url.split("/").pop()!);
    const dataDir = tmp("aa-dl-");
    const urls: string[] = [];
    await downloadDataset(downloadSpec("splits"), { dataDir, fetchBytes: async (u) => (urls.push(u), new Uint8Array(served(u))) });
    expect(urls[0]).toMatch(/^https:\/\/raw\.githubusercontent\.com\/D-X-Y\/AutoDL-Projects\/f46486e21b71ae6459a700be720d7648b5429569\/configs\/nas-benchmark\//);
    expect(loadSplit("imagenet16Test", dataDir).xtest!.length).toBe(3000);
    const tampered = async (u: string) => {
      const b = new Uint8Array(served(u));
      b[50] = b[50]! ^ 1;
      return b;
    };
    await expect(downloadDataset(downloadSpec("splits"), { dataDir: tmp("aa-dl-"), fetchBytes: tampered })).rejects.toThrow(/sha256 .*expected/);
  });

  it("ImageNet16 has no public URL: the message says where to get it", async () => {
    await expect(downloadDataset(downloadSpec("ImageNet16"), { dataDir: tmp("aa-dl-") })).rejects.toThrow(UserError);
    await expect(downloadDataset(downloadSpec("ImageNet16"), { dataDir: tmp("aa-dl-") })).rejects.toThrow(/image-net\.org login: download Imagenet16_train\.zip/);
  });

  it("unpacks ImageNet16 zips and md5-checks each pickle inside", async () => {
    const from = tmp("aa-in16-");
    writeFileSync(join(from, "Imagenet16_train.zip"), zipSync({ "Imagenet16_train/train_data_batch_1": new Uint8Array([1, 2, 3]) }));
    writeFileSync(join(from, "Imagenet16_val.zip"), zipSync({ "val_data": new Uint8Array([4]) }));
    await expect(downloadDataset(downloadSpec("ImageNet16"), { dataDir: tmp("aa-dl-"), from })).rejects.toThrow(
      /Imagenet16_train\.zip:Imagenet16_train\/train_data_batch_1 \(3 bytes\) has md5 [0-9a-f]{32}, expected 27846dcaa50de8e21a7d1a35f30f0e91/,
    );
  });

  it("round-trips the binary record writer used for the fixtures", () => {
    const set = { pixels: new Uint8Array(3072).fill(9), labels: Int32Array.from([7]), count: 1, channels: 3, height: 32, width: 32 };
    expect(readCifarBinary(writeCifarBinary(set, CIFAR10_BINARY), CIFAR10_BINARY, "x").labels[0]).toBe(7);
  });
});
