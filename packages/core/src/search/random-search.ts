/**
 * Random search (A@bb2f405:exps/algos/RANDOM.py; sss: NATS-algos/random_wo_share.py): uniformly random archs until the budget runs out; the answer is the
 * arch with the best 12-epoch reward.
 */
import { sampleIndex } from "../space/index.js";
import { BestSoFar, requireAnswer } from "./answer.js";
import type { SearchResult, SearchSession } from "./session.js";

export function randomSearch(session: SearchSession): SearchResult {
  const best = new BestSoFar();
  for (;;) {
    const archIndex = sampleIndex(session.space, session.rng);
    const reward = session.evaluate(archIndex);
    if (reward === null) break;
    if (best.offer(archIndex, reward)) session.setAnswer(archIndex, reward);
  }
  return session.finish("rs", requireAnswer(best.current, session));
}
