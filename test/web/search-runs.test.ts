import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { aggregateRuns, valueAt } from "../../packages/cli/src/web/runs/best-so-far.js";
import { loadCampaigns, parseCampaigns, SearchRunsError, type LoadedCampaign } from "../../packages/cli/src/web/runs/search-run-file.js";
import { searchJson } from "./support/campaigns.js";

function run(seed: number, trace: [time: number, test: number][], final = trace[trace.length - 1]![1]) {
  return {
    seed,
    archIndex: 1,
    validAccuracy: final - 1,
    testAccuracy: final,
    usedTime: 100,
    trace: trace.map(([time, test]) => ({ time, archIndex: 1, validAccuracy: test - 1, testAccuracy: test })),
  };
}

function campaign(results: ReturnType<typeof run>[], over: Partial<LoadedCampaign> = {}): LoadedCampaign {
  return { algorithm: "rea", dataset: "cifar10", budget: 100, results, file: "a.json", ...over };
}

describe("search results loader", () => {
  it("accepts what 'aa-nas search --json' prints, for every algorithm", () => {
    for (const algorithm of ["rea", "rs", "reinforce", "bohb"] as const) {
      const [c] = parseCampaigns(searchJson(algorithm, 3, 2500), `${algorithm}.json`);
      expect(c!.algorithm).toBe(algorithm);
      expect(c!.budget).toBe(2500);
      expect(c!.results).toHaveLength(3);
      for (const r of c!.results) expect(r.trace.length).toBeGreaterThan(0);
    }
  });

  it("loads files and directories of *.json, and arrays of campaigns", () => {
    const dir = mkdtempSync(join(tmpdir(), "aa-nas-runs-"));
    writeFileSync(join(dir, "rea.json"), searchJson("rea", 2, 2000));
    writeFileSync(join(dir, "both.json"), `[${searchJson("rs", 2, 2000)},${searchJson("bohb", 1, 2000)}]`);
    writeFileSync(join(dir, "notes.txt"), "not a result");
    const loaded = loadCampaigns([dir]);
    expect(loaded.map((c) => `${c.file}:${c.algorithm}`)).toEqual(["both.json:rs", "both.json:bohb", "rea.json:rea"]);
  });

  it.each([
    ["{", /x\.json is not JSON/],
    ['{"algorithm":"rea","dataset":"cifar10","budget":100,"results":[]}', /results: Too small/],
    ['{"algorithm":"rea","dataset":"cifar10","budget":100,"results":[{"seed":1,"archIndex":99999,"validAccuracy":1,"testAccuracy":1,"usedTime":1,"trace":[]}]}', /results\.0\.archIndex/],
    ['{"dataset":"cifar10","budget":100,"results":[]}', /algorithm: .*expected the output of|algorithm/],
  ])("rejects %s with the file, the field and the expected shape", (text, message) => {
    expect(() => parseCampaigns(text, "x.json")).toThrow(SearchRunsError);
    expect(() => parseCampaigns(text, "x.json")).toThrow(message);
  });

  it("names a missing path and an empty directory", () => {
    expect(() => loadCampaigns(["/nonexistent/runs.json"])).toThrow(/'\/nonexistent\/runs\.json' do not exist/);
    expect(() => loadCampaigns([mkdtempSync(join(tmpdir(), "aa-nas-empty-"))])).toThrow(/holds no \*\.json/);
  });
});

describe("best-so-far aggregation", () => {
  it("a run's value is a step function: nothing before its first answer, then the latest answer", () => {
    const r = run(1, [
      [10, 50],
      [40, 70],
    ]);
    expect(valueAt(r, "test", 5)).toBeNull();
    expect(valueAt(r, "test", 10)).toBe(50);
    expect(valueAt(r, "test", 39.9)).toBe(50);
    expect(valueAt(r, "test", 40)).toBe(70);
    expect(valueAt(r, "valid", 100)).toBe(69);
  });

  it("mean ± population std over the runs that have an answer at each grid time", () => {
    const c = campaign([run(1, [[0, 60], [50, 80]]), run(2, [[20, 70]])]);
    const [g] = aggregateRuns([c], "test", 3).groups;
    expect(g!.time).toEqual([0, 50, 100]);
    expect(g!.count).toEqual([1, 2, 2]);
    expect(g!.mean).toEqual([60, 75, 75]);
    expect(g!.std).toEqual([0, 5, 5]);
    expect(g!.final).toEqual({ mean: 75, std: 5 });
  });

  it("groups by (algorithm, dataset, budget) and counts a seed loaded twice once", () => {
    const a = campaign([run(1, [[0, 60]]), run(2, [[0, 62]])]);
    const again = { ...a, file: "copy.json" };
    const rs = campaign([run(1, [[0, 50]])], { algorithm: "rs" });
    const other = campaign([run(1, [[0, 40]])], { budget: 200 });
    const r = aggregateRuns([a, again, rs, other], "test", 2);
    expect(r.groups.map((g) => [g.algorithm, g.budget, g.runs, g.files])).toEqual([
      ["rea", 100, 2, ["a.json", "copy.json"]],
      ["rea", 200, 1, ["a.json"]],
      ["rs", 100, 1, ["a.json"]],
    ]);
  });
});
