import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, test } from "vitest";
import { NasBench } from "../../src/bench/api.js";
import { BenchStore } from "../../src/bench/store.js";
import { syntheticRun } from "./fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "aa-nas-ranking-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// 60 archs, three accuracy levels (many ties), FLOPs and params that do not follow the accuracy.
const ARCHS = Array.from({ length: 60 }, (_, k) => 11 + 37 * k);
const acc = (k: number): number => [60, 61, 62.5][(k * 7) % 3]!;
const flops = (k: number): number => 10 + ((k * 13) % 60);
const params = (k: number): number => 0.1 + ((k * 29) % 60) / 100;

function makeStore(path: string): void {
  const store = BenchStore.create(path);
  store.putRuns(
    ARCHS.map((a, k) => syntheticRun(a, { flops: flops(k), params: params(k), evals: { "ori-test": { epochs: [11], loss: [0.5], acc: [acc(k)], time: null } } })),
  );
  store.refreshRankings();
  store.close();
}

/** The original's loop: archs ascending, skip those over a limit, replace the best only on a strictly larger value. */
function bruteForce(flopMax?: number, paramMax?: number): { index: number; accuracy: number | null } {
  let best = -1;
  let bestAcc: number | null = null;
  ARCHS.forEach((a, k) => {
    if (flopMax !== undefined && flops(k) > flopMax) return;
    if (paramMax !== undefined && params(k) > paramMax) return;
    if (best === -1 || bestAcc! < acc(k)) [best, bestAcc] = [a, acc(k)];
  });
  return { index: best, accuracy: bestAcc };
}

const LIMITS: Array<[number | undefined, number | undefined]> = [];
for (const f of [undefined, 5, 10, 20, 33, 50, 69, 70]) for (const p of [undefined, 0.05, 0.1, 0.3, 0.55, 0.69]) LIMITS.push([f, p]);

function expectOriginalAnswers(path: string): void {
  const bench = NasBench.open(path);
  for (const [flopMax, paramMax] of LIMITS) {
    expect(bench.findBest("cifar10-valid", "ori-test", { hp: "12", flopMax, paramMax }), `flopMax ${flopMax} paramMax ${paramMax}`).toStrictEqual(bruteForce(flopMax, paramMax));
  }
  bench.close();
}

describe("findBest's ranked order", () => {
  test("the stored summary carries a best-first order and findBest through it equals the original's scan, ties and limits included", () => {
    const path = join(dir, "ordered.sqlite");
    makeStore(path);
    const store = BenchStore.open(path);
    const summary = store.ranking("12", "cifar10-valid", "oritest_acc");
    store.close();
    expect(summary.order).not.toBeNull();
    expect(Array.from(summary.order!.slice(0, 3), (i) => summary.index[i])).toEqual([ARCHS[2], ARCHS[5], ARCHS[8]]);
    expectOriginalAnswers(path);
  });

  test("a summary written without the order (older stores) still decodes and gives the same answers", () => {
    const path = join(dir, "unordered.sqlite");
    makeStore(path);
    const db = new Database(path);
    const n = ARCHS.length;
    const rows = db.prepare("SELECT rowid, data FROM rankings").all() as Array<{ rowid: number; data: Buffer }>;
    for (const r of rows) db.prepare("UPDATE rankings SET data = ? WHERE rowid = ?").run(r.data.subarray(0, r.data.length - 4 * n), r.rowid);
    db.close();
    const store = BenchStore.open(path);
    expect(store.ranking("12", "cifar10-valid", "oritest_acc").order).toBeNull();
    store.close();
    expectOriginalAnswers(path);
  });

  test("refreshRankings recreates a WITHOUT ROWID rankings table (the old layout, whose lookups read several BLOBs) as a rowid table", () => {
    const path = join(dir, "old-layout.sqlite");
    makeStore(path);
    const db = new Database(path);
    db.exec("DROP TABLE rankings; CREATE TABLE rankings (hp TEXT NOT NULL, dataset TEXT NOT NULL, metric TEXT NOT NULL, archs INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (hp, dataset, metric)) WITHOUT ROWID;");
    db.close();
    const store = BenchStore.open(path, { write: true });
    expect(store.refreshRankings()).toBe(4);
    store.close();
    const check = new Database(path, { readonly: true });
    const ddl = check.prepare("SELECT sql FROM sqlite_schema WHERE name = 'rankings'").pluck().get() as string;
    const count = check.prepare("SELECT COUNT(*) FROM rankings").pluck().get();
    check.close();
    expect(ddl).not.toMatch(/WITHOUT ROWID/i);
    expect(count).toBe(4);
    expectOriginalAnswers(path);
  });
});
