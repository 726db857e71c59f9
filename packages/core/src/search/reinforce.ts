/**
 * REINFORCE (A@bb2f405:exps/algos/reinforce.py; sss: NATS-algos/reinforce.py PolicySize): sample an arch from the softmax policy, evaluate it, update the EMA
 * baseline with the reward, then take one Adam step on −(reward − baseline)·log π(cell). The answer is the best-reward
 * cell of the trace (the A@bb2f405 rule; the earliest version returned the policy's argmax instead).
 */
import { Adam } from "./adam.js";
import { BestSoFar, requireAnswer } from "./answer.js";
import { BiasCorrectedEma } from "./ema.js";
import type { SearchResult, SearchSession } from "./session.js";
import { SoftmaxPolicy } from "./softmax-policy.js";

export interface ReinforceOptions {
  /**
   * Adam learning rate. The paper does not state the value behind Table 5: the paper-era README's example command uses
   * 0.5 and its GRID-RL.sh sweeps 0.01…3.0; the NATS-Bench re-runs use 0.01, our default (docs/reproduction.md has the
   * sweep: 0.5 lands 0.6 points below the paper's CIFAR-10 number, 0.01–0.1 within 0.1).
   */
  learningRate: number;
  /** EMA momentum of the baseline */
  emaMomentum: number;
}

export const REINFORCE_DEFAULTS: Readonly<ReinforceOptions> = { learningRate: 0.01, emaMomentum: 0.9 };

export interface ReinforceStep {
  actions: number[];
  reward: number;
  baseline: number;
  policy: SoftmaxPolicy;
}

export function reinforce(
  session: SearchSession,
  options: ReinforceOptions = REINFORCE_DEFAULTS,
  onStep?: (step: ReinforceStep) => void,
): SearchResult {
  const { positions, values } = session.space.choices;
  const policy = SoftmaxPolicy.initialised(session.rng, 1e-3, positions, values);
  const optimizer = new Adam(policy.logits.length, { lr: options.learningRate });
  const baseline = new BiasCorrectedEma(options.emaMomentum);
  const best = new BestSoFar();

  for (;;) {
    const stopBookkeeping = session.startBookkeeping();
    const actions = policy.sample(session.rng);
    const archIndex = session.space.indexOfChoices(actions);
    const reward = session.evaluate(archIndex);
    if (reward === null) break;
    if (best.offer(archIndex, reward)) session.setAnswer(archIndex, reward);
    baseline.update(reward);
    const b = baseline.value();
    optimizer.step(policy.logits, policy.lossGradient(actions, reward - b));
    stopBookkeeping();
    onStep?.({ actions, reward, baseline: b, policy });
  }
  return session.finish("reinforce", requireAnswer(best.current, session));
}
