/** A small synthetic store (a few dozen archs, both schedules, all four datasets) for the explorer's tests. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DATASET_KEYS } from "../../../packages/core/src/registry/index.js";
import { allArchs, uniqueStr } from "../../../packages/core/src/space/index.js";
import { SMALL_HPS, writeSyntheticStore } from "./synthetic-store.js";
import { writeProxyScores } from "./proxy-scores.js";

/** The ResNet cell (its isomorphism class has other members too). */
export const RESNET_INDEX = 11472;

/** Small, deterministic arch set: a spread of indexes plus a whole isomorphism class of size ≥ 3. */
export function fixtureArchs(): number[] {
  const spread = Array.from({ length: 28 }, (_, k) => (k * 557 + 3) % 15625);
  const resnetKey = uniqueStr(allArchs()[RESNET_INDEX]!, true);
  const resnetClass = allArchs()
    .map((a, i) => [a, i] as const)
    .filter(([a]) => uniqueStr(a, true) === resnetKey)
    .map(([, i]) => i);
  return [...new Set([...spread, ...resnetClass])].sort((a, b) => a - b);
}

export function makeFixtureStore(): { path: string; archs: number[] } {
  const dir = mkdtempSync(join(tmpdir(), "aa-nas-web-"));
  const path = join(dir, "small.sqlite");
  const archs = fixtureArchs();
  writeSyntheticStore(path, { archs, datasets: DATASET_KEYS, hps: SMALL_HPS });
  return { path, archs };
}

/** The fixture's archs with the synthetic proxy scores of ./proxy-scores.ts on a cifar10 batch. */
export function makeProxyFixtureStore(): { path: string; archs: number[] } {
  const fixture = makeFixtureStore();
  writeProxyScores(fixture.path, fixture.archs);
  return fixture;
}

/** The fixture's archs as a table import stores them: last-epoch accuracies only, no curves, no proxies. */
export function makeLiteFixtureStore(): { path: string; archs: number[] } {
  const dir = mkdtempSync(join(tmpdir(), "aa-nas-web-lite-"));
  const path = join(dir, "lite.sqlite");
  const archs = fixtureArchs();
  writeSyntheticStore(path, { archs, datasets: DATASET_KEYS, hps: SMALL_HPS, curves: false });
  return { path, archs };
}
