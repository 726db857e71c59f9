import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zipSync } from "fflate";
import { create as tarCreate } from "tar";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { importBenchmark } from "../../packages/core/src/bench/import/importers.js";
import type { RunRecord } from "../../packages/core/src/registry/index.js";
import { BenchStore } from "../../packages/core/src/bench/store.js";
import { bunzip2 } from "../../packages/core/src/formats/bzip2.js";
import { FormatError } from "../../packages/core/src/formats/errors.js";
import { unpickle } from "../../packages/core/src/formats/pickle.js";
import { PyDict, PySet, PyTuple, type PyValue } from "../../packages/core/src/formats/pyvalue.js";
import { allArchs } from "../../packages/core/src/space/index.js";
import { NATS_SAMPLE as SAMPLE, readReferenceJson, referencePath } from "../support/reference.js";
import { PYTHON, requireSystem } from "../support/system.js";
import { writeNatsSingleFile } from "../support/nats-single-file.js";
import { Dict, pickle, Tuple, type W } from "../formats/pickle-writer.js";

const ARCHS = [0, 11, 284];

const dir = mkdtempSync(join(tmpdir(), "aa-nas-import-"));
let reference: BenchStore;
afterAll(() => {
  reference?.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeAll(() => {
  reference = BenchStore.create(join(dir, "reference.sqlite"));
  importBenchmark(referencePath(SAMPLE), reference);
});

function samples(): Map<number, PyValue> {
  return new Map(ARCHS.map((i) => [i, unpickle(bunzip2(readFileSync(referencePath(SAMPLE, `${String(i).padStart(6, "0")}.pickle.pbz2`))))]));
}

/** Decoded pickle values back into writer values (numpy scalars become floats; that is fine for the importer). */
function toW(v: PyValue): W {
  if (v instanceof PyDict) return new Dict([...v.entries()].map(([k, x]) => [toW(k), toW(x)] as [W, W]), v.kind === "OrderedDict");
  if (v instanceof PyTuple) return new Tuple(v.items.map(toW));
  if (v instanceof PySet) return v.items.map(toW);
  if (Array.isArray(v)) return v.map(toW);
  return v as W;
}

function allRecords(store: BenchStore): RunRecord[] {
  return [...store.records()];
}

/** Records minus their source, as JSON (exact for finite doubles; deep-equality on 50k numbers is slow in vitest). */
function withoutSource(recs: RunRecord[]): string {
  return JSON.stringify(recs.map((r) => ({ ...r, provenance: { ...r.provenance, source: "" } })));
}

/** A top-level benchmark dict as the single-file NATS / NAS-Bench-201 files lay it out. */
function benchmarkDict(entries: Array<[number, W]>): W {
  return new Dict([
    ["meta_archs", [...allArchs()]],
    ["total_archs", 15625],
    ["arch2infos", new Dict(entries)],
    ["evaluated_indexes", entries.map(([i]) => i)],
  ]);
}

describe("NATS-Bench directory import", () => {
  test("every run of the three sample archs matches the independent JSON dump value for value", () => {
    for (const index of ARCHS) {
      const json = readReferenceJson<
        Record<string, { dataset_seed: Record<string, number[]>; all_results: Record<string, Record<string, unknown>> }>
      >("nats-tss-sample-archs-json", `${String(index).padStart(6, "0")}.json`);
      for (const hp of ["12", "200"]) {
        for (const [ds, seeds] of Object.entries(json[hp]!.dataset_seed)) {
          for (const seed of seeds) {
            const want = json[hp]!.all_results[`${ds}@${seed}`]!;
            const rec = reference.getRecord(index, hp, ds, seed)!;
            const where = `${index} ${hp} ${ds} ${seed}`;
            expect(rec, where).not.toBeNull();
            expect([rec.params, rec.flops, rec.latency, rec.epochs], where).toStrictEqual([want.params, want.flop, want.latency, want.epochs]);
            expect(rec.train.loss, where).toStrictEqual(Object.values(want.train_losses as Record<string, number>));
            expect(rec.train.time, where).toStrictEqual(Object.values(want.train_times as Record<string, number>));
            expect(rec.train.acc5 === null, where).toBe(want.train_acc5es === null);
            expect(Object.keys(rec.evals), where).toStrictEqual(want.eval_names);
            const accs = want.eval_acc1es as Record<string, number>;
            const times = want.eval_times as Record<string, number>;
            for (const [set, curve] of Object.entries(rec.evals)) {
              expect(curve.acc, `${where} ${set}`).toStrictEqual(curve.epochs.map((e) => accs[`${set}@${e}`]));
              expect(curve.timeAllEpochs, `${where} ${set}`).toStrictEqual(Array.from({ length: rec.epochs }, (_, e) => times[`${set}@${e}`]));
            }
            expect(rec.provenance).toStrictEqual({ seedImputed: false, timesEstimated: true, device: null, source: "nats-tss-v1_0-3ffb9-simple-sample" });
          }
        }
      }
    }
    expect(reference.meta().runs).toBe(3 * (5 + 12));
  });

  test("a .tar of the directory (as distributed) imports entry by entry without unpacking, entries across tar's 16 MiB reads included", () => {
    const name = "NATS-tss-v1_0-3ffb9-simple";
    const tarDir = join(dir, "tar-src", name);
    spawnSync("mkdir", ["-p", tarDir]);
    const files = ["meta", "000000", "000011", "000284"].map((f) => `${f}.pickle.pbz2`);
    for (const f of files) writeFileSync(join(tarDir, f), readFileSync(referencePath(SAMPLE, f)));
    // tar reads files of 16 MiB and more in 16 MiB slices of one reused buffer: a leading entry that ends just before
    // 16 MiB makes the arch files straddle the first slice, a trailing one makes the second read overwrite all of it,
    // so entry chunks must be copied before the next read (the real archive is 2 GB)
    writeFileSync(join(tarDir, "padding-1.bin"), new Uint8Array(16 * 2 ** 20 - 60_000));
    writeFileSync(join(tarDir, "padding-2.bin"), new Uint8Array(16 * 2 ** 20));
    const tarPath = join(dir, `${name}.tar`);
    const entries = ["padding-1.bin", ...files, "padding-2.bin"].map((f) => `${name}/${f}`);
    tarCreate({ file: tarPath, cwd: join(dir, "tar-src"), sync: true }, entries);
    const store = BenchStore.create(join(dir, "tar.sqlite"));
    const s = importBenchmark(tarPath, store);
    expect([s.kind, s.source, s.archs]).toStrictEqual(["tar", "NATS-tss-v1_0-3ffb9", 3]);
    expect(withoutSource(allRecords(store))).toBe(withoutSource(allRecords(reference)));
    store.close();
  });

  test("an interrupted import resumes: finished archs are skipped, the rest is added", () => {
    const store = BenchStore.create(join(dir, "resume.sqlite"));
    let calls = 0;
    expect(() =>
      importBenchmark(referencePath(SAMPLE), store, {
        batchArchs: 1,
        onProgress: () => {
          if (++calls === 2) throw new Error("simulated crash");
        },
      }),
    ).toThrow("simulated crash");
    // arch 0 and arch 11 were committed (one arch per batch) before the crash
    expect(store.evaluatedIndexes()).toStrictEqual([0, 11]);
    const again = importBenchmark(referencePath(SAMPLE), store);
    expect([again.archs, again.skippedArchs, again.runs.inserted]).toStrictEqual([1, 2, 17]);
    expect(withoutSource(allRecords(store))).toBe(withoutSource(allRecords(reference)));
    const third = importBenchmark(referencePath(SAMPLE), store);
    expect([third.archs, third.skippedArchs]).toStrictEqual([0, 3]);
    store.close();
  });
});

describe("single-file imports stream arch2infos entry by entry", () => {
  const entries = (): Array<[number, W]> => [...samples()].map(([i, v]) => [i, toW(v)]);
  // CPython interns identifier-like strings, so they are shared across records through the memo
  const intern = (s: string): boolean => !s.includes("@") && s.length <= 20;
  let natsPickle: Uint8Array;
  beforeAll(() => {
    natsPickle = pickle(benchmarkDict(entries()), { protocol: 2, intern });
  });

  test("an uncompressed NATS .pickle with memo sharing between records imports like the directory", () => {
    const path = join(dir, "NATS-tss-test.pickle");
    writeFileSync(path, natsPickle);
    const store = BenchStore.create(join(dir, "single.sqlite"));
    const s = importBenchmark(path, store);
    expect([s.kind, s.archs, s.source]).toStrictEqual(["nats-file", 3, "NATS-tss-test"]);
    expect(withoutSource(allRecords(store))).toBe(withoutSource(allRecords(reference)));
    store.close();
  });

  test("the stream hook hands over each entry before the dict is complete and drops it afterwards", () => {
    const seen: number[] = [];
    const top = unpickle(natsPickle, {
      stream: { key: "arch2infos", onEntry: (k) => seen.push(Number(k)) },
    }) as PyDict;
    expect(seen).toStrictEqual(ARCHS);
    expect((top.get("arch2infos") as PyDict).size).toBe(0);
    expect((top.get("meta_archs") as string[]).length).toBe(15625);
  });

  test("the value budget applies per streamed entry: a budget under the whole file but above one record reads it", () => {
    const perRecord = 2 * natsPickle.length; // each record is a third of the file; its values cost more than its bytes
    const seen: number[] = [];
    unpickle(natsPickle, { maxValueBytes: perRecord + 4_000_000, stream: { key: "arch2infos", onEntry: (k) => seen.push(Number(k)) } });
    expect(seen).toStrictEqual(ARCHS);
    expect(() => unpickle(natsPickle, { maxValueBytes: perRecord + 4_000_000 })).toThrow(/pickle decodes to more than \d+ MiB of values \(estimated/);
  });

  test("a bzip2-compressed .pickle.pbz2 streams through the decompressor", () => {
    requireSystem("bzip2");
    const r = spawnSync("bzip2", ["-c"], { input: natsPickle, maxBuffer: 1 << 28 });
    expect(r.status).toBe(0);
    const path = join(dir, "NATS-tss-bz.pickle.pbz2");
    writeFileSync(path, r.stdout);
    const store = BenchStore.create(join(dir, "bz.sqlite"));
    let lastDone = 0;
    const s = importBenchmark(path, store, { onProgress: (p) => (lastDone = p.done) });
    expect(s.archs).toBe(3);
    expect(lastDone).toBeGreaterThan(0);
    store.close();
  });

  test("a real CPython-written single NATS file (protocol 4, bz2, shared numpy dtype) imports like the directory", () => {
    const path = join(dir, "NATS-tss-v1_0-test.pickle.pbz2");
    writeNatsSingleFile(referencePath(SAMPLE), path, 15_625);
    const store = BenchStore.create(join(dir, "py-single.sqlite"));
    expect(importBenchmark(path, store).archs).toBe(3);
    expect(withoutSource(allRecords(store))).toBe(withoutSource(allRecords(reference)));
    store.close();
  });
});

describe("NAS-Bench-201 .pth import ({'full','less'} states)", () => {
  const nb201Entries = (): Array<[number, W]> =>
    [...samples()].map(([i, v]) => {
      const d = v as PyDict;
      return [i, new Dict([["full", toW(d.get("200")!)], ["less", toW(d.get("12")!)]])];
    });

  function expectNb201(store: BenchStore): void {
    // full → '200', less → '12'; the measurements are those of the NATS records
    const recs = allRecords(store).map((r) => ({ ...r, provenance: { ...r.provenance, timesEstimated: true } }));
    expect(withoutSource(recs)).toBe(withoutSource(allRecords(reference)));
    expect(store.hps()).toStrictEqual(["200", "12"]);
  }

  test("torch.save zip container (v1.1 name → times marked estimated)", () => {
    const path = join(dir, "NAS-Bench-201-v1_1-test.pth");
    writeFileSync(path, zipSync({ "archive/data.pkl": [pickle(benchmarkDict(nb201Entries())), { level: 0 }], "archive/version": new TextEncoder().encode("3\n") }));
    const store = BenchStore.create(join(dir, "nb-zip.sqlite"));
    const s = importBenchmark(path, store);
    expect([s.kind, s.source, s.archs]).toStrictEqual(["nb201-file", "NAS-Bench-201-v1_1-test", 3]);
    expect(store.getRecord(0, "200", "cifar10", 777)!.provenance.timesEstimated).toBe(true);
    expectNb201(store);
    store.close();
  });

  test("legacy torch.save stream (v1.0 name → times marked measured)", () => {
    const path = join(dir, "NAS-Bench-201-v1_0-test.pth");
    writeFileSync(path, Uint8Array.from([...pickle(0x1950a86a20f9469cfc6cn), ...pickle(1001), ...pickle(new Dict([["little_endian", true]])), ...pickle(benchmarkDict(nb201Entries())), ...pickle([])]));
    const store = BenchStore.create(join(dir, "nb-legacy.sqlite"));
    importBenchmark(path, store);
    expect(store.getRecord(0, "200", "cifar10", 777)!.provenance.timesEstimated).toBe(false);
    expectNb201(store);
    store.close();
  });

  test("files written by real torch.save in both layouts import", () => {
    requireSystem("torch");
    const script = `
import bz2, pickle, sys, torch, collections
d = sys.argv[1]
meta = pickle.loads(bz2.decompress(open(d + '/meta.pickle.pbz2', 'rb').read()))
infos = {}
for i in (0, 11, 284):
    x = pickle.loads(bz2.decompress(open(d + '/%06d.pickle.pbz2' % i, 'rb').read()))
    infos[i] = {'full': x['200'], 'less': x['12']}
obj = {'meta_archs': meta['meta_archs'], 'total_archs': 15625, 'arch2infos': infos, 'evaluated_indexes': sorted(infos)}
torch.save(obj, sys.argv[2])
torch.save(obj, sys.argv[3], _use_new_zipfile_serialization=False)`;
    const a = join(dir, "NAS-Bench-201-v1_1-torch.pth");
    const b = join(dir, "NAS-Bench-201-v1_1-torchlegacy.pth");
    const r = spawnSync(PYTHON, ["-c", script, referencePath(SAMPLE), a, b], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    for (const path of [a, b]) {
      const store = BenchStore.create(`${path}.sqlite`);
      importBenchmark(path, store);
      expectNb201(store);
      store.close();
    }
  });
});

describe("bad benchmark files", () => {
  test("a truncated .pickle.pbz2 in a NATS directory stops the import with a FormatError naming the file", () => {
    const bad = join(dir, "bad-nats");
    spawnSync("mkdir", ["-p", bad]);
    writeFileSync(join(bad, "meta.pickle.pbz2"), readFileSync(referencePath(SAMPLE, "meta.pickle.pbz2")));
    const good = readFileSync(referencePath(SAMPLE, "000011.pickle.pbz2"));
    writeFileSync(join(bad, "000011.pickle.pbz2"), good.subarray(0, good.length >> 1));
    const store = BenchStore.create(join(dir, "bad.sqlite"));
    expect(() => importBenchmark(bad, store)).toThrow(FormatError);
    expect(() => importBenchmark(bad, store)).toThrow(/000011\.pickle\.pbz2.*truncated/);
    expect(store.meta().runs).toBe(0);
    store.close();
  });

  test("a record missing a field is rejected, not half-imported", () => {
    const v = samples().get(0) as PyDict;
    const state = (v.get("12") as PyDict).get("all_results") as PyDict;
    const first = state.values()[0] as PyDict;
    const broken = new PyDict();
    for (const [k, x] of first.entries()) if (k !== "train_losses") broken.set(k, x);
    state.set(state.keys()[0]!, broken);
    const path = join(dir, "NATS-broken.pickle");
    writeFileSync(path, pickle(benchmarkDict([[0, toW(v)]])));
    const store = BenchStore.create(join(dir, "broken.sqlite"));
    expect(() => importBenchmark(path, store)).toThrow(/train_losses is a nothing, expected a dict/);
    expect(store.meta().runs).toBe(0);
    store.close();
  });
});
