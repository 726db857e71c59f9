/**
 * Progress on stderr: live bars on a terminal; on a pipe or in CI (no TTY) one line per finished unit instead, so logs
 * stay readable and stdout stays clean for `--json`.
 */
import cliProgress from "cli-progress";

export interface ProgressBar {
  start(total: number, label: string): void;
  update(value: number, label?: string): void;
  /** a line that must survive (e.g. an epoch summary) */
  log(line: string): void;
  stop(): void;
}

export function progressBar(name: string, opts: { quiet?: boolean } = {}): ProgressBar {
  if (opts.quiet) return { start() {}, update() {}, log() {}, stop() {} };
  if (!process.stderr.isTTY) {
    return {
      start() {},
      update() {},
      log: (line) => process.stderr.write(`${line}\n`),
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: `${name} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted} | {label}`,
      stream: process.stderr,
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let running = false;
  return {
    start(total, label) {
      if (running) bar.stop();
      bar.start(total, 0, { label });
      running = true;
    },
    update(value, label) {
      bar.update(value, label === undefined ? {} : { label });
    },
    log(line) {
      if (running) {
        // cli-progress redraws on the current line; clear it, print, and let the next update redraw
        process.stderr.write(`\r\x1b[K${line}\n`);
        bar.render();
      } else process.stderr.write(`${line}\n`);
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}
