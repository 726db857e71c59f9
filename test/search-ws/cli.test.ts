// The weight-sharing search command: options, errors, one tiny search through commander, and the lazy engine import.
import "./support/single-thread.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { afterEach, describe, expect, it, vi } from "vitest";
import { isWeightSharingAlgorithm, runWeightSharingSearchCommand, settingsFromOptions } from "../../packages/cli/src/commands/search-ws.js";
import { registerSearchCommands } from "../../packages/cli/src/commands/search.js";
import { UserError } from "../../packages/core/src/errors.js";
import { repoRoot } from "../support/paths.js";

afterEach(() => vi.restoreAllMocks());

describe("weight-sharing search options", () => {
  it("knows the nine algorithm names (six topology, three size searches) and nothing else", () => {
    expect(["darts-v1", "darts-v2", "gdas", "setn", "enas", "rsps", "tas", "fbnet-v2", "tunas"].every(isWeightSharingAlgorithm)).toBe(true);
    expect(isWeightSharingAlgorithm("rea")).toBe(false);
  });

  it("starts from the paper's settings and applies overrides", () => {
    const gdas = settingsFromOptions("gdas", { epochs: "3", tauMax: "5", tauMin: "0.5", archLearningRate: "0.001" });
    expect(gdas.weight.epochs).toBe(3);
    expect([gdas.tauMax, gdas.tauMin, gdas.arch.lr]).toEqual([5, 0.5, 0.001]);
    expect(settingsFromOptions("darts-v1", {}).weight).toMatchObject({ epochs: 50, lr: 0.025, etaMin: 0.001, batchSize: 64, gradientClip: 5 });
    expect(settingsFromOptions("enas", {}).weight).toMatchObject({ epochs: 250, lr: 0.05, etaMin: 0.0005, tMax: 10, weightDecay: 2.5e-4, batchSize: 128 });
    expect(settingsFromOptions("enas", { controllerTrainSteps: "7" }).controller).toMatchObject({ trainSteps: 7, numAggregate: 20, entropyWeight: 1e-4, baselineDecay: 0.99 });
    // search-size.py with weight-sharing.config and the published runs' arguments
    expect(settingsFromOptions("tas", {})).toMatchObject({ weight: { epochs: 100, testBatchSize: 512, gradientClip: 0 }, arch: { lr: 3e-4, weightDecay: 1e-3 }, warmupRatio: 0.3, tauMax: 10, tauMin: 0.1 });
    expect(settingsFromOptions("tunas", {}).arch.weightDecay).toBe(0);
    expect(settingsFromOptions("fbnet-v2", { warmupRatio: "none" }).warmupRatio).toBeNull();
    expect(settingsFromOptions("fbnet-v2", { warmupRatio: "0.25" }).warmupRatio).toBe(0.25);
  });

  it("rejects bad values naming the flag and what is valid", async () => {
    expect(() => settingsFromOptions("gdas", { epochs: "0" })).toThrow(/--epochs '0'.*positive integer/);
    expect(() => settingsFromOptions("gdas", { tauMax: "1", tauMin: "2" })).toThrow(/--tau-min/);
    await expect(runWeightSharingSearchCommand("darts-v3", {})).rejects.toThrow(/unknown weight-sharing algorithm 'darts-v3'; valid: 'darts-v1'/);
    await expect(runWeightSharingSearchCommand("gdas", { bn: "2" })).rejects.toThrow(/--bn '2': valid values are '0' or '1'/);
    await expect(runWeightSharingSearchCommand("gdas", { resume: true })).rejects.toThrow(UserError);
    await expect(runWeightSharingSearchCommand("gdas", { dataset: "mnist", epochs: "1" })).rejects.toThrow(/unknown search dataset 'mnist'/);
  });
});

describe("aa-nas search <weight-sharing algorithm> through commander", () => {
  it("runs a one-step DARTS-V1 search on Fashion-MNIST and prints one JSON object", async () => {
    const out: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    await searchProgram().parseAsync(
      ["search", "darts-v1", "--epochs", "1", "--data-subset", "8", "--channel", "2", "--num-cells", "1", "--max-steps", "1", "--eval-batches", "1", "--batch-size", "8", "--seed", "3", "--data-dir", "/nonexistent", "--json"],
      { from: "user" },
    );
    const result = JSON.parse(out.join("")) as { algorithm: string; dataset: string; seed: number; genotype: { arch: string; index: number }; history: unknown[]; benchmark: null };
    expect(result).toMatchObject({ algorithm: "darts-v1", dataset: "fashion-mnist", seed: 3, benchmark: null });
    expect(result.history).toHaveLength(1);
    expect(result.genotype.index).toBeGreaterThanOrEqual(0);
  });
});

function searchProgram(): Command {
  const program = new Command().exitOverride();
  registerSearchCommands(program);
  return program;
}

describe("aa-nas search keeps the two algorithm families' options apart", () => {
  const parse = (args: string[]): Promise<Command> => searchProgram().parseAsync(["search", ...args], { from: "user" });
  it("rejects benchmark-driven options for a weight-sharing algorithm, naming them", async () => {
    await expect(parse(["darts-v1", "--runs", "5", "--budget", "100"])).rejects.toThrow(/--runs, --budget only apply to the benchmark-driven searches \(rea, rs, reinforce, bohb\), not to darts-v1/);
  });
  it("rejects weight-sharing options for a benchmark-driven algorithm, naming them", async () => {
    await expect(parse(["rea", "--bench", "x.sqlite", "--epochs", "3"])).rejects.toThrow(/--epochs only apply to the weight-sharing searches \(darts-v1, darts-v2, gdas, setn, enas, rsps, tas, fbnet-v2, tunas\), not to rea/);
  });
  it("asks a benchmark-driven search for --bench, and lists all ten names for an unknown one", async () => {
    await expect(parse(["rea"])).rejects.toThrow(/rea queries a benchmark store: give --bench <db>/);
    await expect(parse(["darts"])).rejects.toThrow(/unknown search algorithm 'darts'; valid: 'rea', 'rs', 'reinforce', 'bohb', 'darts-v1'.*'rsps'/);
  });
});

describe("lazy engine import", () => {
  it("imports nothing engine-backed at module load (only type imports, the pure settings module and the pure network blueprint)", () => {
    const source = readFileSync(join(repoRoot, "packages", "cli", "src", "commands", "search-ws.ts"), "utf8");
    const staticImports = [...source.matchAll(/^import\s+(?!type\b)[^;]*?from\s+"([^"]+)"/gm)].map((m) => m[1]);
    expect(staticImports.filter((p) => /tensor\/|models\/(?!structure)|\/train\/|search-ws\/(?!settings)|bench\/api/.test(p!))).toEqual([]);
  });
});
