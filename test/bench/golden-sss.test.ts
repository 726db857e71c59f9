/**
 * Replays the answers of the real nats_bench v1.8 API in the size search space (golden-api-nats_bench-v1.8-sss.json,
 * made with `create(dir, 'sss', fast_mode=True)` on the three sample archs) against an sss store imported from the same
 * directory. Floats must be bit-identical (toStrictEqual compares doubles with Object.is) and every call the original
 * failed on must fail here. The golden file was written with sorted keys, so key order is not compared. The extra file
 * holds find_best over the three loaded archs (enforce_all=False) and query_info_str_by_arch.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { costInfoToOriginal, NasBench, toOriginalKeys } from "../../packages/core/src/bench/api.js";
import { BenchQueryError, MetricUnavailableError } from "../../packages/core/src/bench/errors.js";
import { importBenchmark } from "../../packages/core/src/bench/import/importers.js";
import { BenchStore } from "../../packages/core/src/bench/store.js";
import { PyRandom } from "../../packages/core/src/space/index.js";
import { referencePath } from "../support/reference.js";
import { SSS_SAMPLE, readSssGolden } from "../support/golden-sss.js";

const { golden, extra } = readSssGolden();

let dir: string;
let bench: NasBench;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "aa-nas-golden-sss-"));
  const store = BenchStore.create(join(dir, "sss.sqlite"), { space: "sss" });
  importBenchmark(referencePath(SSS_SAMPLE), store);
  store.close();
  bench = NasBench.open(join(dir, "sss.sqlite"));
});

afterAll(() => {
  bench?.close();
  rmSync(dir, { recursive: true, force: true });
});

function isError(v: unknown): v is string {
  return typeof v === "string" && v.startsWith("ERROR:");
}

test("the golden file has the 36 cases of 3 archs × 3 hps × 4 datasets", () => {
  expect(golden.cases.length).toBe(36);
  expect(new Set(golden.cases.map((c) => c.hp))).toStrictEqual(new Set(["01", "12", "90"]));
});

describe.each(golden.cases.map((c) => [`arch ${c.index} hp ${c.hp} ${c.dataset}`, c] as const))("golden sss case %s", (_name, c) => {
  test("arch string, seeds and total epochs", () => {
    expect(bench.arch(c.index)).toBe(c.arch);
    expect(bench.indexOf(c.arch)).toBe(c.index);
    expect(bench.seedsOf(c.index, c.dataset, { hp: c.hp })).toStrictEqual(c.seeds);
    expect(bench.getTotalEpoch(c.index, c.dataset, { hp: c.hp })).toBe(c.total_epoch);
  });

  test("cost info and latency match bit for bit", () => {
    expect(costInfoToOriginal(bench.getCostInfo(c.index, c.dataset, { hp: c.hp }))).toStrictEqual(c.get_cost_info);
    expect(bench.getLatency(c.index, c.dataset, { hp: c.hp })).toBe(c.get_latency);
  });

  test("get_more_info: mean over seeds, each seed, and epochs 0 and 5 (an error past the schedule)", () => {
    expect(toOriginalKeys(bench.getMoreInfo(c.index, c.dataset, { hp: c.hp, trial: "mean" }))).toStrictEqual(c.get_more_info_mean);
    expect(toOriginalKeys(bench.getMoreInfo(c.arch, c.dataset, { hp: c.hp }))).toStrictEqual(c.get_more_info_mean);
    for (const [seed, expected] of Object.entries(c.get_more_info_by_seed)) {
      expect(toOriginalKeys(bench.getMoreInfo(c.index, c.dataset, { hp: c.hp, trial: Number(seed) })), seed).toStrictEqual(expected);
    }
    for (const [epoch, expected] of Object.entries(c.get_more_info_iepoch)) {
      const query = (): unknown => bench.getMoreInfo(c.index, c.dataset, { hp: c.hp, iepoch: Number(epoch), trial: "mean" });
      if (isError(expected)) expect(query, `iepoch ${epoch}`).toThrow(MetricUnavailableError);
      else expect(toOriginalKeys(query() as object), `iepoch ${epoch}`).toStrictEqual(expected);
    }
  });

  test("net config: the fixed cell at the arch's widths", () => {
    const cfg = bench.getNetConfig(c.index, c.dataset);
    if (cfg.name !== "infer.shape.tiny") throw new Error(`a size store answered a ${cfg.name} config`);
    expect({ name: cfg.name, channels: cfg.channels, genotype: cfg.genotype, num_classes: cfg.numClasses }).toStrictEqual(c.get_net_config);
  });
});

describe("golden sss queries over the whole file", () => {
  test("simulate_train_eval replays in file order: same accuracies, latency, costs and accumulated time; cifar10-valid fails", () => {
    bench.resetTime();
    let answered = 0;
    for (const c of golden.cases) {
      bench.setRng(new PyRandom(7 + c.index));
      for (const [k, expected] of c.simulate_train_eval.entries()) {
        const where = `arch ${c.index} hp ${c.hp} ${c.dataset} call ${k}`;
        const query = () => bench.simulateTrainEval(c.index, c.dataset, { hp: c.hp });
        if (isError(expected)) {
          expect(query, where).toThrow(BenchQueryError);
          continue;
        }
        const r = query();
        expect([r.validAccuracy, r.latency, r.timeCost, r.usedTime], where).toStrictEqual(expected);
        answered++;
      }
    }
    // 27 cases × 3 calls, 9 of them on cifar10-valid
    expect(answered).toBe(81);
  });

  test("query_index_by_arch, the space's size and its first and last strings", () => {
    for (const [arch, index] of Object.entries(golden.query_index_by_arch)) expect(bench.indexOf(arch), arch).toBe(index);
    expect(bench.size).toBe(golden.n_archs);
    expect(golden.meta_archs_head.map((_, i) => bench.arch(i))).toStrictEqual(golden.meta_archs_head);
    const n = golden.meta_archs_tail.length;
    expect(golden.meta_archs_tail.map((_, i) => bench.arch(bench.size - n + i))).toStrictEqual(golden.meta_archs_tail);
  });

  test("statistics count the trials per arch like the original", () => {
    for (const [key, expected] of Object.entries(golden.statistics)) {
      const [dataset, hp] = key.split("|") as [string, string];
      expect(Object.fromEntries([...bench.statistics(dataset, hp)].map(([k, v]) => [String(k), v])), key).toStrictEqual(expected);
    }
  });

  test("the NATS size-space attributes: name 'size', 90 full epochs, hps '01' '12' '90', no unique strings", () => {
    expect([bench.searchSpaceName, bench.isSize, bench.isTopology, bench.fullTrainEpochs]).toStrictEqual(["size", true, false, 90]);
    expect(bench.hps).toStrictEqual(["01", "12", "90"]);
    expect(() => bench.uniqueStr(0)).toThrow(BenchQueryError);
    expect(() => bench.getMoreInfo(0, "cifar10", { hp: "1" })).toThrow(BenchQueryError);
    expect(() => bench.arch(32768)).toThrow(/out of range: valid indexes are 0..32767/);
    expect(String(bench)).toMatch(/^NasBench\(3\/32768 architectures, hps=\['01', '12', '90'\]/);
  });
});

describe("golden sss find_best and summaries (the extra file)", () => {
  test("find_best: the remap, the strict flop/param filter (equality passes) and the errors of the original", () => {
    const entries = Object.entries(extra.find_best_enforce_all_false);
    expect(entries.length).toBe(216);
    let answered = 0;
    for (const [key, expected] of entries) {
      const [dataset, set, hp, flopBy, paramBy] = key.split("|") as [string, string, string, string, string];
      const flopMax = flopBy === "a11" ? bench.getCostInfo(11, dataset, { hp }).flops : undefined;
      const paramMax = paramBy === "a11" ? bench.getCostInfo(11, dataset, { hp }).params : undefined;
      const query = () => bench.findBest(dataset, set, { hp, flopMax, paramMax });
      if (isError(expected)) {
        expect(query, key).toThrow(BenchQueryError);
        continue;
      }
      const best = query();
      expect([best.index, best.accuracy], key).toStrictEqual(expected);
      answered++;
    }
    expect(answered).toBe(180);
  });

  test("query_info_str_by_arch prints the same text (the cifar10-valid line shows its ori-test in sss)", () => {
    for (const [key, expected] of Object.entries(extra.query_info_str_by_arch)) {
      const [index, hp] = key.split("|") as [string, string];
      expect(bench.queryInfoStr(Number(index), hp), key).toBe(expected);
    }
  });
});
