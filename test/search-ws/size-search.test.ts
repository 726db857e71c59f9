// TAS, FBNet-V2 and TuNAS end to end on a Fashion-MNIST subset (the 64-wide supernet, a few steps): size-space
// answers, the warm-up and τ schedules, checkpoint/resume, and the search command with --bench on a size-space store.
import "./support/single-thread.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { registerSearchCommands } from "../../packages/cli/src/commands/search.js";
import { NasBench } from "../../packages/core/src/bench/api.js";
import "../../packages/core/src/bench/store.js";
import { SIZE_CANDIDATES, sizeArchAt, sizeIndexOf } from "../../packages/core/src/space/index.js";
import { loadSearchData } from "../../packages/engine/src/search-ws/search-data.js";
import { runWeightSharingSearch, type WsSearchOptions, type WsSearchResult } from "../../packages/engine/src/search-ws/runner.js";
import { SSS_WS_ALGORITHMS, defaultSettings, type SizeWsAlgorithm, type WsSettings } from "../../packages/engine/src/search-ws/settings.js";
import { SizeSupernet } from "../../packages/engine/src/search-ws/size-supernet.js";
import { manualSeed } from "../../packages/engine/src/tensor/index.js";
import { writeSssSearchStore } from "../search/sss-store.js";
import { SMALL_HPS, writeSyntheticStore } from "../web/support/synthetic-store.js";

const data = loadSearchData("fashion-mnist", { dataDir: "/nonexistent", subset: 16 });
const dir = mkdtempSync(join(tmpdir(), "aa-nas-size-search-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const EPOCHS = 3;
/** warm-up while e/E < 0.3: epoch 0 only (1/3 ≥ 0.3) */
const WARMUP = 0.3;

function tinySettings(algorithm: SizeWsAlgorithm): WsSettings {
  const s = defaultSettings(algorithm);
  s.weight = { ...s.weight, epochs: EPOCHS, batchSize: 8, testBatchSize: 8 };
  s.warmupRatio = WARMUP;
  return s;
}

function options(algorithm: SizeWsAlgorithm, extra: Partial<WsSearchOptions> = {}): WsSearchOptions {
  return { algorithm, data, seed: 5, settings: tinySettings(algorithm), maxSteps: 2, evalBatches: 1, ...extra };
}

/** softmax of the α a fresh supernet draws under `seed` (what the controller starts from). */
function initialAlphas(seed: number): number[][] {
  manualSeed(seed);
  const net = new SizeSupernet({ numClasses: data.classNum, inputChannels: data.shape[0] });
  try {
    const a = Array.from(net.alpha.detach().softmax(-1).toFloat32Array());
    return Array.from({ length: 5 }, (_, r) => a.slice(r * 8, r * 8 + 8));
  } finally {
    net.dispose();
  }
}

describe.each(SSS_WS_ALGORITHMS)("%s on a Fashion-MNIST subset", (algorithm) => {
  let run: WsSearchResult;
  beforeAll(async () => {
    run = await runWeightSharingSearch(options(algorithm));
  });

  it("answers a size-space config: the per-position argmax of α as channels, with its benchmark index", () => {
    const g = run.genotype;
    expect(run.space).toBe("sss");
    expect(g.ops).toHaveLength(5);
    expect(g.arch).toBe(g.ops.map((k) => SIZE_CANDIDATES[k]).join(":"));
    expect(g.index).toBe(sizeIndexOf(g.arch));
    expect(sizeArchAt(g.index)).toBe(g.arch);
    const argmax = run.alphas!.map((row) => row.indexOf(Math.max(...row)));
    expect(g.ops).toEqual(argmax);
  });

  it("keeps the controller off during the warm-up epoch, then steps α", () => {
    expect(run.history.map((h) => h.extra!.controller)).toEqual([0, 1, 1]);
    // p(full width) = 1 − e/E/ratio at epoch 0
    expect(run.history[0]!.extra!.warmup).toBe(1);
    const start = initialAlphas(5);
    expect(run.history[0]!.alphas).toEqual(start);
    expect(run.history[2]!.alphas).not.toEqual(start);
    for (const h of run.history) {
      expect(Number.isFinite(h.searchLoss)).toBe(true);
      expect(Number.isFinite(h.archLoss!)).toBe(true);
      expect(h.validAcc).toBeGreaterThanOrEqual(0);
    }
  });

  it("follows the algorithm's own schedule: τ from 10 to 0.1 (TAS, FBNet-V2), or TuNAS's reward baseline", () => {
    if (algorithm === "tunas") {
      expect(run.history.every((h) => h.extra!.tau === undefined)).toBe(true);
      expect(run.history.every((h) => h.extra!.baseline! >= 0 && h.extra!.baseline! <= 100)).toBe(true);
    } else {
      // the float32 buffer the original divides by
      expect(run.history.map((h) => h.extra!.tau)).toEqual([10, 5.05, 0.1].map(Math.fround));
    }
  });
});

describe("checkpoint and resume of the size searches", () => {
  it.each(SSS_WS_ALGORITHMS)("%s resumed after the warm-up epoch ends exactly as the uninterrupted search", async (algorithm) => {
    const straight = await runWeightSharingSearch(options(algorithm));
    const path = join(dir, `resume-${algorithm}.safetensors`);
    const first = await runWeightSharingSearch(options(algorithm, { checkpointPath: path, stopEpoch: 1 }));
    expect(first.epochsRun).toBe(1);
    const resumed = await runWeightSharingSearch(options(algorithm, { checkpointPath: path, resume: true }));
    expect(resumed.resumedFrom).toBe(0);
    expect(resumed.history.map((h) => [h.searchLoss, h.archLoss, h.validLoss, h.extra!.baseline ?? null])).toEqual(
      straight.history.map((h) => [h.searchLoss, h.archLoss, h.validLoss, h.extra!.baseline ?? null]),
    );
    expect(resumed.genotype).toEqual(straight.genotype);
    expect(resumed.alphas).toEqual(straight.alphas);
  });

  it("refuses a checkpoint of another algorithm, and topology-only sizes", async () => {
    const path = join(dir, "tas.safetensors");
    await runWeightSharingSearch(options("tas", { checkpointPath: path, stopEpoch: 1 }));
    await expect(runWeightSharingSearch(options("fbnet-v2", { checkpointPath: path, resume: true }))).rejects.toThrow(/written for algorithm tas, this run has fbnet-v2/);
    await expect(runWeightSharingSearch(options("tas", { channel: 16 }))).rejects.toThrow(/TAS searches the size space.*channel and numCells do not apply/);
  });
});

function searchProgram(): Command {
  const program = new Command().exitOverride();
  registerSearchCommands(program);
  return program;
}

async function searchJson(args: string[]): Promise<Record<string, unknown>> {
  const out: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  await searchProgram().parseAsync(["search", ...args], { from: "user" });
  return JSON.parse(out.join("")) as Record<string, unknown>;
}

describe("aa-nas search tas|fbnet-v2|tunas", () => {
  const args = ["--epochs", "2", "--data-subset", "16", "--max-steps", "1", "--eval-batches", "1", "--batch-size", "8", "--seed", "4", "--warmup-ratio", "0.5", "--data-dir", "/nonexistent", "--json"];

  it("looks the answer up at hp 90 in a size-space store, as the library's search finds it", async () => {
    const settings = defaultSettings("tunas");
    settings.weight = { ...settings.weight, epochs: 2, batchSize: 8 };
    settings.warmupRatio = 0.5;
    const lib = await runWeightSharingSearch({ algorithm: "tunas", data, seed: 4, settings, maxSteps: 1, evalBatches: 1 });
    const db = join(dir, "sss.sqlite");
    writeSssSearchStore(db, ["cifar10"], [lib.genotype.index, (lib.genotype.index + 1) % 32768]);
    const r = (await searchJson(["tunas", ...args, "--bench", db])) as {
      space: string;
      genotype: { arch: string; index: number };
      channel: number;
      benchmark: { hp: string; table: Record<string, { valid: number | null; test: number | null }> };
    };
    expect(r.space).toBe("sss");
    expect(r.channel).toBe(64);
    expect(r.genotype).toEqual(lib.genotype);
    expect(r.benchmark.hp).toBe("90");
    const bench = NasBench.open(db, { space: "sss" });
    try {
      expect(r.benchmark.table.cifar10).toEqual({
        valid: bench.getMoreInfo(lib.genotype.index, "cifar10-valid", { hp: "90", trial: "mean" }).validAccuracy,
        test: bench.getMoreInfo(lib.genotype.index, "cifar10", { hp: "90", trial: "mean" }).testAccuracy,
      });
    } finally {
      bench.close();
    }
  });

  it("refuses a topology store for a size search, and each family's own options", async () => {
    const tss = join(dir, "tss.sqlite");
    writeSyntheticStore(tss, { archs: [0, 1], datasets: ["cifar10"], hps: SMALL_HPS });
    await expect(searchJson(["tas", ...args, "--bench", tss])).rejects.toThrow(/topology/);
    await expect(searchJson(["fbnet-v2", ...args, "--channel", "8"])).rejects.toThrow(/--channel do not apply to FBNet-V2: it searches the size space/);
    await expect(searchJson(["gdas", "--warmup-ratio", "0.3"])).rejects.toThrow(/--warmup-ratio applies to the size searches/);
    await expect(searchJson(["tas", "--warmup-ratio", "2"])).rejects.toThrow(/--warmup-ratio/);
  });
});
