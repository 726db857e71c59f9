// Random NasBench queries, and one runner for them that works on Node's NasBench (sync) and on the browser's
// BrowserBench (async): the browser test and perf/browser/bench.mjs send the same list to both and compare outcomes.
// Plain JavaScript without imports, so a page can load it from the static server as it is.

const DATASETS = ["cifar10-valid", "cifar10", "cifar100", "ImageNet16-120"];
const SETS = ["train", "valid", "test", "x-valid", "x-test", "ori-test"];

/** A small deterministic generator (LCG): the query list depends only on the seed. */
function generator(seed) {
  let state = seed >>> 0 || 1;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    chance: (p) => next() < p,
  };
}

/**
 * `count` queries over `archs` (each arch a number or arch string). The mix: getMoreInfo 35 %, findBest 25 %,
 * simulateTrainEval 25 %, the other arch queries and statistics 15 %; about one in ten asks for something the store
 * does not hold (an unknown dataset, hp, set, seed or epoch), whose error must match too.
 */
export function makeQueries({ seed, count, archs, hps, seeds = [111, 777, 888, 999] }) {
  const g = generator(seed);
  const hp = () => (g.chance(0.03) ? "7" : g.pick(hps));
  const dataset = () => (g.chance(0.03) ? "cifar-11" : g.pick(DATASETS));
  const iepoch = () => (g.chance(0.6) ? undefined : g.int(g.chance(0.5) ? 12 : 210));
  const trial = () => g.pick(["mean", "mean", "random", "random", ...seeds, 5]);
  const out = [];
  for (let k = 0; k < count; k++) {
    const arch = g.pick(archs);
    const r = g.next();
    if (r < 0.35) out.push({ kind: "getMoreInfo", args: [arch, dataset(), { hp: hp(), iepoch: iepoch(), trial: trial() }] });
    else if (r < 0.6) {
      const opts = { hp: hp() };
      if (g.chance(0.4)) opts.flopMax = g.pick([5, 10, 20, 40, 50.5, 60, 100, 200]);
      if (g.chance(0.3)) opts.paramMax = g.pick([0.1, 0.3, 0.5, 0.55, 1, 2]);
      out.push({ kind: "findBest", args: [dataset(), g.chance(0.03) ? "bogus" : g.pick(SETS), opts] });
    } else if (r < 0.85) {
      const ds = g.chance(0.05) ? "cifar10-valid" : g.pick(["cifar10", "cifar100", "ImageNet16-120"]);
      out.push({ kind: "simulateTrainEval", args: [arch, ds, { hp: hp(), iepoch: g.chance(0.7) ? undefined : g.int(12) }] });
    } else {
      const which = g.int(6);
      if (which === 0) out.push({ kind: "getMetrics", args: [arch, dataset(), g.pick([...SETS.filter((s) => s !== "test"), "valid"]), { hp: hp(), iepoch: iepoch(), trial: trial() }] });
      else if (which === 1) out.push({ kind: "getCostInfo", args: [arch, dataset(), { hp: hp() }] });
      else if (which === 2) out.push({ kind: "getNetConfig", args: [arch, dataset()] });
      else if (which === 3) out.push({ kind: "statistics", args: [dataset(), hp()] });
      else if (which === 4) out.push({ kind: "queryInfoStr", args: [arch, hp()] });
      else out.push({ kind: "getTotalEpoch", args: [arch, dataset(), { hp: hp() }] });
    }
  }
  return out;
}

/** Runs one query; the outcome is plain data (a Map as its entries, an error as its class name and message). */
export async function runQuery(bench, q) {
  try {
    let value = await bench[q.kind](...q.args);
    if (value instanceof Map) value = [...value.entries()];
    return { ok: value };
  } catch (e) {
    return { error: { name: e?.constructor?.name ?? typeof e, message: String(e?.message ?? e) } };
  }
}
