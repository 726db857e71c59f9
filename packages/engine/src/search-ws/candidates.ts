/**
 * Candidate architectures the one-shot methods score at the end (spec §7.2): SETN's top-K of all 15,625 cells by
 * log-probability under α (`return_topK`), and uniformly random cells (RSPS, SETN's weight steps).
 */
import { noGrad } from "../tensor/autograd.js";
import type { Tensor } from "../tensor/tensor.js";
import { NUM_ARCHS, NUM_EDGES, OPS, type RandomSource } from "@aa-nas/core/space/index.js";

/** Op indices of unshuffled position u (`Structure.gen_all`: last edge varies fastest, spec §1.3). */
export function opsAtUnshuffled(u: number): number[] {
  const ops = new Array<number>(NUM_EDGES);
  let rest = u;
  for (let e = NUM_EDGES - 1; e >= 0; e--) {
    ops[e] = rest % OPS.length;
    rest = Math.floor(rest / OPS.length);
  }
  return ops;
}

/**
 * The K most probable cells under α: per cell Σ_edges log_softmax(α)[e, op_e], summed in float32 in edge order as the
 * original's `sum` of 0-d tensors; sorted by descending log-probability, ties kept in enumeration order (Python's
 * stable sort). K < 0 or ≥ 15,625 returns all.
 */
export function topKByLogProb(alpha: Tensor, k: number): number[][] {
  const logits = noGrad(() => {
    const l = alpha.logSoftmax(-1);
    const values = l.toFloat32Array();
    l.dispose();
    return values;
  });
  const scored: { u: number; logp: number }[] = [];
  for (let u = 0; u < NUM_ARCHS; u++) {
    const ops = opsAtUnshuffled(u);
    let sum = 0;
    ops.forEach((op, e) => (sum = Math.fround(sum + logits[e * OPS.length + op]!)));
    scored.push({ u, logp: sum });
  }
  scored.sort((a, b) => b.logp - a.logp || a.u - b.u);
  const count = k < 0 || k >= NUM_ARCHS ? NUM_ARCHS : k;
  return scored.slice(0, count).map((s) => opsAtUnshuffled(s.u));
}

/** A uniformly random cell: `random.choice(op_names)` per edge in canonical order. */
export function randomOps(rng: RandomSource): number[] {
  return Array.from({ length: NUM_EDGES }, () => rng.randbelow(OPS.length));
}
