import { describe, expect, it } from "vitest";
import { ConstantSchedule, CosineSchedule } from "../../packages/engine/src/tensor/optim/schedule.js";

describe("learning-rate schedules (spec §3.3)", () => {
  it("cosine over 200 epochs: 0.1 at epoch 0, ≈6.17e-6 at 199, eta_min from 200 on", () => {
    const s = new CosineSchedule({ baseLr: 0.1, epochs: 200 });
    expect(s.lrAt(0, 0)).toBe(0.1);
    expect(s.lrAt(199, 0)).toBeCloseTo(6.1679e-6, 9);
    expect(s.lrAt(200, 0)).toBe(0);
    expect(s.lrAt(100, 0)).toBeCloseTo(0.05, 12);
  });

  it("is constant within an epoch after warm-up", () => {
    const s = new CosineSchedule({ baseLr: 0.1, epochs: 12 });
    expect(s.lrAt(11, 0.9)).toBe(s.lrAt(11, 0));
    expect(s.lrAt(11, 0)).toBeCloseTo(0.0017037, 7);
  });

  it("warms up linearly with the iteration fraction, then follows the cosine from the warm-up end", () => {
    const s = new CosineSchedule({ baseLr: 0.2, epochs: 10, warmupEpochs: 2, etaMin: 0.01 });
    expect(s.lrAt(0, 0.5)).toBeCloseTo(0.05, 12);
    expect(s.lrAt(1, 0.5)).toBeCloseTo(0.15, 12);
    expect(s.lrAt(2, 0)).toBeCloseTo(0.2, 12);
    expect(s.lrAt(10, 0)).toBe(0.01);
  });

  it("uses T_max as the period when given (ENAS: T_max 10 oscillates)", () => {
    const s = new CosineSchedule({ baseLr: 0.05, epochs: 250, tMax: 10, etaMin: 0.0005 });
    expect(s.lrAt(10, 0)).toBeCloseTo(0.0005, 12);
    expect(s.lrAt(20, 0)).toBeCloseTo(0.05, 12);
  });

  it("constant schedule ignores the epoch after warm-up", () => {
    const s = new ConstantSchedule(0.025, 1);
    expect(s.lrAt(0, 0.5)).toBeCloseTo(0.0125, 12);
    expect(s.lrAt(7, 0.3)).toBe(0.025);
  });
});
