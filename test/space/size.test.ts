/**
 * The size search space (sss) against the real NATS-Bench files: the index order equals the meta file's 32,768
 * strings, and the closed-form parameters and FLOPs equal what the three real records hold, as float64, for every
 * (hp, dataset, seed) they have.
 */
import { describe, expect, it } from "vitest";
import { bunzip2 } from "../../packages/core/src/formats/bzip2.js";
import { unpickle } from "../../packages/core/src/formats/pickle.js";
import { PyDict, PyTuple, type PyValue } from "../../packages/core/src/formats/pyvalue.js";
import { DATASET_KEYS, type DatasetKey } from "../../packages/core/src/registry/index.js";
import {
  ArchIndexError,
  archAt,
  allArchs,
  allSizeArchs,
  parseSizeArch,
  resolveIn,
  searchSpace,
  spaceOfArch,
  SIZE_NUM_ARCHS,
  SizeArchError,
  sizeArchAt,
  sizeArchCosts,
  sizeIndexOf,
  SpaceNameError,
} from "../../packages/core/src/space/index.js";
import { readReference } from "../support/reference.js";

const SAMPLE = "nats-sss-v1_0-50262-simple-sample";

function load(name: string): PyValue {
  return unpickle(bunzip2(readReference(SAMPLE, name), name), { label: name });
}

function get(d: PyValue, key: PyValue): PyValue {
  if (!(d instanceof PyDict)) throw new Error(`not a dict: ${String(d)}`);
  const v = d.get(key);
  if (v === undefined) throw new Error(`missing key ${String(key)}`);
  return v;
}

describe("size space index order", () => {
  it("all 32,768 strings equal the meta file's meta_archs, in order", () => {
    const meta = load("meta.pickle.pbz2");
    const archs = get(meta, "meta_archs") as string[];
    expect(get(meta, "total_archs")).toBe(32768);
    expect(archs.length).toBe(SIZE_NUM_ARCHS);
    const ours = allSizeArchs();
    let mismatches = 0;
    for (let i = 0; i < archs.length; i++) if (archs[i] !== ours[i] || sizeArchAt(i) !== archs[i] || sizeIndexOf(archs[i]!) !== i) mismatches++;
    expect(mismatches).toBe(0);
  });

  it("matches the spec's examples: the last position varies fastest", () => {
    const cases: [number, string][] = [
      [0, "8:8:8:8:8"],
      [1, "8:8:8:8:16"],
      [7, "8:8:8:8:64"],
      [8, "8:8:8:16:8"],
      [11, "8:8:8:16:32"],
      [284, "8:8:40:32:40"],
      [1234, "8:24:32:24:24"],
      [32767, "64:64:64:64:64"],
    ];
    for (const [i, s] of cases) {
      expect(sizeArchAt(i)).toBe(s);
      expect(sizeIndexOf(s)).toBe(i);
    }
  });

  it("an unknown or non-canonical string has index −1, and parsing it is a typed error", () => {
    for (const bad of ["8:8:8:8", "8:8:8:8:8:8", "08:8:8:8:8", "8:8:8:8:9", "8:8:8:8:72", " 8:8:8:8:8", "8:8:8:8:0", "8;8;8;8;8", "", "|none~0|+|"]) {
      expect(sizeIndexOf(bad), bad).toBe(-1);
      expect(() => parseSizeArch(bad), bad).toThrow(SizeArchError);
    }
    expect(() => parseSizeArch("8:8:8:8:9")).toThrow(/valid widths are 8, 16, 24, 32, 40, 48, 56 or 64/);
    expect(() => sizeArchAt(32768)).toThrow(ArchIndexError);
    expect(() => sizeArchAt(-1)).toThrow(ArchIndexError);
    expect(() => sizeArchAt(1.5)).toThrow(ArchIndexError);
  });
});

describe("size space costs", () => {
  it("params and FLOPs equal the three real records as float64, every hp, dataset and seed", () => {
    let checked = 0;
    for (const [index, file] of [[0, "000000.pickle.pbz2"], [11, "000011.pickle.pbz2"], [284, "000284.pickle.pbz2"]] as const) {
      const entry = load(file) as PyDict;
      expect([...entry.keys()]).toStrictEqual(["01", "12", "90"]);
      for (const [, ar] of entry.entries()) {
        const arch = get(ar, "arch_str") as string;
        expect(arch).toBe(sizeArchAt(index));
        for (const [key, rc] of (get(ar, "all_results") as PyDict).entries()) {
          const dataset = (key as PyTuple).items[0] as DatasetKey;
          const c = sizeArchCosts(arch, dataset);
          expect(c.params, `${arch} ${dataset} params`).toBe(get(rc, "params"));
          expect(c.flops, `${arch} ${dataset} flops`).toBe(get(rc, "flop"));
          checked++;
        }
      }
    }
    // 3 archs × 4 datasets × (1 + 3 + 1) seeds
    expect(checked).toBe(60);
  });

  it("the spec's table of ranges over the whole space holds", () => {
    const expected: Record<DatasetKey, [number, number, number, number]> = {
      "cifar10-valid": [4.481114, 274.399882, 0.011714, 0.713674],
      cifar10: [4.481114, 274.399882, 0.011714, 0.713674],
      cifar100: [4.481924, 274.405732, 0.012524, 0.719524],
      "ImageNet16-120": [1.121336, 68.607608, 0.012704, 0.720824],
    };
    for (const ds of DATASET_KEYS) {
      let [fMin, fMax, pMin, pMax] = [Infinity, -Infinity, Infinity, -Infinity];
      for (const arch of allSizeArchs()) {
        const c = sizeArchCosts(arch, ds);
        fMin = Math.min(fMin, c.flops);
        fMax = Math.max(fMax, c.flops);
        pMin = Math.min(pMin, c.params);
        pMax = Math.max(pMax, c.params);
      }
      expect([fMin, fMax, pMin, pMax], ds).toStrictEqual(expected[ds]);
    }
  });
});

describe("search spaces by name", () => {
  it("'tss'/'topology' and 'sss'/'size' name the two spaces, with NATS's names and sizes", () => {
    expect(searchSpace("topology")).toBe(searchSpace("tss"));
    expect(searchSpace("size")).toBe(searchSpace("sss"));
    expect([searchSpace("tss").size, searchSpace("tss").natsName, searchSpace("tss").fullTrainEpochs]).toStrictEqual([15625, "topology", 200]);
    expect([searchSpace("sss").size, searchSpace("sss").natsName, searchSpace("sss").fullTrainEpochs]).toStrictEqual([32768, "size", 90]);
    expect(searchSpace("tss").allArchs()).toBe(allArchs());
    expect(() => searchSpace("nas-bench-101")).toThrow(SpaceNameError);
    expect(() => searchSpace("nas-bench-101")).toThrow(/'tss', 'topology', 'sss' or 'size'/);
  });

  it("resolves indexes and strings within the chosen space only", () => {
    const sss = searchSpace("sss");
    expect(resolveIn(sss, 11)).toStrictEqual({ index: 11, arch: "8:8:8:16:32" });
    expect(resolveIn(sss, "8:8:40:32:40")).toStrictEqual({ index: 284, arch: "8:8:40:32:40" });
    expect(() => resolveIn(sss, "|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|")).toThrow(SizeArchError);
    expect(() => resolveIn(searchSpace("tss"), "8:8:8:8:8")).toThrow(/arch string/);
    expect(() => resolveIn(searchSpace("tss"), 20000)).toThrow(ArchIndexError);
    expect(resolveIn(searchSpace("tss"), 20000 - 15625).index).toBe(4375);
  });

  it("a record's (index, arch string) pair names its space; a pair neither space has names none", () => {
    expect(spaceOfArch(11, "8:8:8:16:32")).toBe(searchSpace("sss"));
    expect(spaceOfArch(11, archAt(11))).toBe(searchSpace("tss"));
    expect(spaceOfArch(20000, "40:64:8:40:8")).toBe(searchSpace("sss"));
    expect(spaceOfArch(12, "8:8:8:16:32")).toBeNull();
    expect(spaceOfArch(20000, archAt(4375))).toBeNull();
    expect(spaceOfArch(-1, "8:8:8:8:8")).toBeNull();
  });

  it("lists the seeds each space's benchmark trained an hp with, where every arch has the same set", () => {
    expect(searchSpace("sss").releasedSeeds).toStrictEqual({ "01": [777], "12": [777, 888, 999], "90": [777] });
    expect(searchSpace("tss").releasedSeeds).toStrictEqual({ "200": [777, 888, 999] });
  });

  it("the network config of a size arch is the fixed cell at the arch's widths", () => {
    const sss = searchSpace("sss");
    const stored = sss.storedConfig("8:16:24:32:40", 100);
    expect(stored).toStrictEqual({ channel: 8, numCells: 1, classNum: 100 });
    expect(sss.netConfig("8:16:24:32:40", stored)).toStrictEqual({
      name: "infer.shape.tiny",
      channels: "8:16:24:32:40",
      genotype: "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|",
      numClasses: 100,
    });
    // the fixed cell is tss arch 9930 (the spec checked it against the tss meta file)
    const cfg = sss.netConfig("8:8:8:8:8", stored);
    expect(cfg.name === "infer.shape.tiny" ? searchSpace("tss").indexOf(cfg.genotype) : -1).toBe(9930);
  });
});
