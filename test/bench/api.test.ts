import { mkdtempSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { NasBench, type QueryOptions } from "../../packages/core/src/bench/api.js";
import { BenchQueryError, MetricUnavailableError } from "../../packages/core/src/bench/errors.js";
import { UserError } from "../../packages/core/src/errors.js";
import { importBenchmark } from "../../packages/core/src/bench/import/importers.js";
import { BenchStore } from "../../packages/core/src/bench/store.js";
import { PyRandom, type RandomSource } from "../../packages/core/src/space/index.js";
import { NATS_SAMPLE, referencePath } from "../support/reference.js";
import { syntheticRun } from "./fixtures.js";
import { PYTHON, requireSystem } from "../support/system.js";

const dir = mkdtempSync(join(tmpdir(), "aa-nas-api-"));
let bench: NasBench;

beforeAll(() => {
  const store = BenchStore.create(join(dir, "bench.sqlite"));
  importBenchmark(referencePath(NATS_SAMPLE), store);
  store.close();
  bench = NasBench.open(join(dir, "bench.sqlite"));
});
afterAll(() => {
  bench?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** CPython's `random.seed(seed); [random.choice(seq) for each seq]`, the oracle for trial 'random'. */
function pythonChoices(seed: number, seqs: number[][]): number[] {
  const r = spawnSync(PYTHON, ["-c", `import random, json, sys\nrandom.seed(${seed})\nprint(json.dumps([random.choice(s) for s in json.loads(sys.argv[1])]))`, JSON.stringify(seqs)], {
    encoding: "utf8",
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as number[];
}

/** Counts the draws so tests can see the generator is consumed exactly like random.choice. */
class CountingRng implements RandomSource {
  draws: number[] = [];
  constructor(private readonly inner: RandomSource) {}
  random(): number {
    return this.inner.random();
  }
  randbelow(n: number): number {
    this.draws.push(n);
    return this.inner.randbelow(n);
  }
}

describe("trial selection", () => {
  test("trial 'random' picks the seed CPython's random.choice picks for the same generator seed", () => {
    requireSystem("python3");
    const seeds = [777, 888, 999];
    for (const s of [0, 1, 42, 2024]) {
      const [expected] = pythonChoices(s, [seeds]);
      const got = bench.getMoreInfo(11, "cifar100", { hp: "200", trial: "random", rng: new PyRandom(s) });
      expect(got, `seed ${s}`).toStrictEqual(bench.getMoreInfo(11, "cifar100", { hp: "200", trial: expected! }));
    }
  });

  test("the instance generator is used when no per-call rng is given, and draws once per query", () => {
    const rng = new CountingRng(new PyRandom(3));
    const b = new NasBench(BenchStore.open(join(dir, "bench.sqlite")), { rng });
    b.getMoreInfo(0, "cifar10-valid", { hp: "12", trial: "random" });
    b.getMoreInfo(0, "cifar10", { hp: "12", trial: "random" });
    b.getMetrics(0, "cifar100", "x-valid", { hp: "200", trial: "random" });
    b.getMoreInfo(0, "cifar100", { hp: "200", trial: "mean" });
    b.close();
    expect(rng.draws).toStrictEqual([2, 1, 3]);
  });

  test("a seed trial returns that trial, and an unknown seed lists the stored ones", () => {
    const m = bench.getMetrics(0, "cifar10", "ori-test", { hp: "200", trial: 888 });
    expect(m.accuracy).toBe(86.18);
    expect(() => bench.getMetrics(0, "cifar10", "ori-test", { hp: "200", trial: 111 })).toThrow(/unknown seed 111: valid seeds are 777, 888 or 999/);
  });
});

describe("simulateTrainEval", () => {
  test("cifar10 trains on cifar10-valid, reports cifar10's latency, and accumulates usedTime", () => {
    requireSystem("python3");
    bench.resetTime();
    const [seed] = pythonChoices(5, [[777, 888, 999]]);
    const r = bench.simulateTrainEval(11, "cifar10", { hp: "200", rng: new PyRandom(5) });
    const info = bench.getMoreInfo(11, "cifar10-valid", { hp: "200", trial: seed! });
    expect(r.validAccuracy).toBe(info.validAccuracy);
    expect(r.timeCost).toBe(info.trainAllTime! + info.validPerTime!);
    expect(r.latency).toBe(bench.getLatency(11, "cifar10", { hp: "200" }));
    expect(r.usedTime).toBe(r.timeCost);
    const r2 = bench.simulateTrainEval(11, "cifar10", { hp: "200", rng: new PyRandom(6) });
    expect(r2.usedTime).toBe(r.timeCost + r2.timeCost);
    expect(bench.simulateTrainEval(11, "cifar10", { hp: "200", rng: new PyRandom(6), accountTime: false }).usedTime).toBe(r2.usedTime);
    bench.resetTime();
    expect(bench.usedTime).toBe(0);
  });

  test("NATS v1.5+ fallback: no x-valid at that epoch → the valtest value, time from a second random last-epoch draw", () => {
    requireSystem("python3");
    const seeds = [777, 888, 999];
    const [first, second] = pythonChoices(9, [seeds, seeds]);
    const opts: QueryOptions = { hp: "200", iepoch: 5 };
    expect(bench.getMoreInfo(284, "cifar100", { ...opts, trial: first! }).validAccuracy).toBeUndefined();
    const r = bench.simulateTrainEval(284, "cifar100", { hp: "200", iepoch: 5, rng: new PyRandom(9), accountTime: false });
    const at5 = bench.getMoreInfo(284, "cifar100", { ...opts, trial: first! });
    expect(r.validAccuracy).toBe(at5.valtestAccuracy);
    expect(r.timeCost).toBe(at5.trainAllTime! + bench.getMoreInfo(284, "cifar100", { hp: "200", trial: second! }).validPerTime!);
  });

  test("only cifar10, cifar100 and ImageNet16-120 can be simulated", () => {
    expect(() => bench.simulateTrainEval(0, "cifar10-valid", { hp: "12" })).toThrow(/valid datasets are 'cifar10', 'cifar100' or 'ImageNet16-120'/);
  });
});

describe("findBest limits", () => {
  test("flopMax / paramMax exclude archs above the limit (checked against per-arch queries)", () => {
    const candidates = [0, 11, 284];
    for (const flopMax of [10, 20, 50, 200]) {
      const ok = candidates.filter((i) => bench.getCostInfo(i, "cifar100", { hp: "200" }).flops <= flopMax);
      const accs = ok.map((i) => bench.getMetrics(i, "cifar100", "x-valid", { hp: "200" }).accuracy);
      const best = ok.length === 0 ? -1 : ok[accs.indexOf(Math.max(...accs))]!;
      expect(bench.findBest("cifar100", "valid", { hp: "200", flopMax }).index, `flopMax ${flopMax}`).toBe(best);
    }
    expect(bench.findBest("cifar100", "valid", { hp: "200", paramMax: 0 })).toStrictEqual({ index: -1, accuracy: null });
  });
});

describe("errors name what is valid", () => {
  test.each<[string, () => unknown, RegExp]>([
    ["unknown dataset", () => bench.getMoreInfo(0, "mnist", { hp: "12" }), /unknown dataset 'mnist': valid datasets are 'cifar10-valid', 'cifar10', 'cifar100', 'ImageNet16-120' or 'fashion-mnist'/],
    ["unknown hp", () => bench.getMoreInfo(0, "cifar10", { hp: "90" }), /unknown hp '90': valid hps are '12' or '200'/],
    ["missing hp", () => bench.getMoreInfo(0, "cifar10", {} as QueryOptions), /hp is required.*'12', '200'/],
    ["index out of range", () => bench.getMoreInfo(15625, "cifar10", { hp: "12" }), /valid indexes are 0\.\.15624/],
    ["arch not in the store", () => bench.getMoreInfo(5, "cifar10", { hp: "12" }), /arch 5 has no results/],
    ["epoch beyond the schedule", () => bench.getMoreInfo(0, "cifar10", { hp: "12", iepoch: 12 }), /invalid iepoch=12: valid epochs are 0\.\.11/],
    ["unknown set", () => bench.getMetrics(0, "cifar10", "test" as "train", { hp: "12" }), /unknown set 'test': valid sets are 'train', 'x-valid'/],
  ])("%s", (_name, query, message) => {
    expect(query).toThrow(BenchQueryError);
    expect(query).toThrow(message);
  });

  test("a bad arch string is a UserError naming the bad token (from the search-space parser)", () => {
    expect(() => bench.getMoreInfo("|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|", "cifar10", { hp: "12" })).toThrow(UserError);
    expect(() => bench.getMoreInfo("|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|", "cifar10", { hp: "12" })).toThrow(/conv/);
  });

  test("missing values raise MetricUnavailableError (the original's KeyError): ori-test before the last epoch of a 200-epoch cifar10-valid run", () => {
    expect(() => bench.getMetrics(0, "cifar10-valid", "ori-test", { hp: "200", iepoch: 100 })).toThrow(MetricUnavailableError);
    // getMoreInfo tolerates it like the original: the test keys are simply absent
    expect(bench.getMoreInfo(0, "cifar10-valid", { hp: "200", iepoch: 100 }).testAccuracy).toBeUndefined();
  });

  test("indexOf follows the original: unknown arch string → −1, an index is checked and passed through", () => {
    expect(bench.indexOf(bench.arch(284))).toBe(284);
    expect(bench.indexOf("|none~0|+|none~0|none~1|+|none~0|none~1|conv~2|")).toBe(-1);
    expect(bench.indexOf(7)).toBe(7);
    expect(() => bench.indexOf(-1)).toThrow(/valid indexes/);
    expect(bench.size).toBe(15625);
  });
});

describe("semantics on synthetic runs", () => {
  test("legacy FLOPs fix: per-seed FLOPs that disagree at 5 decimals are replaced by the seed-888 value", () => {
    const store = BenchStore.create(join(dir, "legacy.sqlite"));
    store.putRuns([777, 888, 999].map((seed) => syntheticRun(3, { seed, flops: seed === 888 ? 20.5 : 10 + seed / 1e3 })));
    const b = new NasBench(store);
    expect(b.getCostInfo(3, "cifar10-valid", { hp: "12" }).flops).toBe(20.5);
    b.close();
  });

  test("findBest sees runs added after the ranking summary was stored (putRuns drops stale summaries)", () => {
    const store = BenchStore.create(join(dir, "rank.sqlite"));
    store.putRuns([syntheticRun(10), syntheticRun(20)]);
    expect(store.refreshRankings()).toBe(4);
    expect(new NasBench(store).findBest("cifar10-valid", "ori-test", { hp: "12" }).index).toBe(20);
    store.putRuns([syntheticRun(30)]);
    const b = new NasBench(store);
    expect(b.findBest("cifar10-valid", "ori-test", { hp: "12" })).toStrictEqual({ index: 30, accuracy: syntheticRun(30).evals["ori-test"]!.acc![0] });
    b.close();
  });

  test("mean over trials is Python's sequential sum / len in seed order", () => {
    const store = BenchStore.create(join(dir, "mean.sqlite"));
    const accs = [0.1, 0.2, 0.3];
    store.putRuns([999, 777, 888].map((seed, i) => syntheticRun(4, { seed, evals: { "ori-test": { epochs: [11], loss: [1], acc: [accs[i]!], time: null } } })));
    const b = new NasBench(store);
    // seeds sorted: 777 → 0.2, 888 → 0.3, 999 → 0.1; ((0 + 0.2) + 0.3) + 0.1 = 0.6000000000000001
    expect(b.getMetrics(4, "cifar10-valid", "ori-test", { hp: "12" }).accuracy).toBe((0.2 + 0.3 + 0.1) / 3);
    expect((0.2 + 0.3 + 0.1) / 3).not.toBe((0.1 + 0.2 + 0.3) / 3);
    b.close();
  });
});
