import { request } from "node:http";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NasBench } from "../../packages/core/src/bench/api.js";
import { BenchStore } from "../../packages/core/src/bench/store.js";
import { archAt, archCosts, opsOf, sizeArchAt } from "../../packages/core/src/space/index.js";
import { kendallTau } from "../../packages/core/src/bench/correlation.js";
import { ExplorerData, parseCampaigns, startExplorer, type RunningExplorer } from "../../packages/cli/src/web/index.js";
import { searchJson } from "./support/campaigns.js";
import { makeFixtureStore, RESNET_INDEX } from "./support/fixture.js";

let store: BenchStore;
let bench: NasBench;
let server: RunningExplorer;
let archs: number[];

beforeAll(async () => {
  const fixture = makeFixtureStore();
  archs = fixture.archs;
  store = BenchStore.open(fixture.path);
  bench = new NasBench(BenchStore.open(fixture.path));
  const campaigns = [...parseCampaigns(searchJson("rea", 4, 3000), "rea.json"), ...parseCampaigns(searchJson("rs", 3, 3000), "rs.json")];
  server = await startExplorer(new ExplorerData(store, campaigns), { port: 0 });
});

afterAll(async () => {
  await server?.close();
  store?.close();
  bench?.close();
});

async function get(path: string): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await fetch(new URL(path, server.url));
  return { status: res.status, body: await res.json(), headers: res.headers };
}

/** A request whose path is sent exactly as written (fetch would normalise '..' away). */
function raw(path: string, opts: { method?: string; host?: string } = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: opts.method ?? "GET", headers: opts.host ? { Host: opts.host } : {} }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on("error", reject);
    req.end();
  });
}

interface Overview {
  hp: string;
  dataset: string;
  set: string;
  availableSets: string[];
  archsWithRuns: number;
  missing: number;
  filteredOut: number;
  points: { index: number[]; accuracy: number[]; params: number[]; flops: number[]; latency: (number | null)[]; ops: string[] };
  pareto: Record<"params" | "flops" | "latency", number[]>;
}

describe("explorer JSON endpoints", () => {
  it("/api/meta lists the store's hps and datasets, the space and the loaded search runs", async () => {
    const { status, body } = await get("/api/meta");
    expect(status).toBe(200);
    const meta = body as { store: { hps: string[]; datasets: string[]; runs: number; archsWithRuns: number }; space: { numArchs: number; ops: string[] }; searchRuns: { files: number; runs: number }; defaults: { hp: string; dataset: string } };
    expect(meta.store.hps).toEqual(["12", "200"]);
    expect(meta.store.datasets).toEqual(["cifar10-valid", "cifar10", "cifar100", "ImageNet16-120"]);
    expect(meta.store.runs).toBe(store.meta().runs);
    expect(meta.store.archsWithRuns).toBe(archs.length);
    expect(meta.space.numArchs).toBe(15625);
    expect(meta.defaults).toEqual({ hp: "200", dataset: "cifar10" });
    expect(meta.searchRuns).toEqual({ files: 2, runs: 7 });
  });

  it("/api/overview gives every arch's seed-mean accuracy and costs as the query API computes them", async () => {
    const { status, body } = await get("/api/overview?hp=200&dataset=cifar100");
    expect(status).toBe(200);
    const o = body as Overview;
    expect(o.set).toBe("x-test");
    expect(o.points.index).toEqual(archs);
    expect(o.availableSets).toEqual(["train", "x-valid", "x-test", "ori-test"]);
    o.points.index.forEach((index, i) => {
      // accuracy and latency are sent at display precision: 1e-4 percentage points, 1e-7 s
      const accuracy = bench.getMetrics(index, "cifar100", "x-test", { hp: "200" }).accuracy;
      expect(Math.abs(o.points.accuracy[i]! - accuracy)).toBeLessThanOrEqual(0.5e-4 + 1e-12);
      const cost = bench.getCostInfo(index, "cifar100", { hp: "200" });
      expect(o.points.params[i]).toBeCloseTo(cost.params, 12);
      expect(o.points.flops[i]).toBeCloseTo(cost.flops, 12);
      expect(Math.abs(o.points.latency[i]! - cost.latency!)).toBeLessThanOrEqual(0.5e-7 + 1e-15);
      expect(o.points.ops[i]).toBe(opsOf(archAt(index)).join(""));
    });
  });

  it("/api/overview's Pareto front holds exactly the points no other point dominates", async () => {
    const o = (await get("/api/overview?hp=12&dataset=ImageNet16-120&set=x-valid")).body as Overview;
    const p = o.points;
    // exact values from the query API (the response rounds accuracy and latency for display)
    const accuracy = p.index.map((i) => bench.getMetrics(i, "ImageNet16-120", "x-valid", { hp: "12" }).accuracy);
    const costs = p.index.map((i) => bench.getCostInfo(i, "ImageNet16-120", { hp: "12" }));
    for (const axis of ["params", "flops", "latency"] as const) {
      const cost = costs.map((c) => c[axis]!);
      const dominated = (i: number): boolean => cost.some((c, j) => j !== i && c <= cost[i]! && accuracy[j]! >= accuracy[i]! && (c < cost[i]! || accuracy[j]! > accuracy[i]!));
      const expected = p.index.filter((_, i) => !dominated(i));
      expect(new Set(o.pareto[axis])).toEqual(new Set(expected));
      expect(o.pareto[axis].length).toBeGreaterThan(0);
    }
  });

  it("/api/overview of a set the dataset does not have counts every arch as missing and lists the sets it has", async () => {
    const o = (await get("/api/overview?dataset=cifar10&set=x-test")).body as Overview;
    expect(o.points.index).toEqual([]);
    expect(o.missing).toBe(archs.length);
    expect(o.pareto).toEqual({ params: [], flops: [], latency: [] });
    expect(o.availableSets).toEqual(["train", "ori-test"]);
  });

  it("/api/overview's op-count filters keep only archs with that many edges of the op", async () => {
    const all = (await get("/api/overview?dataset=cifar10")).body as Overview;
    const o = (await get("/api/overview?dataset=cifar10&conv3x3=2-3&none=0-1")).body as Overview;
    expect(o.points.index.length).toBeGreaterThan(0);
    expect(o.points.index.length + o.filteredOut).toBe(all.points.index.length);
    for (const index of o.points.index) {
      const ops = opsOf(archAt(index));
      expect(ops.filter((x) => x === 3).length).toBeGreaterThanOrEqual(2);
      expect(ops.filter((x) => x === 3).length).toBeLessThanOrEqual(3);
      expect(ops.filter((x) => x === 0).length).toBeLessThanOrEqual(1);
    }
    const exact = (await get("/api/overview?dataset=cifar10&skip=0")).body as Overview;
    for (const index of exact.points.index) expect(opsOf(archAt(index))).not.toContain(1);
  });

  it("/api/arch resolves an index or an arch string (edges in any order) and lists the isomorphism class", async () => {
    const a = (await get(`/api/arch?arch=${RESNET_INDEX}`)).body as {
      index: number;
      arch: string;
      ops: string[];
      valid: boolean;
      uniqueStr: string;
      isomorphs: { index: number; arch: string }[];
      closedFormCosts: Record<string, { flops: number; params: number }>;
      results: { hp: string; dataset: string; seeds: number[]; params: number; final: Record<string, number | null> }[];
    };
    expect(a.arch).toBe("|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|");
    expect(a.ops).toEqual(["nor_conv_3x3", "none", "nor_conv_3x3", "skip_connect", "none", "skip_connect"]);
    expect(a.valid).toBe(true);
    expect(a.uniqueStr).toBe("#+#+((0)@nor_conv_3x3)@nor_conv_3x3+0");
    expect(a.isomorphs.map((x) => x.index)).toEqual([2528, 8649]);
    expect(a.closedFormCosts.cifar10).toEqual(archCosts(a.arch, "cifar10"));
    expect(a.results.map((r) => `${r.hp}/${r.dataset}`)).toEqual([
      "12/cifar10-valid", "12/cifar10", "12/cifar100", "12/ImageNet16-120",
      "200/cifar10-valid", "200/cifar10", "200/cifar100", "200/ImageNet16-120",
    ]);
    const c10 = a.results.find((r) => r.hp === "200" && r.dataset === "cifar10")!;
    expect(c10.seeds).toEqual([777, 888, 999]);
    expect(c10.final["ori-test"]).toBe(bench.getMetrics(RESNET_INDEX, "cifar10", "ori-test", { hp: "200" }).accuracy);
    expect(c10.final["x-test"]).toBeNull();

    const reordered = "|nor_conv_3x3~0|+|nor_conv_3x3~1|none~0|+|none~1|skip_connect~2|skip_connect~0|";
    const b = (await get(`/api/arch?arch=${encodeURIComponent(reordered)}`)).body as { index: number };
    expect(b.index).toBe(RESNET_INDEX);
  });

  it("/api/curves returns each seed's full training curve and sparse eval curves", async () => {
    const { status, body } = await get(`/api/curves?arch=${RESNET_INDEX}&hp=12&dataset=cifar100`);
    expect(status).toBe(200);
    const c = body as { runs: { seed: number; epochs: number; train: { acc1: number[]; loss: number[] }; evals: Record<string, { epochs: number[]; acc: number[] }> }[] };
    const stored = store.loadRuns(RESNET_INDEX, "12", "cifar100");
    expect(c.runs.map((r) => r.seed)).toEqual(stored.map((r) => r.seed));
    c.runs.forEach((run, k) => {
      expect(run.train.acc1).toEqual(Array.from(stored[k]!.trainAcc1!));
      expect(Object.keys(run.evals)).toEqual(["x-valid", "x-test", "ori-test"]);
      expect(run.evals["x-test"]!.epochs).toEqual(Array.from({ length: 12 }, (_, e) => e));
    });
  });

  it("/api/curves for an arch without runs is a 404 that says what the arch has", async () => {
    const missing = [0, 1, 2, 4, 5].find((i) => !archs.includes(i))!;
    const r = await get(`/api/curves?arch=${missing}&hp=200&dataset=cifar10`);
    expect(r.status).toBe(404);
    expect((r.body as { error: string }).error).toMatch(new RegExp(`arch ${missing} has no runs for hp '200' on cifar10; it has no runs in this store`));
  });

  it("/api/correlation matches Kendall's tau computed from the query API's accuracies", async () => {
    const c = (await get("/api/correlation")).body as {
      method: string;
      byHp: { hp: string; datasets: string[]; matrix: { value: number | null; n: number }[][] }[];
      betweenHps: { dataset: string; hpA: string; hpB: string; value: number; n: number }[];
    };
    expect(c.method).toBe("kendall");
    expect(c.byHp.map((m) => m.hp)).toEqual(["12", "200"]);
    const m200 = c.byHp[1]!;
    const acc = (ds: "cifar10" | "cifar100", set: "ori-test" | "x-test", hp: string) => archs.map((i) => bench.getMetrics(i, ds, set, { hp }).accuracy);
    const i10 = m200.datasets.indexOf("cifar10");
    const i100 = m200.datasets.indexOf("cifar100");
    expect(m200.matrix[i10]![i100]!.value).toBeCloseTo(kendallTau(acc("cifar10", "ori-test", "200"), acc("cifar100", "x-test", "200")), 12);
    expect(m200.matrix[i10]![i100]!.n).toBe(archs.length);
    for (let i = 0; i < 4; i++) {
      expect(m200.matrix[i]![i]!.value).toBe(1);
      for (let j = 0; j < 4; j++) expect(m200.matrix[i]![j]!.value).toBe(m200.matrix[j]![i]!.value);
    }
    expect(c.betweenHps.map((p) => `${p.dataset}:${p.hpA}-${p.hpB}`)).toEqual(["cifar10-valid:12-200", "cifar10:12-200", "cifar100:12-200", "ImageNet16-120:12-200"]);
    const cifar10 = c.betweenHps[1]!;
    expect(cifar10.value).toBeCloseTo(kendallTau(acc("cifar10", "ori-test", "12"), acc("cifar10", "ori-test", "200")), 12);
    const s = (await get("/api/correlation?method=spearman")).body as { method: string };
    expect(s.method).toBe("spearman");
  });

  it("refuses size-space campaigns with a topology-space store, naming the files and both spaces", () => {
    const sss = JSON.parse(searchJson("rea", 2, 3000)) as { space: string; results: Array<{ archIndex: number; arch: string }> };
    sss.space = "sss";
    for (const r of sss.results) r.arch = sizeArchAt(r.archIndex);
    const campaigns = [...parseCampaigns(searchJson("rs", 1, 3000), "rs.json"), ...parseCampaigns(JSON.stringify(sss), "sss-rea.json")];
    expect(() => new ExplorerData(store, campaigns)).toThrow(/search runs \(--runs\) sss-rea\.json is a campaign over the size search space \(sss\), and .* holds the topology search space \(tss\)/);
  });

  it("/api/runs aggregates the loaded search results per algorithm", async () => {
    const r = (await get("/api/runs?points=11")).body as {
      groups: { space: string; algorithm: string; runs: number; time: number[]; mean: (number | null)[]; count: number[]; final: { mean: number } }[];
      files: { file: string }[];
    };
    expect(r.files.map((f) => f.file)).toEqual(["rea.json", "rs.json"]);
    expect(r.groups.map((g) => [g.space, g.algorithm, g.runs])).toEqual([["tss", "rea", 4], ["tss", "rs", 3]]);
    for (const g of r.groups) {
      expect(g.time).toHaveLength(11);
      expect(g.time[10]).toBe(3000);
      expect(g.count[10]).toBe(g.runs);
      expect(g.mean[10]).toBeCloseTo(g.final.mean, 10);
    }
  });
});

describe("explorer input validation", () => {
  it.each([
    ["/api/overview?hp=7", /bad query parameter 'hp': unknown hp '7': valid hps are '12' or '200'/],
    ["/api/overview?dataset=mnist", /unknown dataset 'mnist': valid datasets are 'cifar10-valid', 'cifar10', 'cifar100' or 'ImageNet16-120'/],
    ["/api/overview?set=test", /unknown set 'test': valid sets are 'train', 'x-valid', 'x-test' or 'ori-test'/],
    ["/api/overview?conv3x3=7", /bad query parameter 'conv3x3': expected a count 0\.\.6 or a range like 2-4/],
    ["/api/overview?conv3x3=4-2", /must not exceed the second/],
    ["/api/overview?dataste=cifar10", /unknown query parameter 'dataste': valid parameters are 'hp', 'dataset', 'set', 'none', 'skip', 'conv1x1', 'conv3x3' or 'pool'/],
    ["/api/overview?hp=12&hp=200", /'hp' is given twice/],
    ["/api/arch", /missing arch: give an arch index 0\.\.15624 or an arch string/],
    ["/api/arch?arch=15625", /valid indexes are 0\.\.15624/],
    ["/api/arch?arch=%7Cconv~0%7C%2B%7Cnone~0%7Cnone~1%7C%2B%7Cnone~0%7Cnone~1%7Cnone~2%7C", /unknown operation 'conv'.*valid operations: 'none'/],
    ["/api/curves?arch=3", /missing hp: valid hps are '12' or '200'/],
    ["/api/correlation?method=pearson", /unknown method 'pearson': valid methods are 'kendall' or 'spearman'/],
    ["/api/runs?points=1", /points must be an integer 2\.\.2000, got '1'/],
    ["/api/runs?metric=reward", /valid metrics are 'test' or 'valid'/],
    ["/api/meta?x=1", /unknown query parameter 'x': valid parameters are none/],
  ])("GET %s → 400 with a message that says what is valid", async (path, message) => {
    const r = await get(path);
    expect(r.status).toBe(400);
    expect((r.body as { error: string }).error).toMatch(message);
    expect(r.headers.get("content-type")).toBe("application/json; charset=utf-8");
  });

  it("an unknown endpoint is a 404 listing the endpoints", async () => {
    const r = await get("/api/nope");
    expect(r.status).toBe(404);
    expect((r.body as { error: string }).error).toMatch(/endpoints are \/api\/meta, \/api\/overview, \/api\/width-effects, \/api\/arch, \/api\/curves, \/api\/correlation, \/api\/proxies, \/api\/runs/);
  });

  it.each([
    "/static/../../package.json",
    "/static/%2e%2e/%2e%2e/package.json",
    "/static/..%2f..%2fpackage.json",
    "/static/..%5c..%5cpackage.json",
    "/vendor/../package.json",
    "/vendor/..%2f..%2fpackage.json",
    "/static/app.js/../../../../../etc/passwd",
    "//etc/passwd",
    "/../../../etc/passwd",
    "/src/web/server.ts",
    "/static/server.ts",
    "/node_modules/echarts/package.json",
    "/static/",
  ])("path %s is a 404, never a file outside the allow-list", async (path) => {
    const r = await raw(path);
    expect(r.status).toBe(404);
    expect(r.body).not.toMatch(/"name": "aa-nas-bench"|root:|import /);
  });

  it("serves the page, the app modules and echarts with a strict content security policy", async () => {
    const page = await raw("/");
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.headers["content-security-policy"]).toMatch(/script-src 'self'/);
    expect(page.body).toContain('<script defer fetchpriority="high" src="/vendor/echarts.min.js"></script>');
    const app = await raw("/static/app.js");
    expect(app.status).toBe(200);
    expect(app.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    const echarts = await raw("/vendor/echarts.min.js");
    expect(echarts.status).toBe(200);
    expect(echarts.body.length).toBeGreaterThan(500_000);
  });

  it("sends large bodies gzip-compressed to clients that accept it, and plain to the rest", async () => {
    const url = new URL(server.url);
    const fetchRaw = (encoding: string | null) =>
      new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
        const req = request({ host: url.hostname, port: url.port, path: "/vendor/echarts.min.js", headers: encoding ? { "Accept-Encoding": encoding } : {} }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
        });
        req.on("error", reject);
        req.end();
      });
    const plain = await fetchRaw(null);
    const gz = await fetchRaw("gzip, deflate, br");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gz.body.length).toBeLessThan(plain.body.length / 2);
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
  });

  it("refuses writes (405) and foreign Host headers while bound to loopback (403)", async () => {
    const post = await raw("/api/meta", { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe("GET, HEAD");
    const rebound = await raw("/api/meta", { host: "evil.example:8201" });
    expect(rebound.status).toBe(403);
    expect(rebound.body).toMatch(/loopback names only/);
    const local = await raw("/api/meta", { host: "localhost:8201" });
    expect(local.status).toBe(200);
  });

  it("HEAD answers with headers and no body", async () => {
    const r = await raw("/api/meta", { method: "HEAD" });
    expect(r.status).toBe(200);
    expect(r.body).toBe("");
    expect(Number(r.headers["content-length"])).toBeGreaterThan(10);
  });
});
