// Every topology algorithm end to end on a small Fashion-MNIST subset (tiny supernet, a few steps), plus checkpoint/resume
// (the size searches: size-search.test.ts).
import "./support/single-thread.js";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSearchData } from "../../packages/engine/src/search-ws/search-data.js";
import { runWeightSharingSearch, type WsSearchOptions, type WsSearchResult } from "../../packages/engine/src/search-ws/runner.js";
import { TSS_WS_ALGORITHMS, defaultSettings, type WsAlgorithm, type WsSettings } from "../../packages/engine/src/search-ws/settings.js";
import { indexOf, isValid, NUM_ARCHS } from "../../packages/core/src/space/index.js";

const data = loadSearchData("fashion-mnist", { dataDir: "/nonexistent", subset: 24 });
const dir = mkdtempSync(join(tmpdir(), "aa-nas-ws-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tinySettings(algorithm: WsAlgorithm, epochs = 2): WsSettings {
  const s = defaultSettings(algorithm);
  s.weight = { ...s.weight, epochs, batchSize: 8, testBatchSize: 8 };
  s.selectNum = 3;
  s.controller = { ...s.controller, trainSteps: 2, numAggregate: 2, numSamples: 3, epochSamples: 2 };
  return s;
}

function options(algorithm: WsAlgorithm, extra: Partial<WsSearchOptions> = {}): WsSearchOptions {
  return { algorithm, data, seed: 7, settings: tinySettings(algorithm), channel: 2, numCells: 1, maxSteps: 2, evalBatches: 1, ...extra };
}

describe.each(TSS_WS_ALGORITHMS)("%s on a Fashion-MNIST subset", (algorithm) => {
  const progress = new Set<string>();
  let run: WsSearchResult;
  beforeAll(async () => {
    run = await runWeightSharingSearch(options(algorithm, { onProgress: (p) => progress.add(p.phase), checkpointPath: join(dir, `${algorithm}.safetensors`) }));
  });

  it("returns a genotype of the search space with its benchmark index", () => {
    const r = run;
    expect(r.genotype.index).toBe(indexOf(r.genotype.arch));
    expect(r.genotype.index).toBeGreaterThanOrEqual(0);
    expect(r.genotype.index).toBeLessThan(NUM_ARCHS);
    expect(typeof isValid(r.genotype.arch)).toBe("boolean");
  });

  it("records two epochs with finite losses and a per-epoch genotype", () => {
    const r = run;
    expect(r.history.map((h) => h.epoch)).toEqual([0, 1]);
    for (const h of r.history) {
      expect(Number.isFinite(h.searchLoss)).toBe(true);
      expect(h.searchAcc).toBeGreaterThanOrEqual(0);
      expect(h.genotype.ops).toHaveLength(6);
    }
    expect(r.epochsRun).toBe(2);
    expect(r.searchSeconds).toBeGreaterThan(0);
  });

  it("writes a checkpoint and reports progress", () => {
    expect(existsSync(join(dir, `${algorithm}.safetensors`))).toBe(true);
    expect(progress.size).toBeGreaterThan(0);
  });
});

describe("what each algorithm learns", () => {
  it("DARTS-V1 and GDAS move α away from its 1e-3·randn start and report softmax(α)", async () => {
    for (const algorithm of ["darts-v1", "gdas"] as const) {
      const r = await runWeightSharingSearch(options(algorithm, { settings: tinySettings(algorithm, 1) }));
      expect(r.alphas).toHaveLength(6);
      for (const row of r.alphas!) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      // uniform ± 1e-3·randn ⇒ softmax within ~1e-3 of 0.2 unless α was trained
      const spread = Math.max(...r.alphas!.flat().map((p) => Math.abs(p - 0.2)));
      expect(spread).toBeGreaterThan(1e-4);
    }
  });

  it("ENAS carries its controller baseline across epochs and scores candidates on valid batches", async () => {
    const r = await runWeightSharingSearch(options("enas"));
    expect(r.history[0]!.extra!.baseline).toBeGreaterThanOrEqual(0);
    expect(r.selectionAcc).toBeGreaterThanOrEqual(0);
    expect(r.selectionAcc).toBeLessThanOrEqual(100);
  });
});

describe("checkpoint and resume", () => {
  it.each(["gdas", "enas", "rsps"] as const)("%s resumed after epoch 0 ends exactly as the uninterrupted search", async (algorithm) => {
    const straight = await runWeightSharingSearch(options(algorithm));
    const path = join(dir, `resume-${algorithm}.safetensors`);
    const first = await runWeightSharingSearch(options(algorithm, { checkpointPath: path, stopEpoch: 1 }));
    expect(first.epochsRun).toBe(1);
    const resumed = await runWeightSharingSearch(options(algorithm, { checkpointPath: path, resume: true }));
    expect(resumed.resumedFrom).toBe(0);
    expect(resumed.epochsRun).toBe(1);
    expect(resumed.history.map((h) => h.searchLoss)).toEqual(straight.history.map((h) => h.searchLoss));
    expect(resumed.genotype).toEqual(straight.genotype);
    expect(resumed.alphas).toEqual(straight.alphas);
  });

  it("refuses a checkpoint written for another run", async () => {
    const path = join(dir, "other.safetensors");
    await runWeightSharingSearch(options("rsps", { checkpointPath: path, stopEpoch: 1 }));
    await expect(runWeightSharingSearch(options("rsps", { checkpointPath: path, resume: true, seed: 8 }))).rejects.toThrow(/seed 7, this run has 8/);
  });
});
