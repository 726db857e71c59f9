/**
 * The "best reward seen" answer shared by RS, REA and REINFORCE. Ties keep the first arch that reached the maximum, as
 * Python's `max(history, key=…)` and RS's strict `best_acc < accuracy` do.
 */
import { UserError } from "../errors.js";
import type { SearchSession } from "./session.js";

export interface Answer {
  archIndex: number;
  reward: number;
}

export class BestSoFar {
  private best: Answer | null = null;

  offer(archIndex: number, reward: number): boolean {
    if (this.best !== null && !(reward > this.best.reward)) return false;
    this.best = { archIndex, reward };
    return true;
  }

  get current(): Answer | null {
    return this.best;
  }
}

/** The answer, or a user error when the budget did not fit even one evaluation. */
export function requireAnswer(answer: Answer | null, session: SearchSession): Answer {
  if (answer !== null) return answer;
  throw new UserError(
    `the time budget of ${session.clock.budget} s is smaller than the cost of the first evaluation on ${session.dataset}; ` +
      `give a larger --budget (the paper uses 12000 s; 'nats' selects 20000/40000/120000 s by dataset)`,
  );
}
