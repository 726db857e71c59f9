import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { aggregateRuns, valueAt } from "../../packages/cli/src/web/runs/best-so-far.js";
import { loadCampaigns, parseCampaigns, SearchRunsError, type LoadedCampaign } from "../../packages/cli/src/web/runs/search-run-file.js";
import { searchSpace, sizeArchAt } from "../../packages/core/src/space/index.js";
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

/** A size-space campaign of one run whose answer is `index` (its trace's first answer: `first`). */
function sizeCampaign(index: number, first = index) {
  return {
    space: "sss",
    algorithm: "rea",
    dataset: "cifar10",
    budget: 100,
    results: [
      {
        seed: 1,
        archIndex: index,
        arch: index < 32768 ? sizeArchAt(index) : undefined,
        validAccuracy: 60,
        testAccuracy: 61,
        usedTime: 90,
        trace: [
          { time: 10, archIndex: first, validAccuracy: 50, testAccuracy: 51 },
          { time: 20, archIndex: index, validAccuracy: 60, testAccuracy: 61 },
        ],
      },
    ],
  };
}

function campaign(results: ReturnType<typeof run>[], over: Partial<LoadedCampaign> = {}): LoadedCampaign {
  return { algorithm: "rea", space: "tss", dataset: "cifar10", budget: 100, results, file: "a.json", ...over };
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

  it("reads the campaign's space: 'aa-nas search --json' names it, and an output without one (written before size-space search) is tss", () => {
    const json = JSON.parse(searchJson("rea", 2, 2000)) as Record<string, unknown>;
    expect(json.space).toBe("tss");
    expect(parseCampaigns(JSON.stringify(json), "new.json")[0]!.space).toBe("tss");
    delete json.space;
    expect(parseCampaigns(JSON.stringify(json), "old.json")[0]!.space).toBe("tss");
    expect(() => parseCampaigns(JSON.stringify({ ...json, space: "nas101" }), "x.json")).toThrow(/x\.json is not .*space: .*"tss".*"sss"/);
  });

  it("bounds arch indexes by the campaign's space: 20000 is a size-space (sss) index, not a topology-space one", () => {
    const sss = JSON.stringify(sizeCampaign(20000));
    const [c] = parseCampaigns(sss, "sss.json");
    expect(c!.space).toBe("sss");
    expect(c!.results[0]!.archIndex).toBe(20000);
    const { space: _space, ...unnamed } = sizeCampaign(20000);
    const noArch = (o: object) => JSON.stringify(o).replaceAll(`"arch":"${sizeArchAt(20000)}",`, "");
    expect(() => parseCampaigns(noArch({ ...unnamed, space: "tss" }), "tss.json")).toThrow(
      /tss\.json is not .*results\.0\.archIndex: arch index 20000 is outside the topology search space \(tss\): valid indexes are 0\.\.15624/,
    );
    // a file that names no space is a tss one, and the message says how a size-space file says so
    expect(() => parseCampaigns(noArch(unnamed), "old.json")).toThrow(/0\.\.15624 \(a campaign without "space" is a topology-space one; a size-space campaign says "space": "sss"\)/);
    expect(() => parseCampaigns(JSON.stringify(sizeCampaign(32768)), "big.json")).toThrow(/arch index 32768 is outside the size search space \(sss\): valid indexes are 0\.\.32767/);
    // every index is checked, not only the answers': the trace's, the history's and the optimum's
    const trace = { ...sizeCampaign(5, 20000), space: "tss" };
    trace.results[0]!.arch = undefined;
    expect(() => parseCampaigns(JSON.stringify(trace), "t.json")).toThrow(/result: results\.0\.trace\.0\.archIndex: arch index 20000 is outside the topology search space \(tss\): valid indexes are 0\.\.15624 \(expected/);
    const history = { ...sizeCampaign(5), space: "tss" };
    history.results[0]!.arch = undefined;
    const evaluation = { archIndex: 16000, reward: 1, cost: 5, time: 5, wallTime: 0 };
    expect(() => parseCampaigns(JSON.stringify({ ...history, results: [{ ...history.results[0], history: [evaluation] }] }), "h.json")).toThrow(
      /results\.0\.history\.0\.archIndex: arch index 16000 is outside the topology search space/,
    );
    const optimum = { ...sizeCampaign(1), optimum: { valid: { archIndex: 40000, accuracy: 1 }, test: { archIndex: 2, accuracy: 1 } } };
    expect(() => parseCampaigns(JSON.stringify(optimum), "o.json")).toThrow(/optimum\.valid\.archIndex: arch index 40000 is outside the size search space/);
  });

  it("checks each answer's arch string is its index's string in the campaign's space", () => {
    const tss = JSON.parse(searchJson("rea", 1, 2000)) as { results: Array<{ archIndex: number; arch: string }> };
    const answer = tss.results[0]!;
    expect(answer.arch).toBe(searchSpace("tss").archAt(answer.archIndex));
    const sizeArch = JSON.stringify({ ...tss, results: [{ ...answer, arch: "8:16:24:32:40" }] });
    expect(() => parseCampaigns(sizeArch, "x.json")).toThrow(/results\.0\.arch: '8:16:24:32:40' is not an arch of the topology search space \(tss\) \(its archs are strings like '\|/);
    const other = searchSpace("tss").archAt(answer.archIndex === 0 ? 1 : 0);
    const wrong = JSON.stringify({ ...tss, results: [{ ...answer, arch: other }] });
    expect(() => parseCampaigns(wrong, "x.json")).toThrow(new RegExp(`results\\.0\\.arch: '.*' is arch ${answer.archIndex === 0 ? 1 : 0} of the topology search space \\(tss\\), but the run's archIndex is ${answer.archIndex}`));
    const sss = { ...sizeCampaign(20000), results: [{ ...sizeCampaign(20000).results[0]!, arch: answer.arch }] };
    expect(() => parseCampaigns(JSON.stringify(sss), "s.json")).toThrow(/results\.0\.arch: '\|.*' is not an arch of the size search space \(sss\) \(its archs are strings like '\d+:/);
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

  it("keeps campaigns of different spaces apart: same (algorithm, dataset, budget) and seeds, two groups, tss first", () => {
    const sss = campaign([run(1, [[0, 70]])], { space: "sss", file: "sss.json" });
    const tss = campaign([run(1, [[0, 60]])], { file: "tss.json" });
    const r = aggregateRuns([sss, tss], "test", 2);
    expect(r.groups.map((g) => [g.space, g.algorithm, g.budget, g.runs, g.files, g.final.mean])).toEqual([
      ["tss", "rea", 100, 1, ["tss.json"], 60],
      ["sss", "rea", 100, 1, ["sss.json"], 70],
    ]);
    expect(r.files.map((f) => [f.file, f.space])).toEqual([["sss.json", "sss"], ["tss.json", "tss"]]);
  });
});
