import { describe, expect, it } from "vitest";
import { backoffDelay, planSweepJobs, sweepJobId, type TrainingSettings } from "../../packages/engine/src/sweep/job.js";
import { throughput } from "../../packages/engine/src/sweep/status.js";

const SETTINGS: TrainingSettings = { hp: "200", datasets: ["cifar10-valid", "cifar10"], channel: 16, numCells: 5, trainSubset: null, evalSubset: null };

describe("sweep job ids", () => {
  it("name arch, seed and hp readably and are equal for equal jobs, so re-planning finds them", () => {
    const [a] = planSweepJobs([123], [777], SETTINGS);
    const [b] = planSweepJobs([123], [777], { ...SETTINGS, datasets: ["cifar10-valid", "cifar10"] });
    expect(sweepJobId(a!)).toMatch(/^arch-000123-seed-0777-hp200-[0-9a-f]{10}$/);
    expect(sweepJobId(a!)).toBe(sweepJobId(b!));
  });

  it("differ when anything that changes the record differs", () => {
    const base = sweepJobId(planSweepJobs([5], [777], SETTINGS)[0]!);
    const variants: Partial<TrainingSettings>[] = [{ hp: "12" }, { datasets: ["cifar10"] }, { channel: 8 }, { numCells: 1 }, { trainSubset: 512 }, { evalSubset: 256 }, { space: "sss" }];
    const ids = variants.map((v) => sweepJobId(planSweepJobs([5], [777], { ...SETTINGS, ...v })[0]!));
    expect(new Set([base, ...ids]).size).toBe(variants.length + 1);
  });

  it("of tss jobs stay those of jobs planned without a space (queues planned by earlier versions keep their ids)", () => {
    const [withSpace] = planSweepJobs([5], [777], { ...SETTINGS, space: "tss" });
    expect(sweepJobId(withSpace!)).toBe(sweepJobId(planSweepJobs([5], [777], SETTINGS)[0]!));
  });

  it("are planned in the original's order: arch, then seed", () => {
    const jobs = planSweepJobs([7, 8], [777, 888], SETTINGS).map((j) => `${j.archIndex}/${j.seed}`);
    expect(jobs).toEqual(["7/777", "7/888", "8/777", "8/888"]);
  });
});

describe("retries and throughput", () => {
  it("backoff doubles after every failed try", () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay({ attempts: 5, backoffMs: 100 }, n))).toEqual([100, 200, 400, 800]);
  });

  it("throughput counts parallel workers together and ignores jobs that were already done", () => {
    const hour = 3_600_000;
    const t = throughput(
      [
        { processedOn: 0, finishedOn: hour / 2, alreadyDone: false },
        { processedOn: 0, finishedOn: hour / 2, alreadyDone: false },
        { processedOn: hour / 2, finishedOn: hour, alreadyDone: false },
        { processedOn: hour, finishedOn: hour, alreadyDone: true },
      ],
      6,
    );
    expect(t.throughputPerHour).toBeCloseTo(3);
    expect(t.etaSeconds).toBeCloseTo(2 * 3600);
    expect(throughput([], 5)).toEqual({ throughputPerHour: null, etaSeconds: null });
  });
});
