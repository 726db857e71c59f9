import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, test } from "vitest";
import { NasBench } from "../../packages/core/src/bench/api.js";
import { TOP_SIZE } from "../../packages/core/src/bench/ranking.js";
import { BenchStore } from "../../packages/core/src/bench/store.js";
import { syntheticRun } from "./fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "aa-nas-ranking-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// 700 archs, more than the stored top (TOP_SIZE) holds; 50 accuracy levels (ties), FLOPs and params unrelated to it.
const ARCHS = Array.from({ length: 700 }, (_, k) => 3 + 22 * k);
const acc = (k: number): number => 60 + ((k * 7919) % 50) / 10;
const flops = (k: number): number => 10 + ((k * 13) % 700) / 10;
const params = (k: number): number => 0.1 + ((k * 29) % 700) / 1000;

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
for (const f of [undefined, 9, 10, 10.05, 10.2, 20, 33, 50, 79.9]) for (const p of [undefined, 0.05, 0.1, 0.1005, 0.3, 0.55, 0.8]) LIMITS.push([f, p]);

function expectOriginalAnswers(path: string): void {
  const bench = NasBench.open(path);
  for (const [flopMax, paramMax] of LIMITS) {
    expect(bench.findBest("cifar10-valid", "ori-test", { hp: "12", flopMax, paramMax }), `flopMax ${flopMax} paramMax ${paramMax}`).toStrictEqual(bruteForce(flopMax, paramMax));
  }
  bench.close();
}

describe("findBest's best-first top", () => {
  test("the store keeps the best TOP_SIZE archs best first, and findBest through it (and beyond it) equals the original's scan", () => {
    const path = join(dir, "top.sqlite");
    makeStore(path);
    const store = BenchStore.open(path);
    const top = store.rankingTop("12", "cifar10-valid", "oritest_acc");
    store.close();
    expect(top).not.toBeNull();
    expect([top!.total, top!.index.length]).toEqual([ARCHS.length, TOP_SIZE]);
    const byRank = ARCHS.map((a, k) => [a, acc(k)] as const).sort((x, y) => y[1] - x[1] || x[0] - y[0]);
    expect(Array.from(top!.index)).toEqual(byRank.slice(0, TOP_SIZE).map(([a]) => a));
    // some limits leave no arch of the top, so both paths are exercised
    expect(LIMITS.some(([f, p]) => bruteForce(f, p).index !== -1 && !top!.index.includes(bruteForce(f, p).index))).toBe(true);
    expectOriginalAnswers(path);
  });

  test("a summary stored without a top (flagged archs, NaN) is answered by the full scan, with the same answers", () => {
    const path = join(dir, "no-top.sqlite");
    makeStore(path);
    const db = new Database(path);
    db.prepare("UPDATE rankings SET top = NULL").run();
    db.close();
    const store = BenchStore.open(path);
    expect(store.rankingTop("12", "cifar10-valid", "oritest_acc")).toBeNull();
    store.close();
    expectOriginalAnswers(path);
  });

  test("stores from before the top (a WITHOUT ROWID rankings table) answer read-only through the full summary; refreshRankings recreates the table", () => {
    const path = join(dir, "old-layout.sqlite");
    makeStore(path);
    const db = new Database(path);
    db.exec(`CREATE TABLE legacy (hp TEXT NOT NULL, dataset TEXT NOT NULL, metric TEXT NOT NULL, archs INTEGER NOT NULL, data BLOB NOT NULL,
      PRIMARY KEY (hp, dataset, metric)) WITHOUT ROWID;
      INSERT INTO legacy SELECT hp, dataset, metric, archs, data FROM rankings;
      DROP TABLE rankings; ALTER TABLE legacy RENAME TO rankings;`);
    db.close();
    const readOnly = BenchStore.open(path);
    expect(readOnly.rankingTop("12", "cifar10-valid", "oritest_acc")).toBeNull();
    readOnly.close();
    expectOriginalAnswers(path);

    const store = BenchStore.open(path, { write: true });
    expect(store.refreshRankings()).toBe(4);
    store.close();
    const check = new Database(path, { readonly: true });
    const ddl = check.prepare("SELECT sql FROM sqlite_schema WHERE name = 'rankings'").pluck().get() as string;
    const tops = check.prepare("SELECT COUNT(top) FROM rankings").pluck().get();
    check.close();
    expect(ddl).not.toMatch(/WITHOUT ROWID/i);
    expect(tops).toBe(2); // train and ori-test; these runs have no x-valid / x-test, so those two summaries are flagged
    expectOriginalAnswers(path);
  });
});
