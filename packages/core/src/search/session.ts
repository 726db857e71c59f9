/**
 * One search run's view of the world: the benchmark, the simulated clock, the run's random stream and the record of
 * what was evaluated. Algorithms ask it to evaluate archs and tell it their current answer; it enforces the budget rule
 * and keeps the history and the best-so-far trace that the CLI and the web explorer report.
 */
import { PyRandom, searchSpace, type SearchSpace } from "../space/index.js";
import type { SearchBenchmark, SearchDataset } from "./benchmark.js";
import { SimulatedClock } from "./clock.js";
import type { ProxyPrior } from "./warmup.js";

export interface SessionOptions {
  benchmark: SearchBenchmark;
  dataset: SearchDataset;
  /** simulated seconds */
  budget: number;
  seed: number;
  /**
   * Add the wall time of the algorithm's own bookkeeping to the simulated clock, as the original REA and REINFORCE do.
   * Off by default: it makes results depend on the machine, so the same seed would no longer give the same run.
   */
  accountWallTime?: boolean;
  /** a free per-arch score an algorithm may use as a prior (REA's warm-up); never charged to the clock */
  prior?: ProxyPrior;
}

/** One counted evaluation. */
export interface EvaluationRecord {
  archIndex: number;
  reward: number;
  cost: number;
  /** simulated clock after this evaluation */
  time: number;
  /** real seconds since the run started, when this evaluation returned (machine-dependent; never feeds the search) */
  wallTime: number;
}

/** A change of the algorithm's answer: from `time` (simulated seconds) on, the answer is `archIndex`. */
export interface TracePoint {
  time: number;
  /** evaluations counted so far */
  evaluations: number;
  archIndex: number;
  /** the 12-epoch reward the algorithm saw for that arch */
  reward: number;
}

export interface SearchResult {
  algorithm: string;
  dataset: SearchDataset;
  seed: number;
  budget: number;
  /** the answer: benchmark index and arch string */
  archIndex: number;
  arch: string;
  /** the 12-epoch reward the algorithm saw for its answer */
  reward: number;
  /** simulated seconds used (never above the budget unless wall time is accounted) */
  usedTime: number;
  evaluations: number;
  /** real seconds the run took */
  wallSeconds: number;
  history: EvaluationRecord[];
  trace: TracePoint[];
}

export class SearchSession {
  readonly rng: PyRandom;
  /** the benchmark's search space: what the algorithms sample, mutate and learn over */
  readonly space: SearchSpace;
  readonly clock: SimulatedClock;
  readonly history: EvaluationRecord[] = [];
  readonly trace: TracePoint[] = [];
  private exhaustedFlag = false;
  private readonly startedAt = performance.now();

  constructor(readonly options: SessionOptions) {
    this.rng = new PyRandom(options.seed);
    this.space = options.benchmark.space ?? searchSpace("tss");
    this.clock = new SimulatedClock(options.budget);
  }

  get dataset(): SearchDataset {
    return this.options.dataset;
  }

  /** True once an evaluation was refused: the search is over. */
  get exhausted(): boolean {
    return this.exhaustedFlag;
  }

  /**
   * Simulates one proxy training. Returns its reward, or null when it would exceed the budget — then nothing is counted
   * and every later call returns null too.
   */
  evaluate(archIndex: number, iepoch?: number): number | null {
    if (this.exhaustedFlag) return null;
    const bench = this.options.benchmark;
    // iepoch is passed only when given, so a benchmark's simulate sees the same arguments as before it existed
    const { reward, cost } = iepoch === undefined ? bench.simulate(archIndex, this.options.dataset, this.rng) : bench.simulate(archIndex, this.options.dataset, this.rng, iepoch);
    if (!this.clock.tryCharge(cost)) {
      this.exhaustedFlag = true;
      return null;
    }
    this.history.push({ archIndex, reward, cost, time: this.clock.used, wallTime: this.wallSeconds() });
    return reward;
  }

  /**
   * Starts timing a stretch of the algorithm's own work; the returned function stops it and, when wall time is
   * accounted, adds the elapsed seconds to the simulated clock.
   */
  startBookkeeping(): () => void {
    if (!this.options.accountWallTime) return noop;
    const start = performance.now();
    return () => this.clock.addOverhead((performance.now() - start) / 1000);
  }

  /** Records the algorithm's current answer; a trace point is added only when the answer changes. */
  setAnswer(archIndex: number, reward: number): void {
    const last = this.trace[this.trace.length - 1];
    if (last !== undefined && last.archIndex === archIndex && last.reward === reward) return;
    this.trace.push({ time: this.clock.used, evaluations: this.history.length, archIndex, reward });
  }

  private wallSeconds(): number {
    return (performance.now() - this.startedAt) / 1000;
  }

  finish(algorithm: string, answer: { archIndex: number; reward: number }): SearchResult {
    this.setAnswer(answer.archIndex, answer.reward);
    return {
      algorithm,
      dataset: this.options.dataset,
      seed: this.options.seed,
      budget: this.options.budget,
      archIndex: answer.archIndex,
      arch: this.space.archAt(answer.archIndex),
      reward: answer.reward,
      usedTime: this.clock.used,
      evaluations: this.history.length,
      wallSeconds: this.wallSeconds(),
      history: this.history,
      trace: this.trace,
    };
  }
}

function noop(): void {}
