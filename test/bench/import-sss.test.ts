/**
 * Importing NATS-Bench size-space (sss) files: the -simple directory, a tar of it, one arch's file and the single-file
 * layout (`NATS-sss-v1_0-50262.pickle.pbz2`, here written by CPython from the three real records) give the same runs;
 * a store holds one space, and mixing the spaces fails with SpaceMismatchError before anything is written.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create as tarCreate } from "tar";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { NasBench } from "../../packages/core/src/bench/api.js";
import { SpaceMismatchError } from "../../packages/core/src/bench/errors.js";
import { openSearchBenchmark } from "../../packages/core/src/search/store-benchmark.js";
import { importBenchmark, importSpaceOf } from "../../packages/core/src/bench/import/importers.js";
import { BenchStore } from "../../packages/core/src/bench/store.js";
import { FormatError } from "../../packages/core/src/formats/errors.js";
import type { RunRecord } from "../../packages/core/src/registry/index.js";
import { sizeArchCosts } from "../../packages/core/src/space/index.js";
import { NATS_SAMPLE as TSS_SAMPLE, referencePath } from "../support/reference.js";
import { PYTHON, requireSystem } from "../support/system.js";
import { writeNatsSingleFile } from "../support/nats-single-file.js";

const SAMPLE = "nats-sss-v1_0-50262-simple-sample";
const PICKLES = ["meta.pickle.pbz2", "000000.pickle.pbz2", "000011.pickle.pbz2", "000284.pickle.pbz2"];

const dir = mkdtempSync(join(tmpdir(), "aa-nas-import-sss-"));
let reference: BenchStore;

beforeAll(() => {
  reference = BenchStore.create(join(dir, "reference.sqlite"), { space: "sss" });
  importBenchmark(referencePath(SAMPLE), reference);
});

afterAll(() => {
  reference?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Records minus their source, as JSON (exact for finite doubles). */
function withoutSource(store: BenchStore): string {
  return JSON.stringify([...store.records()].map((r: RunRecord) => ({ ...r, provenance: { ...r.provenance, source: "" } })));
}

describe("sss imports", () => {
  test("the -simple directory: 3 archs, hps '01' '12' '90', seeds 777 / 777 888 999 / 777 on all four keys", () => {
    const meta = reference.meta();
    expect([meta.space, meta.archs, meta.runs]).toStrictEqual(["sss", 3, 60]);
    expect(meta.hps).toStrictEqual(["01", "12", "90"]);
    const seeds = (hp: string) => [...reference.records()].filter((r) => r.hp === hp && r.archIndex === 11 && r.dataset === "cifar100").map((r) => r.seed);
    expect([seeds("01"), seeds("12"), seeds("90")]).toStrictEqual([[777], [777, 888, 999], [777]]);
    const r = reference.getRecord(284, "90", "ImageNet16-120", 777)!;
    expect([r.arch, r.epochs, r.config]).toStrictEqual(["8:8:40:32:40", 90, { channel: 8, numCells: 1, classNum: 120 }]);
    expect({ flops: r.flops, params: r.params }).toStrictEqual(sizeArchCosts(r.arch, "ImageNet16-120"));
    reference.verify();
  });

  test("a tar of the directory imports the same runs", () => {
    const name = "NATS-sss-v1_0-50262-simple";
    mkdirSync(join(dir, "tar-src", name), { recursive: true });
    for (const f of PICKLES) copyFileSync(referencePath(SAMPLE, f), join(dir, "tar-src", name, f));
    const tarPath = join(dir, `${name}.tar`);
    // the meta file last: the archs are checked against the store's space before it is met
    tarCreate({ file: tarPath, cwd: join(dir, "tar-src"), sync: true }, [...PICKLES.slice(1), PICKLES[0]!].map((f) => `${name}/${f}`));
    expect(importSpaceOf(tarPath)).toBe("sss");
    const store = BenchStore.create(join(dir, "tar.sqlite"), { space: importSpaceOf(tarPath) });
    const s = importBenchmark(tarPath, store);
    expect([s.kind, s.source, s.archs]).toStrictEqual(["tar", "NATS-sss-v1_0-50262", 3]);
    expect(withoutSource(store)).toBe(withoutSource(reference));
    store.close();
  });

  test("the single-file layout (written by CPython: meta_archs, arch2infos, evaluated_indexes) imports the same runs", () => {
    const path = join(dir, "NATS-sss-v1_0-test.pickle.pbz2");
    writeNatsSingleFile(referencePath(SAMPLE), path, 32_768);
    expect(importSpaceOf(path)).toBe("sss");
    const store = BenchStore.create(join(dir, "single.sqlite"), { space: "sss" });
    const s = importBenchmark(path, store);
    expect([s.kind, s.archs]).toStrictEqual(["nats-file", 3]);
    expect(withoutSource(store)).toBe(withoutSource(reference));
    store.close();
  });

  test("a -full directory (weights pickled as tensors, written by CPython + torch) imports the same runs, weights skipped", () => {
    requireSystem("torch");
    const full = join(dir, "NATS-sss-v1_0-50262-full");
    mkdirSync(full);
    copyFileSync(referencePath(SAMPLE, "meta.pickle.pbz2"), join(full, "meta.pickle.pbz2"));
    // hp '12' and '90' keep their weights in the original's -full files; '01' has none
    const script = `
import bz2, pickle, collections, sys, torch
x = pickle.loads(bz2.decompress(open(sys.argv[1], 'rb').read()))
for hp in ('12', '90'):
    for rc in x[hp]['all_results'].values():
        rc['net_state_dict'] = collections.OrderedDict(w=torch.randn(8, 3, 3, 3), b=torch.zeros(8, dtype=torch.float64), n=torch.tensor(5))
open(sys.argv[2], 'wb').write(bz2.compress(pickle.dumps(x, protocol=4)))`;
    const r = spawnSync(PYTHON, ["-c", script, referencePath(SAMPLE, "000011.pickle.pbz2"), join(full, "000011.pickle.pbz2")], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const store = BenchStore.create(join(dir, "full.sqlite"), { space: "sss" });
    const s = importBenchmark(full, store, { workers: 0 });
    expect([s.kind, s.source, s.archs, s.runs.inserted]).toStrictEqual(["nats-dir", "NATS-sss-v1_0-50262", 1, 20]);
    const simple = JSON.parse(withoutSource(reference)) as RunRecord[];
    expect(withoutSource(store)).toBe(JSON.stringify(simple.filter((x) => x.archIndex === 11)));
    store.close();
  });

  test("one arch's file imports into an sss store", () => {
    const store = BenchStore.create(join(dir, "one.sqlite"), { space: "sss" });
    const s = importBenchmark(referencePath(SAMPLE, "000011.pickle.pbz2"), store);
    expect([s.kind, s.archs, store.meta().runs]).toStrictEqual(["nats-arch-file", 1, 20]);
    store.close();
  });
});

describe("one space per store", () => {
  test("importSpaceOf reads a directory's meta file", () => {
    expect(importSpaceOf(referencePath(SAMPLE))).toBe("sss");
    expect(importSpaceOf(referencePath(TSS_SAMPLE))).toBe("tss");
    expect(importSpaceOf("/nowhere/NATS-tss-v1_0-3ffb9.pickle.pbz2")).toBe("tss");
    expect(importSpaceOf("/nowhere/NATS-sss-v1_0-50262.pickle.pbz2")).toBe("sss");
  });

  test("an sss directory into a tss store, or a tss directory into an sss store, fails before writing", () => {
    const tss = BenchStore.create(join(dir, "mismatch-tss.sqlite"));
    expect(() => importBenchmark(referencePath(SAMPLE), tss)).toThrow(SpaceMismatchError);
    expect(tss.meta().runs).toBe(0);
    tss.close();
    const sss = BenchStore.create(join(dir, "mismatch-sss.sqlite"), { space: "sss" });
    expect(() => importBenchmark(referencePath(TSS_SAMPLE), sss)).toThrow(/holds the size search space \('sss'\), not 'tss'/);
    expect(() => importBenchmark(referencePath(TSS_SAMPLE, "000011.pickle.pbz2"), sss)).toThrow(/is not arch 11 of the size search space/);
    expect(sss.meta().runs).toBe(0);
    sss.close();
  });

  test("an sss arch file into a tss store is a FormatError naming the space", () => {
    const tss = BenchStore.create(join(dir, "mismatch-file.sqlite"));
    expect(() => importBenchmark(referencePath(SAMPLE, "000000.pickle.pbz2"), tss)).toThrow(FormatError);
    expect(() => importBenchmark(referencePath(SAMPLE, "000000.pickle.pbz2"), tss)).toThrow(/size-space record.*topology search space/);
    tss.close();
  });

  test("opening a store as the other space fails with a typed error; its own name or NATS's alias opens it", () => {
    const path = join(dir, "reference.sqlite");
    expect(() => BenchStore.open(path, { space: "tss" })).toThrow(SpaceMismatchError);
    expect(() => BenchStore.open(path, { space: "topology" })).toThrow(/open it as 'sss'/);
    for (const name of ["sss", "size"]) {
      const s = BenchStore.open(path, { space: name });
      expect(s.space.name).toBe("sss");
      s.close();
    }
    expect(() => BenchStore.write(path, () => 0, { space: "tss" })).toThrow(SpaceMismatchError);
    expect(() => BenchStore.open(path, { space: "nb101" })).toThrow(/unknown search space 'nb101'/);
    expect(() => NasBench.open(path, { space: "tss" })).toThrow(SpaceMismatchError);
    const bench = NasBench.open(path, { space: "size" });
    expect(bench.searchSpaceName).toBe("size");
    bench.close();
    // the benchmark-driven searches take the store's space (sampling, mutation and answers of the size space)
    const search = openSearchBenchmark(path);
    expect(search.space.name).toBe("sss");
    search.close();
  });
});
