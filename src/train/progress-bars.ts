/** Progress bar with ETA on stderr for train-net (silent when stderr is not a terminal or --json is given). */
import cliProgress from "cli-progress";
import type { TrainProgress } from "./train-run.js";

export class TrainProgressBars {
  private readonly multi: cliProgress.MultiBar | null;
  private bar: cliProgress.SingleBar | null = null;
  private done = 0;

  constructor(enabled: boolean) {
    this.multi =
      enabled && process.stderr.isTTY
        ? new cliProgress.MultiBar(
            {
              stream: process.stderr,
              format: "{label} |{bar}| {percentage}% | epoch {epoch} | {phase} | ETA {eta_formatted}",
              hideCursor: true,
              clearOnComplete: false,
              etaBuffer: 200,
            },
            cliProgress.Presets.shades_classic,
          )
        : null;
  }

  start(label: string, total: number): void {
    this.bar?.stop();
    this.done = 0;
    this.bar = this.multi?.create(total, 0, { label, epoch: "-", phase: "" }) ?? null;
  }

  tick(p: TrainProgress): void {
    this.done++;
    const phase = p.phase === "train" ? `train loss ${p.loss?.toFixed(4) ?? "-"}` : `eval ${p.set ?? ""}`;
    this.bar?.update(this.done, { epoch: `${p.epoch + 1}/${p.epochs}`, phase });
  }

  /** A line above the bars (or plain stderr without them). */
  log(line: string): void {
    if (this.multi) this.multi.log(`${line}\n`);
    else process.stderr.write(`${line}\n`);
  }

  stop(): void {
    this.multi?.stop();
  }
}
