/**
 * Progress on stderr, one helper for every long command. On a terminal: a live bar with the count and an ETA. On a
 * pipe, a log file or CI (no TTY), where a redrawn bar is noise: a plain line every N seconds (AA_NAS_PROGRESS_INTERVAL,
 * default 10) with the count, elapsed time and ETA, and one when the work is done — so a job's log shows it is alive
 * and when it will end, and stdout stays clean for `--json`. `--no-progress` (quiet) silences both.
 */
import cliProgress from "cli-progress";
import { UserError } from "@aa-nas/core/errors.js";

export interface ProgressBar {
  start(total: number, label: string): void;
  update(value: number, label?: string): void;
  /** a line that must survive (e.g. an epoch summary) */
  log(line: string): void;
  stop(): void;
}

export interface ProgressOptions {
  quiet?: boolean;
  /** where to write (default process.stderr); a stream without `isTTY` gets plain lines */
  stream?: { write(text: string): unknown; isTTY?: boolean };
  /** seconds between plain lines (default: AA_NAS_PROGRESS_INTERVAL, else 10) */
  intervalSeconds?: number;
  /** milliseconds clock (tests) */
  now?: () => number;
}

export const DEFAULT_PROGRESS_INTERVAL = 10;

/** The plain-line interval from AA_NAS_PROGRESS_INTERVAL (seconds, ≥ 0), else the default. */
export function progressInterval(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.AA_NAS_PROGRESS_INTERVAL;
  if (raw === undefined || raw.trim() === "") return DEFAULT_PROGRESS_INTERVAL;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new UserError(`bad AA_NAS_PROGRESS_INTERVAL '${raw}': expected a number of seconds ≥ 0 (default ${DEFAULT_PROGRESS_INTERVAL})`);
  return n;
}

/** 42s, 3m05s, 2h07m. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "unknown";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

export function progressBar(name: string, opts: ProgressOptions = {}): ProgressBar {
  if (opts.quiet) return { start() {}, update() {}, log() {}, stop() {} };
  const stream = opts.stream ?? process.stderr;
  if (!stream.isTTY) return plainProgress(name, stream, (opts.intervalSeconds ?? progressInterval()) * 1000, opts.now ?? (() => performance.now()));
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

/** Periodic plain lines: `RS on cifar10: 40/100 runs (40%), 12s elapsed, ETA 18s`. */
function plainProgress(name: string, stream: { write(text: string): unknown }, intervalMs: number, now: () => number): ProgressBar {
  let total = 0;
  let value = 0;
  let label = "";
  let startedAt = 0;
  let lastLine = 0;
  let running = false;
  const line = (text: string): void => void stream.write(`${name}: ${text}\n`);
  const elapsed = (): number => (now() - startedAt) / 1000;
  return {
    start(t, l) {
      total = t;
      label = l;
      value = 0;
      startedAt = lastLine = now();
      running = true;
    },
    update(v, l) {
      if (!running) return;
      value = v;
      if (l !== undefined) label = l;
      const at = now();
      if (at - lastLine < intervalMs || value >= total) return;
      lastLine = at;
      const secs = elapsed();
      const eta = value > 0 ? formatDuration((secs * (total - value)) / value) : "unknown";
      const pct = total > 0 ? Math.floor((100 * value) / total) : 0;
      line(`${value}/${total} ${label} (${pct}%), ${formatDuration(secs)} elapsed, ETA ${eta}`);
    },
    log(text) {
      stream.write(`${text}\n`);
    },
    stop() {
      // a line for work that took long enough to have been reported on: the log shows it ended, and how long it took
      if (running && elapsed() * 1000 >= intervalMs) line(`${value}/${total} ${label} done in ${formatDuration(elapsed())}`);
      running = false;
    },
  };
}
