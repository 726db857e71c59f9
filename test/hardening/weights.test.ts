// Classes 4, 8 and 10 on weights files: generated malformed safetensors (each header field broken in turn, sizes that
// would allocate without bound, escape sequences in names) give eval-net one line and exit 2, quickly; flipped tensor
// bytes are caught by the stored SHA-256; a file without one still loads and says so.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { TENSORS_SHA256_KEY, SafetensorsError } from "../../packages/engine/src/tensor/index.js";
import { errorLine, UserError } from "../../packages/core/src/errors.js";
import { TinyNetwork } from "../../packages/engine/src/models/tiny-network.js";
import { archAt } from "../../packages/core/src/space/index.js";
import { loadNetwork, saveNetwork } from "../../packages/engine/src/train/weights-file.js";
import { tempDirs } from "../data/temp.js";
import { expectCleanError, runAll, runCliAsync } from "./support.js";

const tmp = tempDirs();
let dir = "";
let good = "";

interface Parts {
  header: Record<string, unknown>;
  data: Buffer;
}

function split(file: Buffer): Parts {
  const len = Number(file.readBigUInt64LE(0));
  return { header: JSON.parse(file.subarray(8, 8 + len).toString("utf8")) as Record<string, unknown>, data: file.subarray(8 + len) };
}

function join8(headerText: string, data: Buffer): Buffer {
  const h = Buffer.from(headerText, "utf8");
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(h.length));
  return Buffer.concat([len, h, data]);
}

const KEY = "fashion-mnist";
const ALL_CONV = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|";
const meta = (p: Parts): Record<string, string> => p.header.__metadata__ as Record<string, string>;
const network = (p: Parts): Record<string, unknown> => (JSON.parse(meta(p)["aa_nas.networks"]!) as Record<string, Record<string, unknown>>)[KEY]!;
const setNetwork = (p: Parts, fields: Record<string, unknown>): void => {
  meta(p)["aa_nas.networks"] = JSON.stringify({ [KEY]: { ...network(p), ...fields } });
};
const firstTensor = (p: Parts): Record<string, unknown> => p.header[Object.keys(p.header).find((k) => k !== "__metadata__")!] as Record<string, unknown>;

/** name → (what to break, what the one line must say). Every one printed a stack trace, hung or misread before. */
const VARIANTS: Record<string, [(p: Parts) => Buffer | void, RegExp]> = {
  "header entry null": [(p) => void (p.header[Object.keys(p.header)[1]!] = null), /is null, expected \{dtype, shape, data_offsets\}/],
  "shape a string": [(p) => void (firstTensor(p).shape = "16,1,3,3"), /has shape "16,1,3,3", expected a list/],
  "shape an object": [(p) => void (firstTensor(p).shape = { 0: 4 }), /has shape/],
  "data_offsets a string": [(p) => void (firstTensor(p).data_offsets = "0-144"), /has data_offsets "0-144"/],
  "data_offsets a number": [(p) => void (firstTensor(p).data_offsets = 144), /has data_offsets 144/],
  "data_offsets negative": [(p) => void (firstTensor(p).data_offsets = [-64, 80]), /has data_offsets \[-64,80\]/],
  "data_offsets past the end": [(p) => void (firstTensor(p).data_offsets = [0, 1e12]), /has data_offsets/],
  "negative dim": [(p) => void (firstTensor(p).shape = [-4, 1, 3, 3]), /has shape \[-4,1,3,3\]/],
  "dim 2^40": [(p) => void (firstTensor(p).shape = [2 ** 40, 1, 3, 3]), /has shape \[1099511627776,1,3,3\]/],
  "dims whose product is 2^80": [(p) => void (firstTensor(p).shape = [2 ** 20, 2 ** 20, 2 ** 20, 2 ** 20]), /needs \d+ bytes, its data_offsets span/],
  "unknown dtype": [(p) => void (firstTensor(p).dtype = "F8"), /unsupported dtype "F8"/],
  "header an array": [(p) => join8("[1,2,3]", p.data), /header is not a JSON object/],
  "header not JSON": [(p) => join8("{not json" + "\u0000".repeat(4000), p.data), /header is not JSON \(starts 7b 6e 6f 74/],
  "header length past the file": [(p) => Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]), p.data]), /header length \d+ exceeds the file size/],
  "4-byte file": [() => Buffer.from([1, 2, 3, 4]), /4 bytes, shorter than its 8-byte header length/],
  "truncated data": [(p) => join8(JSON.stringify(p.header), p.data.subarray(0, p.data.length - 100)), /has data_offsets/],
  "__metadata__ values not strings": [(p) => void (p.header.__metadata__ = { "aa_nas.networks": { a: 1 } }), /__metadata__ is not an object of strings/],
  "networks metadata not JSON": [(p) => void (meta(p)["aa_nas.networks"] = "{oops"), /aa_nas.networks metadata is not JSON/],
  "networks metadata an array": [(p) => void (meta(p)["aa_nas.networks"] = "[]"), /not an object of networks/],
  "network entry null": [(p) => void (meta(p)["aa_nas.networks"] = JSON.stringify({ [KEY]: null })), /network 'fashion-mnist' is null/],
  "channel 0": [(p) => setNetwork(p, { channel: 0 }), /channel 0 is out of range: expected an integer 1\.\.256/],
  "channel -4": [(p) => setNetwork(p, { channel: -4 }), /channel -4 is out of range/],
  "channel 100000": [(p) => setNetwork(p, { channel: 100000 }), /channel 100000 is out of range/],
  'channel "4"': [(p) => setNetwork(p, { channel: "4" }), /channel "4" is out of range/],
  "numCells 100000": [(p) => setNetwork(p, { numCells: 100000 }), /numCells 100000 is out of range: expected an integer 1\.\.32/],
  "numCells 1.5": [(p) => setNetwork(p, { numCells: 1.5 }), /numCells 1\.5 is out of range/],
  "classNum -1": [(p) => setNetwork(p, { classNum: -1 }), /classNum -1 is out of range/],
  "inputChannels 0": [(p) => setNetwork(p, { inputChannels: 0 }), /inputChannels 0 is out of range/],
  "within limits but too many values": [(p) => setNetwork(p, { channel: 256, numCells: 32, arch: ALL_CONV }), /holds [\d,]+ values, above the limit/],
  "sizes the tensors do not have": [(p) => setNetwork(p, { channel: 128, numCells: 20 }), /tensors do not fit the network .*C=128, N=20.*missing/],
  "space unknown": [(p) => setNetwork(p, { space: "\u001b[2Jnas" }), /has search space '\\x1b\[2Jnas'; expected 'tss' or 'sss'/],
  "sss space, tss arch": [(p) => setNetwork(p, { space: "sss" }), /has arch '\|.*', not a size-space config \(e\.g\. 8:16:24:32:40\)/],
  "arch with escape sequences": [(p) => setNetwork(p, { arch: "\u001b]0;pwned\u0007\u001b[2J|x~0|" }), /arch '\\x1b\]0;pwned\\x07\\x1b\[2J\|x~0\|'/],
  "tensor name with escape sequences": [
    (p) => void (p.header["\u001b[2J\u001b[31mred\n"] = null),
    /tensor '\\x1b\[2J\\x1b\[31mred\\n' is null/,
  ],
};

beforeAll(() => {
  dir = tmp("aa-hard-weights-");
  good = join(dir, "good.safetensors");
  const net = TinyNetwork.create(4, 1, archAt(0), 10, 1);
  const entry = { arch: archAt(0), archIndex: 0, channel: 4, numCells: 1, classNum: 10, inputChannels: 1, seed: 777, hp: "1" };
  saveNetwork(good, KEY, net, entry);
  net.dispose();
});

describe("malformed weights files", () => {
  function variantFiles(): { name: string; path: string; why: RegExp }[] {
    return Object.entries(VARIANTS).map(([name, [breakIt, why]]) => {
      const parts = split(readFileSync(good));
      const made = breakIt(parts) ?? join8(JSON.stringify(parts.header), parts.data);
      const path = join(dir, `${name.replace(/\W+/g, "-")}.safetensors`);
      writeFileSync(path, made);
      return { name, path, why };
    });
  }

  it("each generated variant is one user error (what the CLI prints as one line, exit 2), thrown before any large allocation", () => {
    const cases = variantFiles();
    expect(cases.length).toBeGreaterThanOrEqual(30);
    for (const c of cases) {
      const started = Date.now();
      let caught: unknown = null;
      try {
        loadNetwork(c.path, undefined).net.dispose();
      } catch (err) {
        caught = err;
      }
      expect(caught, c.name).toBeInstanceOf(UserError);
      const line = errorLine((caught as Error).message);
      expect(line, c.name).toMatch(c.why);
      expect(/[\u0000-\u001f\u007f-\u009f]/.test(line), c.name).toBe(false); // eslint-disable-line no-control-regex -- the check itself
      expect(Date.now() - started, c.name).toBeLessThan(2000);
    }
  });

  it("through eval-net: exit 2, one line, no trace, in seconds (a sample of the variants)", async () => {
    const sample = new Set(["header entry null", "shape a string", "dim 2^40", "data_offsets negative", "networks metadata not JSON", "channel 0", "numCells 100000", "classNum -1", "inputChannels 0", "arch with escape sequences"]);
    const cases = variantFiles().filter((c) => sample.has(c.name));
    expect(cases.length).toBe(sample.size);
    const results = await runAll(cases, (c) => runCliAsync(["eval-net", c.path, "--json"], { timeoutMs: 20_000 }));
    results.forEach((r, i) => expectCleanError(r, cases[i]!.why));
  }, 120_000);

  it("8 single-byte flips spread over the tensor bytes are each caught by the checksum", () => {
    const file = readFileSync(good);
    const { data } = split(file);
    const dataStart = file.length - data.length;
    for (let k = 0; k < 8; k++) {
      const flipped = Buffer.from(file);
      const at = dataStart + Math.floor(((k + 0.5) / 8) * data.length);
      flipped[at] = flipped[at]! ^ (1 << k);
      const path = join(dir, `flip-${k}.safetensors`);
      writeFileSync(path, flipped);
      expect(() => loadNetwork(path, undefined), `flip at ${at}`).toThrow(SafetensorsError);
      expect(() => loadNetwork(path, undefined)).toThrow(/tensor bytes do not match the SHA-256 in its metadata/);
    }
  });

  it("a byte flip through the CLI: one line, exit 2", async () => {
    const file = readFileSync(good);
    file[file.length - 3] = file[file.length - 3]! ^ 0x10;
    const path = join(dir, "flip-cli.safetensors");
    writeFileSync(path, file);
    expectCleanError(await runCliAsync(["eval-net", path]), /file is corrupt/);
  });

  it("the written file verifies; one without a checksum (older) loads and claims nothing", () => {
    const loaded = loadNetwork(good, undefined);
    expect(loaded.checksum).toBe("verified");
    loaded.net.dispose();
    const parts = split(readFileSync(good));
    delete meta(parts)[TENSORS_SHA256_KEY];
    const old = join(dir, "old.safetensors");
    writeFileSync(old, join8(JSON.stringify(parts.header), parts.data));
    const legacy = loadNetwork(old, undefined);
    expect(legacy.checksum).toBe("absent");
    legacy.net.dispose();
  });
});
