// Learning-rate schedules of AutoDL-Projects (spec §3.3). The trainer calls lrAt(epoch, i / itersPerEpoch)
// before each iteration. After warm-up the cosine schedule is constant within an epoch.
import { UserError } from "@aa-nas/core/errors.js";

export interface LrSchedule {
  lrAt(epoch: number, iterFraction: number): number;
}

export interface CosineScheduleOptions {
  baseLr: number;
  /** `epochs` of the config (the LR reaches etaMin from this epoch on). */
  epochs: number;
  warmupEpochs?: number;
  /** Cosine period (config T_max, default epochs). */
  tMax?: number;
  etaMin?: number;
}

/**
 * CosineAnnealingLR of AutoDL-Projects: for warmup ≤ e < epochs
 * lr = etaMin + (base − etaMin)·(1 + cos(π·(e − warmup)/tMax))/2; for e ≥ epochs: etaMin;
 * during warm-up (e < warmup): (e/warmup + frac/warmup)·base.
 */
export class CosineSchedule implements LrSchedule {
  readonly baseLr: number;
  readonly epochs: number;
  readonly warmupEpochs: number;
  readonly tMax: number;
  readonly etaMin: number;

  constructor(o: CosineScheduleOptions) {
    this.baseLr = o.baseLr;
    this.epochs = o.epochs;
    this.warmupEpochs = o.warmupEpochs ?? 0;
    this.tMax = o.tMax ?? o.epochs;
    this.etaMin = o.etaMin ?? 0;
    if (!(this.tMax > 0)) throw new UserError(`cosine schedule: T_max must be > 0 (got ${this.tMax})`);
    if (this.warmupEpochs < 0) throw new UserError(`cosine schedule: warmup must be ≥ 0 (got ${this.warmupEpochs})`);
  }

  lrAt(epoch: number, iterFraction: number): number {
    if (epoch >= this.warmupEpochs && epoch < this.epochs) {
      const last = epoch - this.warmupEpochs;
      return this.etaMin + ((this.baseLr - this.etaMin) * (1 + Math.cos((Math.PI * last) / this.tMax))) / 2;
    }
    if (epoch >= this.epochs) return this.etaMin;
    return (epoch / this.warmupEpochs + iterFraction / this.warmupEpochs) * this.baseLr;
  }
}

/** A constant learning rate (optionally after the same linear warm-up). */
export class ConstantSchedule implements LrSchedule {
  constructor(
    readonly lr: number,
    readonly warmupEpochs = 0,
  ) {}

  lrAt(epoch: number, iterFraction: number): number {
    if (epoch >= this.warmupEpochs) return this.lr;
    return (epoch / this.warmupEpochs + iterFraction / this.warmupEpochs) * this.lr;
  }
}
