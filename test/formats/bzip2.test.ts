import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { describe, expect, test } from "vitest";
import { Bunzip2Chunks, bunzip2 } from "../../packages/core/src/formats/bzip2.js";
import { FormatError } from "../../packages/core/src/formats/errors.js";
import { unpickle } from "../../packages/core/src/formats/pickle.js";
import { PyDict } from "../../packages/core/src/formats/pyvalue.js";
import { NATS_SAMPLE, referencePath } from "../support/reference.js";
import { requireSystem } from "../support/system.js";

const file = referencePath(NATS_SAMPLE, "000000.pickle.pbz2");
const compressed = new Uint8Array(readFileSync(file));

describe("bzip2", () => {
  test("decodes a real .pickle.pbz2 to the pickle the original wrote (protocol 4 header, STOP at the end, parses)", () => {
    const raw = bunzip2(compressed, file);
    expect(raw.length).toBe(325810);
    expect([raw[0], raw[1]]).toStrictEqual([0x80, 4]);
    expect(raw[raw.length - 1]).toBe(0x2e);
    expect(unpickle(raw)).toBeInstanceOf(PyDict);
  });

  test("the chunked decoder yields the same bytes block by block and reports compressed progress", () => {
    const chunks = new Bunzip2Chunks(compressed, file);
    const parts: Uint8Array[] = [];
    for (let c = chunks.next(); c !== null; c = chunks.next()) parts.push(c);
    expect(parts.length).toBeGreaterThan(0);
    expect(Buffer.concat(parts).equals(Buffer.from(bunzip2(compressed)))).toBe(true);
    expect(chunks.compressedOffset).toBe(compressed.length);
  });

  test("concatenated streams decode like Python's bz2 module (multi-stream)", () => {
    const two = new Uint8Array([...compressed, ...compressed]);
    expect(bunzip2(two).length).toBe(2 * 325810);
  });

  test("data compressed by the bzip2 tool at every block size round-trips", () => {
    requireSystem("bzip2");
    const text = Buffer.from("aa-nas ".repeat(50_000) + Array.from({ length: 5000 }, (_, i) => i * 7919).join(","));
    for (const level of ["-1", "-9"]) {
      const r = spawnSync("bzip2", ["-c", level], { input: text });
      expect(Buffer.from(bunzip2(r.stdout)).equals(text), level).toBe(true);
    }
  });

  test.each([
    ["cut in the middle", compressed.subarray(0, 40_000), /truncated/],
    ["missing only its end-of-stream trailer", compressed.subarray(0, compressed.length - 4), /truncated|checksum/],
    ["not bzip2 at all", new TextEncoder().encode("hello, not compressed"), /not valid bzip2/],
    ["empty", new Uint8Array(0), /truncated|not valid/],
  ])("a file %s gives one FormatError naming the file", (_name, data, message) => {
    expect(() => bunzip2(data, "bad.pbz2")).toThrow(FormatError);
    expect(() => bunzip2(data, "bad.pbz2")).toThrow(message);
    expect(() => bunzip2(data, "bad.pbz2")).toThrow(/bad\.pbz2/);
  });

  test("a flipped byte inside the compressed data is caught (CRC or structure), never silently decoded", () => {
    for (const at of [100, 5_000, 40_000, 80_000]) {
      const bad = compressed.slice();
      bad[at]! ^= 0x10;
      expect(() => bunzip2(bad, "flipped.pbz2"), `byte ${at}`).toThrow(FormatError);
    }
  });
});
