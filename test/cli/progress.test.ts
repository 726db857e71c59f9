import { describe, expect, it } from "vitest";
import { formatDuration, progressBar, progressInterval } from "../../packages/cli/src/progress.js";
import { UserError } from "../../packages/core/src/errors.js";

/** A non-TTY stream and a clock the test moves. */
function fake() {
  const lines: string[] = [];
  let t = 0;
  return {
    lines,
    stream: { write: (s: string) => lines.push(...s.split("\n").filter((l) => l !== "")) },
    now: () => t,
    advance: (ms: number) => void (t += ms),
  };
}

describe("progress when stderr is not a terminal", () => {
  it("prints a plain line with count, elapsed time and ETA at most every interval, and one when done", () => {
    const f = fake();
    const bar = progressBar("RS on cifar10", { stream: f.stream, now: f.now, intervalSeconds: 10 });
    bar.start(100, "runs");
    for (let v = 1; v <= 100; v++) {
      f.advance(1000); // one run per second
      bar.update(v);
    }
    bar.stop();
    // at 10 s, 20 s, …, 90 s (100 is the end, reported by stop)
    expect(f.lines).toHaveLength(10);
    expect(f.lines[0]).toBe("RS on cifar10: 10/100 runs (10%), 10s elapsed, ETA 1m30s");
    expect(f.lines[8]).toBe("RS on cifar10: 90/100 runs (90%), 1m30s elapsed, ETA 10s");
    expect(f.lines[9]).toBe("RS on cifar10: 100/100 runs done in 1m40s");
  });

  it("stays silent for work shorter than the interval, and entirely when quiet", () => {
    const f = fake();
    const bar = progressBar("import", { stream: f.stream, now: f.now, intervalSeconds: 10 });
    bar.start(3, "archs");
    for (let v = 1; v <= 3; v++) {
      f.advance(100);
      bar.update(v);
    }
    bar.stop();
    expect(f.lines).toEqual([]);
    const q = fake();
    const quiet = progressBar("import", { quiet: true, stream: q.stream, now: q.now, intervalSeconds: 0 });
    quiet.start(3, "archs");
    q.advance(1000);
    quiet.update(1);
    quiet.log("kept?");
    quiet.stop();
    expect(q.lines).toEqual([]);
  });

  it("keeps log lines and takes the interval from AA_NAS_PROGRESS_INTERVAL", () => {
    const f = fake();
    const bar = progressBar("train", { stream: f.stream, now: f.now, intervalSeconds: 0 });
    bar.start(2, "epochs");
    f.advance(5);
    bar.log("epoch 1: loss 1.2");
    bar.update(1);
    expect(f.lines).toEqual(["epoch 1: loss 1.2", "train: 1/2 epochs (50%), 0s elapsed, ETA 0s"]);
    expect(progressInterval({})).toBe(10);
    expect(progressInterval({ AA_NAS_PROGRESS_INTERVAL: "2.5" })).toBe(2.5);
    expect(() => progressInterval({ AA_NAS_PROGRESS_INTERVAL: "soon" })).toThrow(UserError);
    expect(formatDuration(3725)).toBe("1h02m");
  });
});
