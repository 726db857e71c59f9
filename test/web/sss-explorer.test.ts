/**
 * The explorer over a size-space (sss) store: /api/meta says which space it serves, the overview carries channel
 * strings (no op filters), the per-position width effects equal a brute-force grouping of the query API's answers,
 * and the arch endpoint resolves an index or a channel string to the config's widths, costs and per-seed results.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NasBench, type MetricSet } from "../../packages/core/src/bench/api.js";
import { BenchStore } from "../../packages/core/src/bench/store.js";
import { parseSizeArch, SIZE_CANDIDATES, sizeArchAt, sizeArchCosts } from "../../packages/core/src/space/index.js";
import { ExplorerData, parseCampaigns, startExplorer, type RunningExplorer } from "../../packages/cli/src/web/index.js";
import { searchJson, sssCampaignJson } from "./support/campaigns.js";
import { spreadSizeArchs, writeSyntheticSizeStore } from "./support/synthetic-size-store.js";

const ARCHS = spreadSizeArchs(240);
let path: string;
let store: BenchStore;
let bench: NasBench;
let server: RunningExplorer;

beforeAll(async () => {
  path = join(mkdtempSync(join(tmpdir(), "aa-nas-sss-web-")), "sss.sqlite");
  writeSyntheticSizeStore(path, { archs: ARCHS, datasets: ["cifar10-valid", "cifar100"] });
  store = BenchStore.open(path);
  bench = new NasBench(BenchStore.open(path));
  server = await startExplorer(new ExplorerData(store), { port: 0 });
});

afterAll(async () => {
  await server?.close();
  store?.close();
  bench?.close();
});

async function get<T>(path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(new URL(path, server.url));
  return { status: res.status, body: (await res.json()) as T };
}

/** The mean last-epoch accuracy over the arch's seeds, as the query API answers it. */
function accuracyOf(index: number, hp: string, dataset: string, set: MetricSet): number {
  return bench.getMetrics(index, dataset, set, { hp }).accuracy!;
}

describe("explorer over an sss store", () => {
  it("/api/meta names the size space, its positions and widths, and offers no op filters", async () => {
    const { body } = await get<{ space: { name: string; numArchs: number; positions: number; widths: number[]; ops: string[] }; opFilters: object; defaults: { hp: string; dataset: string }; store: { hps: string[] } }>("/api/meta");
    expect(body.space).toMatchObject({ name: "sss", numArchs: 32768, positions: 5, widths: [...SIZE_CANDIDATES], ops: [] });
    expect(body.opFilters).toEqual({});
    expect(body.store.hps).toEqual(["01", "12", "90"]);
    // the size space's full schedule is the headline, and cifar10 is not stored: the first stored dataset
    expect(body.defaults).toEqual({ hp: "90", dataset: "cifar10-valid" });
  });

  it("/api/overview has one point per stored config with its channel string, costs and mean accuracy", async () => {
    const { status, body } = await get<{ space: string; set: string; points: { index: number[]; channels: string[]; ops?: unknown; accuracy: number[]; flops: number[]; params: number[] } }>(
      "/api/overview?hp=12&dataset=cifar100&set=x-test",
    );
    expect(status).toBe(200);
    expect(body.space).toBe("sss");
    expect(body.points.ops).toBeUndefined();
    expect(body.points.index).toEqual(ARCHS);
    ARCHS.forEach((index, i) => {
      expect(body.points.channels[i]).toBe(sizeArchAt(index));
      // the store's mean over three seeds of the record's closed-form cost
      expect(body.points.flops[i]).toBeCloseTo(sizeArchCosts(sizeArchAt(index), "cifar100").flops, 9);
      expect(body.points.params[i]).toBeCloseTo(sizeArchCosts(sizeArchAt(index), "cifar100").params, 9);
      expect(body.points.accuracy[i]).toBeCloseTo(accuracyOf(index, "12", "cifar100", "x-test"), 4);
    });
  });

  it("op-count filters are refused on an sss store, naming why", async () => {
    const { status, body } = await get<{ error: string }>("/api/overview?conv3x3=2");
    expect(status).toBe(400);
    expect(body.error).toMatch(/topology space only/);
  });

  it("/api/width-effects equals a brute-force grouping of every config's accuracy by each position's width", async () => {
    for (const [hp, dataset, set] of [["12", "cifar100", "x-test"], ["90", "cifar10-valid", "x-valid"]] as const) {
      const { status, body } = await get<{ set: string; missing: number; positions: Array<{ position: number; widths: Array<{ width: number; count: number; mean: number | null; min: number | null; q1: number | null; median: number | null; q3: number | null; max: number | null }> }> }>(
        `/api/width-effects?hp=${hp}&dataset=${dataset}`,
      );
      expect(status).toBe(200);
      expect(body.set).toBe(set);
      expect(body.missing).toBe(0);
      expect(body.positions.map((p) => p.position)).toEqual([1, 2, 3, 4, 5]);
      for (const p of body.positions) {
        expect(p.widths.map((w) => w.width)).toEqual([...SIZE_CANDIDATES]);
        for (const w of p.widths) {
          const xs = ARCHS.filter((a) => parseSizeArch(sizeArchAt(a))[p.position - 1] === w.width)
            .map((a) => accuracyOf(a, hp, dataset, set))
            .sort((a, b) => a - b);
          expect(w.count).toBe(xs.length);
          expect(xs.length).toBeGreaterThan(0);
          // quartile k/4 sits at rank k(n-1)/4, between two order statistics
          const at = (q: number): number => {
            const r = q * (xs.length - 1);
            const f = r - Math.floor(r);
            return xs[Math.floor(r)]! * (1 - f) + xs[Math.ceil(r)]! * f;
          };
          expect(w.mean!).toBeCloseTo(xs.reduce((s, x) => s + x, 0) / xs.length, 9);
          expect(w.min).toBeCloseTo(xs[0]!, 9);
          expect(w.max).toBeCloseTo(xs[xs.length - 1]!, 9);
          expect(w.q1!).toBeCloseTo(at(0.25), 9);
          expect(w.median!).toBeCloseTo(at(0.5), 9);
          expect(w.q3!).toBeCloseTo(at(0.75), 9);
        }
      }
    }
  });

  it("/api/arch resolves an index and a channel string to the same config, with widths, costs and per-seed results", async () => {
    const index = ARCHS[17]!;
    const arch = sizeArchAt(index);
    const byIndex = await get<{ space: string; index: number; arch: string; channels: number[]; ops?: unknown; uniqueStr?: unknown; closedFormCosts: Record<string, unknown>; results: Array<{ hp: string; dataset: string; seeds: number[] }> }>(`/api/arch?arch=${index}`);
    const byString = await get<typeof byIndex.body>(`/api/arch?arch=${encodeURIComponent(arch)}`);
    expect(byString.body).toEqual(byIndex.body);
    const a = byIndex.body;
    expect(a).toMatchObject({ space: "sss", index, arch, channels: parseSizeArch(arch) });
    expect(a.ops).toBeUndefined();
    expect(a.uniqueStr).toBeUndefined();
    expect(a.closedFormCosts.cifar100).toEqual(sizeArchCosts(arch, "cifar100"));
    expect(a.results.find((r) => r.hp === "12" && r.dataset === "cifar100")?.seeds).toEqual([777, 888, 999]);
    const curves = await get<{ runs: unknown[] }>(`/api/curves?arch=${encodeURIComponent(arch)}&hp=12&dataset=cifar100`);
    expect(curves.status).toBe(200);
    expect(curves.body.runs).toHaveLength(3);
  });

  it("a bad channel string or a topology arch string is a 400 naming the size space's format", async () => {
    const bad = await get<{ error: string }>(`/api/arch?arch=${encodeURIComponent("8:16:24:32:65")}`);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/position 5 .* is 65; valid widths are/);
    const tss = await get<{ error: string }>(`/api/arch?arch=${encodeURIComponent("|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|")}`);
    expect(tss.status).toBe(400);
    const range = await get<{ error: string }>("/api/arch?arch=32768");
    expect(range.status).toBe(400);
    expect(range.body.error).toMatch(/0\.\.32767/);
  });

  it("a topology-space campaign is refused with an sss store, naming both spaces", () => {
    const campaigns = parseCampaigns(searchJson("rea", 2, 3000), "rea.json");
    expect(() => new ExplorerData(store, campaigns)).toThrow(/search runs \(--runs\) rea\.json is a campaign over the topology search space \(tss\), and sss\.sqlite holds the size search space \(sss\)/);
  });
});

describe("search runs on an sss store", () => {
  let runsServer: RunningExplorer;

  beforeAll(async () => {
    const campaigns = [
      ...parseCampaigns(sssCampaignJson("rea", "cifar100", ARCHS, { runs: 3, budget: 2000 }), "sss-rea.json"),
      ...parseCampaigns(sssCampaignJson("rs", "cifar100", ARCHS, { runs: 2, budget: 2000, seed: 5 }), "sss-rs.json"),
    ];
    runsServer = await startExplorer(new ExplorerData(store, campaigns), { port: 0 });
  });

  afterAll(async () => {
    await runsServer?.close();
  });

  /** The store's best hp-`hp` accuracy on (dataset, set) over every stored config, from the query API arch by arch. */
  function bestOf(hp: string, dataset: string, set: MetricSet): { index: number; accuracy: number } {
    let best = { index: -1, accuracy: -Infinity };
    for (const index of ARCHS) {
      const accuracy = accuracyOf(index, hp, dataset, set);
      if (accuracy > best.accuracy) best = { index, accuracy };
    }
    return best;
  }

  it("/api/runs groups size-space campaigns and draws the optimum from the store's hp-90 results by the runs' metric", async () => {
    // cifar100 searches are judged on cifar100's x-test (test) and x-valid (valid)
    for (const [metric, set] of [["test", "x-test"], ["valid", "x-valid"]] as const) {
      const res = await fetch(new URL(`/api/runs?metric=${metric}`, runsServer.url));
      expect(res.status).toBe(200);
      const body = (await res.json()) as { groups: Array<{ space: string; algorithm: string; dataset: string; runs: number; optimum: { index: number; accuracy: number; from: string } | null }> };
      expect(body.groups.map((g) => [g.space, g.algorithm, g.dataset, g.runs])).toEqual([
        ["sss", "rea", "cifar100", 3],
        ["sss", "rs", "cifar100", 2],
      ]);
      const best = bestOf("90", "cifar100", set);
      // the 12-epoch schedule has another best: an optimum read at the wrong hp would not match
      expect(bestOf("12", "cifar100", set).accuracy).not.toBe(best.accuracy);
      for (const g of body.groups) expect(g.optimum, metric).toEqual({ ...best, from: "store" });
    }
  });

  it("/api/meta counts the runs and gives the space's full schedule", async () => {
    const body = (await (await fetch(new URL("/api/meta", runsServer.url))).json()) as { space: { fullTrainEpochs: number }; searchRuns: { files: number; runs: number } };
    expect(body.space.fullTrainEpochs).toBe(90);
    expect(body.searchRuns).toEqual({ files: 2, runs: 5 });
  });
});
