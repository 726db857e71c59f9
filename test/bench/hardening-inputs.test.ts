/**
 * Bad inputs to `aa-nas import` / `merge` (docs/reliability.md, classes 1, 2, 3 and 12): impossible values in records
 * pickle still accepts, damaged tar archives, decompression bombs. Each must end in one line on stderr and exit 2,
 * with no store left behind and the child's peak RSS bounded. Needs `npm run build` (runs the CLI).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zipSync } from "fflate";
import { create as tarCreate } from "tar";
import { afterAll, describe, expect, test } from "vitest";
import { archFileRecords } from "../../packages/core/src/bench/import/arch-file.js";
import { BenchStore } from "../../packages/core/src/bench/store.js";
import { writeRecordFile, recordFilePath, RECORD_FORMAT } from "../../packages/engine/src/pipeline/record-file.js";
import { mergeRecords } from "../../packages/engine/src/pipeline/merge.js";
import { bzip2, bzip2Bomb, copyNatsSample, deflateBomb, natsFileWithFlip, oneLineError, runCliMeasured, zipWithEntry } from "../support/bad-inputs.js";
import { NATS_SAMPLE, referencePath } from "../support/reference.js";
import { syntheticRun } from "./fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "aa-nas-harden-in-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (name: string): string => join(dir, `${n++}-${name}`);

/** Peak RSS allowed for any bad input (the bound). */
const RSS_LIMIT_MIB = 512;

function expectCleanFailure(args: string[], message: RegExp, out: string): void {
  const r = runCliMeasured(args);
  const line = oneLineError(r);
  expect(line, `status ${r.status}, stderr:\n${r.stderr}`).not.toBeNull();
  expect(line).toMatch(message);
  expect(r.maxRssMiB).toBeLessThan(RSS_LIMIT_MIB);
  expect(existsSync(out), "a failed import leaves no store").toBe(false);
}

describe("class 1: impossible values in records that unpickle", () => {
  const arch0 = referencePath(NATS_SAMPLE, "000000.pickle.pbz2");
  const rec = archFileRecords("nats", readFileSync(arch0), { label: arch0, source: "t", timesEstimated: true }, 0)[0]!;

  test.each([
    ["an accuracy × 256 (one exponent bit)", rec.train.acc1![5]!, 1, 0x80, /000000\.pickle\.pbz2: run \(arch 0, .*\): .* is \d{4,}(\.\d+)?, expected an accuracy in \[0, 100\] %/],
    ["a negative time (the sign bit)", rec.train.time![3]!, 0, 0x80, /000000\.pickle\.pbz2: run \(arch 0, .*\): .* is -[\d.e+-]+, expected a finite (time|loss) ≥ 0/],
  ])("%s: import --verify exits 2 naming file, arch, field and value; nothing is stored", (_what, value, byte, mask, message) => {
    const d = copyNatsSample(fresh("flip"));
    writeFileSync(join(d, "000000.pickle.pbz2"), natsFileWithFlip(arch0, value, byte, mask));
    const out = fresh("flip.sqlite");
    expectCleanFailure(["import", d, "--out", out, "--verify", "--no-progress", "--workers", "0"], message, out);
  });

  test("merge reports a checksummed record file holding 14101.5 % as damaged, and merges the others", () => {
    const res = fresh("results");
    mkdirSync(res);
    const good = syntheticRun(1);
    const bad = syntheticRun(2);
    bad.train.acc1![4] = 14101.5;
    for (const r of [good, bad]) {
      writeRecordFile(recordFilePath(res, r.archIndex, r.seed), { format: RECORD_FORMAT, archIndex: r.archIndex, arch: r.arch, seed: r.seed, hp: r.hp, runs: [r], weights: null, machine: "t" });
    }
    const out = fresh("merge.sqlite");
    const report = mergeRecords({ inputs: [res], out });
    expect(report.inserted).toBe(1);
    expect(report.corrupt).toHaveLength(1);
    expect(report.corrupt[0]!.error).toMatch(/arch-000002-seed-0777\.json: run \(arch 2, .*\): train\.acc1\[4\] is 14101\.5, expected an accuracy in \[0, 100\] %/);
    const store = BenchStore.open(out);
    expect(store.meta().runs).toBe(1);
    store.close();
  });
});

describe("class 2: damaged tar archives stop the import instead of dropping archs", () => {
  const src = fresh("tar-src");
  copyNatsSample(join(src, "NATS-tss-v1_0-3ffb9-simple"));
  const goodTar = fresh("NATS-tss-v1_0-3ffb9-simple.tar");
  tarCreate({ file: goodTar, cwd: src, sync: true, portable: true }, ["NATS-tss-v1_0-3ffb9-simple"]);
  const tarBytes = readFileSync(goodTar);
  /** byte offsets of the headers, by entry name */
  const headers = new Map<string, number>();
  for (let at = 0; at + 512 <= tarBytes.length; ) {
    const h = tarBytes.subarray(at, at + 512);
    if (h.every((b) => b === 0)) break;
    const name = h.subarray(0, 100).toString("latin1").replace(/\0.*$/s, "");
    const size = parseInt(h.subarray(124, 136).toString("latin1").replace(/\0.*$/s, "").trim() || "0", 8);
    headers.set(name.replace(/^.*\//, ""), at);
    at += 512 + Math.ceil(size / 512) * 512;
  }
  const arch11 = headers.get("000011.pickle.pbz2")!;
  const last = Math.max(...headers.values());

  test.each([
    ["a corrupt header checksum", (b: Buffer) => void (b[arch11 + 148] = b[arch11 + 148] === 0x37 ? 0x36 : 0x37), /header at byte \d+ is corrupt \(checksum mismatch\)/],
    ["a flipped byte in a header", (b: Buffer) => void (b[arch11 + 3]! ^= 0x20), /header at byte \d+ is corrupt \(checksum mismatch\)/],
    ["a truncated last header", (b: Buffer) => b.subarray(0, last + 300), /truncated inside a header/],
    ["a truncated entry", (b: Buffer) => b.subarray(0, arch11 + 512 + 1000), /entry at byte \d+ is truncated/],
    ["no end-of-archive block", (b: Buffer) => b.subarray(0, last + 512 + Math.ceil(35330 / 512) * 512), /ends without its end-of-archive block/],
  ])("%s: exit 2 with one line, no store", (_what, damage, message) => {
    const bytes = Buffer.from(tarBytes);
    const damaged = damage(bytes) ?? bytes;
    const path = fresh("NATS-tss-v1_0-3ffb9-simple.tar");
    writeFileSync(path, damaged);
    const out = fresh("tar.sqlite");
    expectCleanFailure(["import", path, "--out", out, "--no-progress", "--workers", "0"], message, out);
  });

  test("the undamaged archive imports all 3 archs", () => {
    const out = fresh("tar-ok.sqlite");
    const r = runCliMeasured(["import", goodTar, "--out", out, "--no-progress", "--workers", "0"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/imported 3 archs/);
  });
});

describe("class 3: decompression bombs are one clear error with bounded memory", () => {
  test("a 3.3 KB per-arch .pbz2 that inflates to 3 GB", () => {
    const d = copyNatsSample(fresh("bomb-arch"));
    writeFileSync(join(d, "000011.pickle.pbz2"), bzip2Bomb(66));
    const out = fresh("bomb.sqlite");
    expectCleanFailure(["import", d, "--out", out, "--no-progress", "--workers", "0"], /000011\.pickle\.pbz2: bzip2 data decompresses to more than 67108864 bytes/, out);
  });

  test("a 1.1 KB meta.pickle.pbz2 that inflates to 1 GB", () => {
    const d = copyNatsSample(fresh("bomb-meta"));
    writeFileSync(join(d, "meta.pickle.pbz2"), bzip2Bomb(22));
    const out = fresh("bomb.sqlite");
    expectCleanFailure(["import", d, "--out", out, "--no-progress"], /meta\.pickle\.pbz2: bzip2 data decompresses to more than/, out);
  });

  test("a streamed single-file .pickle.pbz2 whose pickle claims a 1000 MB string", () => {
    const head = Buffer.from([0x80, 0x02, 0x58, 0x00, 0x00, 0x80, 0x3e]); // PROTO 2, BINUNICODE of 1,048,576,000 bytes
    const path = fresh("NATS-tss-v1_0-3ffb9-simple.pickle.pbz2");
    writeFileSync(path, Buffer.concat([bzip2(head), bzip2Bomb(24)]));
    const out = fresh("bomb.sqlite");
    expectCleanFailure(["import", path, "--out", out, "--no-progress"], /NATS-tss-v1_0-3ffb9-simple\.pickle\.pbz2/, out);
  });

  const bomb = deflateBomb(48);
  test("a .pth whose data.pkl inflates to 3 GiB", () => {
    const path = fresh("NAS-Bench-201-v1_0-e61699.pth");
    writeFileSync(path, zipWithEntry("archive/data.pkl", bomb, 48 * 64 * 2 ** 20));
    const out = fresh("bomb.sqlite");
    expectCleanFailure(["import", path, "--out", out, "--no-progress"], /NAS-Bench-201-v1_0-e61699\.pth/, out);
  });

  test("a zip entry holding more than its declared size", () => {
    const path = fresh("NAS-Bench-201-v1_0-e61699.pth");
    writeFileSync(path, zipWithEntry("archive/data.pkl", bomb, 1000));
    const out = fresh("bomb.sqlite");
    expectCleanFailure(["import", path, "--out", out, "--no-progress"], /holds more than the 1000 bytes the directory says/, out);
  });

  test("a per-arch -FULL.pth declaring 3 GiB is refused before inflating", () => {
    const d = fresh("NAS-BENCH-201-4-v1.0-archive");
    mkdirSync(d);
    writeFileSync(join(d, "000000-FULL.pth"), zipWithEntry("000000-FULL/data.pkl", bomb, 48 * 64 * 2 ** 20));
    const out = fresh("bomb.sqlite");
    expectCleanFailure(["import", d, "--out", out, "--no-progress", "--workers", "0"], /declares 3221225472 bytes, more than the 268435456/, out);
  });

  test("an IDX .gz of 200 MB whose header says 47 MB stops at the header's size", async () => {
    const { gzipSync } = await import("node:zlib");
    const header = Buffer.from([0, 0, 8, 3, 0, 0, 0xea, 0x60, 0, 0, 0, 28, 0, 0, 0, 28]);
    const path = fresh("train-images-idx3-ubyte.gz");
    writeFileSync(path, gzipSync(Buffer.concat([header, Buffer.alloc(200 << 20)]), { level: 1 }));
    const { spawnSync } = await import("node:child_process");
    const script = `import("${join(process.cwd(), "packages/engine/dist/data/idx.js")}").then((m) => { try { m.readIdx(require("fs").readFileSync(process.argv[1]), process.argv[1]); console.log("read"); } catch (e) { console.log(e.name + ": " + e.message); } })`;
    const r = spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, "-e", script, path], { encoding: "utf8" });
    expect(r.stdout).toMatch(/DataFileError: .* decompresses to more than the 47040016 bytes its IDX header declares/);
    expect(Number(r.stderr.trim().split("\n").pop()) / 1024).toBeLessThan(RSS_LIMIT_MIB);
  });
});

describe("malicious pickles: a few MB that would decode to GBs stop at the value budget", () => {
  // 1M nested dicts around a forbidden global: the largest peak RSS of perf/hardening/pickles.mjs (660 MB without a bound)
  const deepDicts = (): Uint8Array => {
    const head = [0x80, 2];
    const body = new Uint8Array(3_000_000);
    for (let i = 0; i < 1_000_000; i++) body.set([0x7d, 0x4b, 0x00], 3 * i); // EMPTY_DICT, BININT1 0
    const tail = [...Buffer.from("csubprocess\nPopen\n", "latin1"), ...new Array<number>(1_000_000).fill(0x73), 0x2e]; // GLOBAL, SETITEM × 1M, STOP
    return Uint8Array.from([...head, ...body, ...tail]);
  };

  test.each([".pickle", ".pth"])("1M nested dicts as a %s file: one line, exit 2, peak RSS < 512 MB", (ext) => {
    const path = fresh(`deep-dicts${ext}`);
    const bytes = deepDicts();
    writeFileSync(path, ext === ".pth" ? zipSync({ "archive/data.pkl": bytes, "archive/version": Buffer.from("3\n") }, { level: 0 }) : bytes);
    const out = fresh("deep.sqlite");
    expectCleanFailure(["import", path, "--out", out, "--no-progress"], /pickle decodes to more than 256 MiB of values/, out);
  });
});

describe("class 12: one arch file of a NATS directory", () => {
  test("imports that arch, and the directory import afterwards skips it", () => {
    const d = copyNatsSample(join(fresh("one"), "NATS-tss-v1_0-3ffb9-simple"));
    const out = fresh("one.sqlite");
    const one = runCliMeasured(["import", join(d, "000011.pickle.pbz2"), "--out", out, "--no-progress"]);
    expect(one.status, one.stderr).toBe(0);
    expect(one.stderr).toMatch(/imported 1 archs .*nats-arch-file, source 'NATS-tss-v1_0-3ffb9'/);
    const all = runCliMeasured(["import", d, "--out", out, "--no-progress", "--workers", "0"]);
    expect(all.status, all.stderr).toBe(0);
    expect(all.stderr).toMatch(/imported 2 archs .* 1 archs already done/);
  });
});
