// The size space (sss) through the whole pipeline with the built CLI: train-net trains a config on the embedded
// Fashion-MNIST, merge makes an sss store of its record, query answers the trained numbers from it; a local-queue
// sweep of sss jobs is collected into one; a store of one space refuses the other's records and queries. Tiny
// settings: 256 training / 128 eval images, one epoch (hp 01), one replica on one thread.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { startCli } from "../sweep/cli-process.js";
import { tempDirs } from "../data/temp.js";
import { BenchStore } from "../../packages/core/src/bench/store.js";
import { readRecordFile } from "../../packages/engine/src/pipeline/record-file.js";

const tmp = tempDirs();
const TINY = ["--datasets", "fashion-mnist", "--train-subset", "256", "--eval-subset", "128", "--replicas", "1"];
const ENV = { env: { AA_NAS_THREADS: "1" } };

function json<T>(r: { status: number | null; stdout: string; stderr: string }): T {
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}

describe("sss: train → merge → query, sweep → collect (built CLI)", () => {
  it("train-net of an sss config (hp 01, default seed 777) merges into a new sss store that query answers by index and by config", () => {
    const out = tmp("aa-sss-pipe-");
    // no --seeds: hp 01 of the size space was released with seed 777 only
    json(runCli(["train-net", "8:16:24:32:40", "--space", "sss", "--hp", "01", ...TINY, "--out", out, "--json"], ENV));
    const path = join(out, "arch-000668-seed-0777.json");
    const run = readRecordFile(path).runs[0]!;

    const db = join(out, "sss.sqlite");
    expect(json(runCli(["merge", out, "--out", db, "--time-correction", "--json"]))).toMatchObject({ space: "sss", files: 1, inserted: 1, corrupt: [], uncorrected: [] });
    for (const arch of ["668", "8:16:24:32:40"]) {
      const info = json<Record<string, number>>(runCli(["query", arch, "--bench", db, "--space", "sss", "--dataset", "fashion-mnist", "--hp", "01", "--json"]));
      expect(info["test-accuracy"]).toBe(run.evals["ori-test"]!.acc!.at(-1));
      expect(info["test-loss"]).toBe(run.evals["ori-test"]!.loss!.at(-1));
      expect(info["train-loss"]).toBe(run.train.loss![0]);
    }
    // a key outside the benchmark keeps its measured times: the correction has no hp-01 cifar run to take them from
    const store = BenchStore.open(db, { space: "sss" });
    const stored = store.getRecord(668, "01", "fashion-mnist", 777)!;
    expect(stored.train.time).toEqual(run.train.time);
    expect([stored.arch, stored.params, stored.flops, stored.config]).toEqual(["8:16:24:32:40", run.params, run.flops, { channel: 8, numCells: 1, classNum: 10 }]);
    store.close();

    // the other space's store refuses these records, and the sss store the other space's queries
    const tss = join(tmp("aa-sss-pipe-tss-"), "tss.sqlite");
    BenchStore.create(tss).close();
    const refused = runCli(["merge", out, "--out", tss]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/holds the topology search space \('tss'\), not 'sss': a store holds one space; merge the 'sss' records into a new store/);
    const asTss = runCli(["query", "668", "--bench", db, "--space", "tss", "--dataset", "fashion-mnist", "--hp", "01"]);
    expect(asTss.status).toBe(2);
    expect(asTss.stderr).toMatch(/holds the size search space \('sss'\), not 'tss'/);
  }, 60_000);

  it("train without --seeds takes the space's released seeds of the hp, and asks for --seeds where there are none", () => {
    const out = tmp("aa-sss-seeds-");
    const r = runCli(["train", "--arch-index", "1", "--hp", "12", "--datasets", "fashion-mnist", "--out", out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/give --seeds: the topology search space \(tss\) has no released seed set for hp 12 \(it has hp 200: 777 888 999\)/);
    const sss = runCli(["train", "--space", "sss", "--arch-index", "1", "--hp", "7", "--datasets", "fashion-mnist", "--out", out]);
    expect(sss.stderr).toMatch(/no released seed set for hp 7 \(it has hp 01: 777; hp 12: 777 888 999; hp 90: 777\)/);
  });

  it("sweep plan without --seeds plans the released seeds of the hp, and asks for --seeds where there are none", () => {
    const out = join(tmp("aa-sss-plan-"), "results");
    expect(json(runCli(["sweep", "plan", "--space", "sss", "--arch-index", "5", "--hp", "12", "--datasets", "fashion-mnist", "--out", out, "--json"]))).toEqual({ added: 3, existing: 0 });
    const none = runCli(["sweep", "plan", "--space", "sss", "--arch-index", "5", "--hp", "7", "--datasets", "fashion-mnist", "--out", out]);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/give --seeds: the .*no released seed set for hp 7/);
  });

  it("a local-queue sweep of two sss jobs is collected into one sss store holding both", async () => {
    const root = tmp("aa-sss-sweep-");
    const out = join(root, "results");
    // no --seeds: hp 01's released seed, 777
    const plan = runCli(["sweep", "plan", "--space", "sss", "--range", "0-1", "--hp", "01", "--datasets", "fashion-mnist", "--train-subset", "256", "--eval-subset", "128", "--out", out, "--json"]);
    expect(json(plan)).toEqual({ added: 2, existing: 0 });
    const worker = startCli(["sweep", "worker", "--out", out, "--data-dir", join(root, "no-data"), "--exit-when-done", "--replicas", "1"]);
    expect(await worker.exited, worker.stderr()).toBe(0);
    const db = join(root, "bench.sqlite");
    expect(json(runCli(["sweep", "collect", "--results", out, "--out", db, "--time-correction", "--json"]))).toMatchObject({ space: "sss", files: 2, inserted: 2, corrupt: [], uncorrected: [] });
    const store = BenchStore.open(db, { space: "sss" });
    expect(store.evaluatedIndexes()).toEqual([0, 1]);
    expect(store.getRecord(0, "01", "fashion-mnist", 777)!.arch).toBe("8:8:8:8:8");
    expect(store.getRecord(1, "01", "fashion-mnist", 777)!.arch).toBe("8:8:8:8:16");
    store.close();
  }, 120_000);
});
