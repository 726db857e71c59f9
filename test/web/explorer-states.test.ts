/**
 * The explorer's endpoint additions: the optimum line's value (overview, curves, search runs), whether a store holds
 * curves at all, and zero-cost proxies vs accuracy (scatter pairs and the correlation table, checked against the
 * core's `proxyCorrelation` behind `aa-nas zero-cost correlation`).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NasBench } from "../../packages/core/src/bench/api.js";
import { BenchStore } from "../../packages/core/src/bench/store.js";
import { proxyCorrelation, proxyScore } from "../../packages/core/src/bench/zero-cost.js";
import { ExplorerData, parseCampaigns, startExplorer, type RunningExplorer } from "../../packages/cli/src/web/index.js";
import { searchJson } from "./support/campaigns.js";
import { makeLiteFixtureStore, makeProxyFixtureStore, RESNET_INDEX } from "./support/fixture.js";
import { TEST_PROXIES } from "./support/proxy-scores.js";
import { curvesOf } from "../../packages/cli/src/web/data/curves.js";
import { writeSyntheticStore } from "./support/synthetic-store.js";

let store: BenchStore;
let lite: BenchStore;
let bench: NasBench;
let server: RunningExplorer;
let liteServer: RunningExplorer;
let archs: number[];

beforeAll(async () => {
  const fixture = makeProxyFixtureStore();
  archs = fixture.archs;
  store = BenchStore.open(fixture.path);
  bench = new NasBench(BenchStore.open(fixture.path));
  server = await startExplorer(new ExplorerData(store, parseCampaigns(searchJson("rea", 3, 3000), "rea.json")), { port: 0 });
  lite = BenchStore.open(makeLiteFixtureStore().path);
  liteServer = await startExplorer(new ExplorerData(lite), { port: 0 });
});

afterAll(async () => {
  await server?.close();
  await liteServer?.close();
  store?.close();
  lite?.close();
  bench?.close();
});

async function get<T>(path: string, on = server): Promise<{ status: number; body: T }> {
  const res = await fetch(new URL(path, on.url));
  return { status: res.status, body: (await res.json()) as T };
}

type Best = { index: number; accuracy: number };

/** Brute force over the query API: the arch with the highest seed-mean last-epoch accuracy, lowest index on ties. */
function bestByQueryApi(dataset: "cifar10" | "cifar100", set: "ori-test" | "x-test", hp: string): Best {
  let best: Best = { index: -1, accuracy: -Infinity };
  for (const i of archs) {
    const acc = bench.getMetrics(i, dataset, set, { hp }).accuracy;
    if (acc > best.accuracy) best = { index: i, accuracy: acc };
  }
  return best;
}

describe("optimum lines", () => {
  it("/api/overview's optimum is the best arch of (hp, dataset, set) over every arch, whatever the filters show", async () => {
    const want = bestByQueryApi("cifar100", "x-test", "200");
    const all = (await get<{ optimum: Best; points: { accuracy: number[] } }>("/api/overview?dataset=cifar100")).body;
    expect(all.optimum.index).toBe(want.index);
    expect(all.optimum.accuracy).toBeCloseTo(want.accuracy, 10);
    expect(Math.max(...all.points.accuracy)).toBeCloseTo(want.accuracy, 3);
    // a filter that drops the best arch leaves the line where it is
    const filtered = (await get<{ optimum: Best; points: { index: number[] } }>("/api/overview?dataset=cifar100&conv3x3=0-1")).body;
    expect(filtered.points.index).not.toContain(want.index);
    expect(filtered.optimum).toEqual(all.optimum);
  });

  it("/api/curves carries the best default-set accuracy of its (hp, dataset) and says that curves are stored", async () => {
    const c = (await get<{ optimum: Best & { set: string }; curvesStored: boolean }>(`/api/curves?arch=${RESNET_INDEX}&hp=12&dataset=cifar10`)).body;
    const want = bestByQueryApi("cifar10", "ori-test", "12");
    expect(c.optimum).toEqual({ set: "ori-test", index: want.index, accuracy: expect.closeTo(want.accuracy, 10) as unknown as number });
    expect(c.curvesStored).toBe(true);
  });

  it("/api/runs gives each group the store's best arch by the runs' metric (findBest, hp 200)", async () => {
    for (const metric of ["test", "valid"] as const) {
      const r = (await get<{ groups: { dataset: string; optimum: Best & { from: string } }[] }>(`/api/runs?metric=${metric}`)).body;
      const best = bench.findBest("cifar10", metric, { hp: "200" });
      expect(r.groups[0]!.optimum).toEqual({ index: best.index, accuracy: best.accuracy, from: "store" });
      expect(best.index).toBeGreaterThanOrEqual(0);
    }
  });
});

describe("a store without curves", () => {
  it("/api/curves says no curves are stored when the store holds last-epoch values only", async () => {
    const c = (await get<{ curvesStored: boolean; runs: { train: { acc1: unknown }; evals: Record<string, { epochs: number[] }> }[] }>(`/api/curves?arch=${RESNET_INDEX}&hp=200&dataset=cifar10`, liteServer)).body;
    expect(c.runs.length).toBeGreaterThan(0);
    expect(c.runs[0]!.train.acc1).toBeNull();
    expect(c.runs[0]!.evals["ori-test"]!.epochs).toEqual([199]);
    expect(c.curvesStored).toBe(false);
  });

  it("a run with no trained epochs stored (train curves read back as zero-length arrays) has no curves either", () => {
    const path = join(mkdtempSync(join(tmpdir(), "aa-nas-web-untrained-")), "s.sqlite");
    const plan = { epochs: 12, seeds: () => [777], evalEpochs: "all" as const, detailed: false };
    writeSyntheticStore(path, { archs: [RESNET_INDEX], datasets: ["cifar10"], hps: { "12": plan }, curves: false });
    const s = BenchStore.open(path);
    try {
      const c = curvesOf(s, RESNET_INDEX, "12", "cifar10");
      expect(c.runs[0]!.train.acc1).toEqual([]);
      expect(c.curvesStored).toBe(false);
    } finally {
      s.close();
    }
  });

  it("/api/proxies on a store without proxy scores lists none", async () => {
    const r = await get<{ stored: unknown[]; proxy: unknown; correlations: unknown[]; points: { index: unknown[] } }>("/api/proxies", liteServer);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ stored: [], proxy: null, proxyDataset: null, correlations: [], points: { index: [] } });
  });
});

interface Proxies {
  hp: string;
  dataset: string;
  set: string;
  stored: { dataset: string; proxies: string[]; archs: number }[];
  proxyDataset: string;
  proxy: string;
  correlations: { proxy: string; n: number; spearman: number | null; kendall: number | null }[];
  points: { index: number[]; score: number[]; accuracy: number[] };
}

describe("/api/proxies", () => {
  it("defaults to the stored accuracy's search batch (cifar10-valid x-valid → the cifar10 scores) and the first proxy", async () => {
    const r = (await get<Proxies>("/api/proxies?dataset=cifar10-valid")).body;
    expect(r).toMatchObject({ hp: "200", dataset: "cifar10-valid", set: "x-valid", proxyDataset: "cifar10", proxy: "synflow" });
    expect(r.stored).toEqual([{ dataset: "cifar10", proxies: [...TEST_PROXIES], archs: archs.length }]);
  });

  it("correlates every stored proxy with the accuracy exactly as the CLI's proxyCorrelation does", async () => {
    for (const [hp, dataset, set, metric] of [["200", "cifar10-valid", "x-valid", "xvalid_acc"], ["12", "cifar100", "x-test", "xtest_acc"]] as const) {
      const r = (await get<Proxies>(`/api/proxies?hp=${hp}&dataset=${dataset}&set=${set}&proxyDataset=cifar10`)).body;
      expect(r.correlations.map((c) => c.proxy)).toEqual([...TEST_PROXIES]);
      for (const c of r.correlations) {
        const want = proxyCorrelation(store, { proxy: c.proxy as "synflow", proxyDataset: "cifar10", hp, dataset, metric });
        expect(c.n).toBe(want.n);
        expect(c.spearman).toBeCloseTo(want.spearman, 12);
        expect(c.kendall).toBeCloseTo(want.kendall, 12);
      }
      // jacov has one NaN score: one pair fewer
      expect(r.correlations.find((c) => c.proxy === "jacov")!.n).toBe(archs.length - 1);
    }
  });

  it("sends the chosen proxy's scatter: each arch's mean score over seeds and its seed-mean accuracy", async () => {
    const r = (await get<Proxies>("/api/proxies?hp=200&dataset=cifar10&proxy=jacov")).body;
    expect(r.proxy).toBe("jacov");
    expect(r.points.index).toHaveLength(archs.length - 1);
    r.points.index.forEach((i, k) => {
      expect(r.points.score[k]).toBe(proxyScore(store, i, "jacov", "cifar10")!.score);
      expect(r.points.accuracy[k]).toBeCloseTo(bench.getMetrics(i, "cifar10", "ori-test", { hp: "200" }).accuracy, 10);
    });
  });

  it.each([
    ["/api/proxies?proxy=zen", /bad query parameter 'proxy': unknown proxy 'zen': valid proxys are 'synflow', 'snip'/],
    ["/api/proxies?proxy=snip", /no 'snip' scores on cifar10 in this store; stored proxies there are 'synflow', 'jacov' or 'nwot'/],
    ["/api/proxies?proxyDataset=cifar100", /no proxy scores on 'cifar100' in this store; it holds scores on 'cifar10'/],
    ["/api/proxies?set=x-tset", /bad query parameter 'set': unknown set 'x-tset'/],
  ])("%s is a 400 that says what is valid", async (path, message) => {
    const r = await get<{ error: string }>(path);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(message);
  });
});
