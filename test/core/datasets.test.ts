// The dataset registry is the one place per-key facts live; these pin the facts other modules now derive from it.
import { describe, expect, it } from "vitest";
import {
  DATASET_KEYS,
  RECORD_DATASET_KEYS,
  SEARCH_DATASETS,
  WS_DATASETS,
  datasetInfo,
  hasTestHalves,
  parseRecordDatasetKey,
  remapSearchSet,
  searchTrainKey,
} from "../../packages/core/src/registry/index.js";
import { UserError } from "../../packages/core/src/errors.js";

describe("dataset registry", () => {
  it("lists the benchmark keys in the original's training order, then the embedded extra", () => {
    expect(DATASET_KEYS).toStrictEqual(["cifar10-valid", "cifar10", "cifar100", "ImageNet16-120"]);
    expect(RECORD_DATASET_KEYS).toStrictEqual([...DATASET_KEYS, "fashion-mnist"]);
    expect(WS_DATASETS).toStrictEqual(["fashion-mnist", ...SEARCH_DATASETS]);
    expect(RECORD_DATASET_KEYS.filter((k) => datasetInfo(k).benchmark)).toStrictEqual([...DATASET_KEYS]);
  });

  it("find_best's remap_dataset_set_names, for every search name and set", () => {
    expect(remapSearchSet("cifar10", "valid")).toStrictEqual(["cifar10-valid", "x-valid"]);
    expect(remapSearchSet("cifar10", "test")).toStrictEqual(["cifar10", "ori-test"]);
    expect(remapSearchSet("cifar100", "valid")).toStrictEqual(["cifar100", "x-valid"]);
    expect(remapSearchSet("cifar100", "test")).toStrictEqual(["cifar100", "x-test"]);
    expect(remapSearchSet("ImageNet16-120", "valid")).toStrictEqual(["ImageNet16-120", "x-valid"]);
    expect(remapSearchSet("ImageNet16-120", "test")).toStrictEqual(["ImageNet16-120", "x-test"]);
    // anything else passes through, as in the original
    expect(remapSearchSet("cifar10-valid", "test")).toStrictEqual(["cifar10-valid", "test"]);
    expect(remapSearchSet("cifar10", "x-test")).toStrictEqual(["cifar10", "x-test"]);
  });

  it("searches on cifar10 train on cifar10-valid; every other name is its own key", () => {
    expect(WS_DATASETS.map(searchTrainKey)).toStrictEqual(["fashion-mnist", "cifar10-valid", "cifar100", "ImageNet16-120"]);
  });

  it("every key's latency, test and plot sets are among its eval sets; only halved test sets have x-test", () => {
    for (const k of RECORD_DATASET_KEYS) {
      const d = datasetInfo(k);
      expect(d.evalSets, k).toContain(d.latencySet);
      expect(d.evalSets, k).toContain(d.testSet);
      expect(d.evalSets, k).toContain(d.plotSet);
      expect(d.evalSets[0], k).toBe("ori-test");
      expect(hasTestHalves(k), k).toBe(k === "cifar100" || k === "ImageNet16-120");
      expect(d.norm.mean.length, k).toBe(d.shape[0]);
      for (const set of d.evalSets) expect(d.images[set], `${k} ${set}`).toBeGreaterThan(0);
    }
  });

  it("rejects an unknown key with the valid ones", () => {
    expect(() => parseRecordDatasetKey("cifar-10")).toThrow(UserError);
    expect(() => parseRecordDatasetKey("cifar-10")).toThrow(/unknown dataset 'cifar-10'; valid datasets: .*cifar10-valid.*fashion-mnist/);
  });
});
