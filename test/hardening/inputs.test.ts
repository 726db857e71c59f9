// Classes 10 and 12: bad numbers and crafted names on the command line, and a pickle whose global name is an escape
// sequence. Each ends in one escaped line and exit 2 — no stack trace, no raw control byte, no hang (time limit).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { zipSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import { escapeControl, errorLine, showBytes, showInput } from "../../packages/core/src/errors.js";
import { tempDirs } from "../data/temp.js";
import { NATS_SAMPLE, referencePath } from "../support/reference.js";
import { expectCleanError, runAll, runCliAsync } from "./support.js";

const tmp = tempDirs();
let dir = "";
let store = "";
const TINY = ["--datasets", "fashion-mnist", "--channel", "4", "--num-cells", "1", "--train-subset", "32", "--eval-subset", "32", "--replicas", "1"];
const HUGE = "99999999999999999999"; // 1e20: digits only, so a /^\d+$/ check passes it
const ESC_NAME = "\u001b]0;pwned\u0007\u001b[2J\u001b[31mred";

beforeAll(async () => {
  dir = tmp("aa-hard-inputs-");
  store = join(dir, "bench.sqlite");
  const made = await runCliAsync(["import", referencePath(NATS_SAMPLE), "--no-progress", "--out", store], { timeoutMs: 60_000 });
  expect(made.status, made.stderr).toBe(0);
}, 90_000);

describe("bad numbers on the command line", () => {
  it("each is one line, exit 2, before any work (the hangs among them were --hp 1e20 in train-net and demo)", async () => {
    const out = (): string => join(dir, "out");
    const cases: [string[], RegExp][] = [
      [["train-net", "0", ...TINY, "--seeds", HUGE, "--out", out()], /bad seed '99999999999999999999': seeds are integers 0\.\.9007199254740991/],
      [["train-net", "0", ...TINY, "--seeds", "-1", "--out", out()], /bad seed '-1'/],
      [["train-net", "0", ...TINY, "--channel", "100000", "--out", out()], /bad --channel '100000': expected an integer 1\.\.256/],
      [["train-net", "0", ...TINY, "--channel", "0", "--out", out()], /bad --channel '0'/],
      [["train-net", "0", ...TINY, "--channel", "1.5", "--out", out()], /bad --channel '1\.5'/],
      [["train-net", "0", ...TINY, "--num-cells", "100000", "--out", out()], /bad --num-cells '100000': expected an integer 1\.\.32/],
      [["train-net", "0", ...TINY, "--num-cells", "-1", "--out", out()], /bad --num-cells '-1'/],
      [["train-net", "0", ...TINY, "--hp", HUGE, "--out", out()], /bad hp '99999999999999999999': .*1\.\.10000/],
      [["train-net", "0", ...TINY, "--epochs", "0", "--out", out()], /bad --epochs '0'/],
      [["train-net", "0", ...TINY, "--train-subset", "0", "--out", out()], /bad --train-subset '0'/],
      [["train-net", "99999", ...TINY, "--out", out()], /99999/],
      [["train", "--range", "5-1", "--seeds", "1", "--datasets", "cifar10", "--hp", "1", "--out", out()], /bad range '5-1'/],
      [["train", "--range", "0-99999", "--seeds", "1", "--datasets", "cifar10", "--hp", "1", "--out", out()], /bad range '0-99999'/],
      [["train", "--arch-index", "1e3", "--seeds", "1", "--datasets", "cifar10", "--hp", "1", "--out", out()], /bad range/],
      [["demo", "--hp", HUGE, "--out", out()], /bad hp/],
      [["demo", "--seed", "1e20", "--out", out()], /bad seed '1e20'/],
      [["search", "rea", "--bench", store, "--runs", "0"], /--runs/],
      [["search", "rea", "--bench", store, "--seed", HUGE, "--runs", "1"], /--seed/],
      [["search", "rea", "--bench", store, "--budget", "NaN"], /bad time budget 'NaN'/],
      [["search", "darts-v1", "--channel", "100000", "--max-steps", "1"], /bad --channel '100000': expected an integer 1\.\.256/],
      [["serve", "--bench", store, "--port", "70000"], /--port/],
      [["query", "0", "--bench", store, "--dataset", "cifar10", "--hp", "200", "--iepoch", HUGE], /iepoch|epoch/],
      [["arch", "1e3"], /arch string has 1 node/],
      [["sweep", "plan", "--arch-index", "0", "--seeds", "1", "--datasets", "cifar10", "--hp", "1", "--out", out(), "--attempts", "0"], /bad --attempts '0'/],
      [["sweep", "plan", "--arch-index", "0", "--seeds", "1", "--datasets", "cifar10", "--hp", "1", "--out", out(), "--backoff-ms", "99999999999999"], /bad --backoff-ms .*0\.\.2147483647/],
      [["sweep", "worker", "--out", out(), "--concurrency", "100000"], /bad --concurrency '100000': expected an integer 1\.\.256/],
      [["sweep", "worker", "--out", out(), "--lock-ms", "99999999999999"], /bad --lock-ms/],
    ];
    const results = await runAll(cases, ([args]) => runCliAsync(args, { timeoutMs: 15_000 }));
    results.forEach((r, i) => expectCleanError(r, cases[i]![1]));
  }, 120_000);
});

describe("usage errors", () => {
  it("an unknown command or option and a missing required option are one line and exit 2, like every bad input", async () => {
    const cases: [string[], RegExp][] = [
      [["nosuch"], /^aa-nas: unknown command 'nosuch' \(run with --help for usage\)$/m],
      [["arch", "0", "--bogus"], /unknown option '--bogus'/],
      [["query", "0", "--dataset", "cifar10", "--hp", "200"], /required option '--bench <db>' not specified/],
      [["search"], /missing required argument 'algorithm'/],
    ];
    const results = await runAll(cases, ([args]) => runCliAsync(args, { timeoutMs: 15_000 }));
    results.forEach((r, i) => expectCleanError(r, cases[i]![1]));
    const help = await runCliAsync(["--help"], { timeoutMs: 15_000 });
    expect(help.status).toBe(0);
  }, 60_000);
});

describe("escape sequences in echoed names", () => {
  it("names from the command line are echoed escaped, on one line", async () => {
    const cases: string[][] = [
      ["arch", ESC_NAME],
      ["train-net", `|${ESC_NAME}~0|`, ...TINY, "--out", join(dir, "o2")],
      ["train-net", "0", "--datasets", ESC_NAME, "--out", join(dir, "o3")],
      ["meta", "--out", join(dir, "a\nfile")],
    ];
    writeFileSync(join(dir, "a\nfile"), "x");
    const results = await runAll(cases, (args) => runCliAsync(args, { timeoutMs: 15_000 }));
    for (const r of results) {
      expectCleanError(r);
      expect(r.stderr).not.toContain("\u001b");
    }
    // the names that are echoed come back escaped
    expect(results.filter((r) => r.stderr.includes("\\x1b]0;pwned\\x07\\x1b[2J")).length).toBeGreaterThanOrEqual(1);
    expect(results[3]!.stderr).toContain("a\\nfile");
  }, 60_000);

  it("a pickle naming a global made of escape sequences, NUL and newlines: one escaped line", async () => {
    const enc = new TextEncoder();
    const mod = enc.encode("os");
    const name = enc.encode(`${ESC_NAME}\n\u0000evil`);
    // PROTO 2, SHORT_BINUNICODE "os", SHORT_BINUNICODE name, STACK_GLOBAL, STOP
    const pkl = Uint8Array.from([0x80, 2, 0x8c, mod.length, ...mod, 0x8c, name.length, ...name, 0x93, 0x2e]);
    const pth = join(dir, "NAS-Bench-201-v1_1-096897.pth");
    writeFileSync(pth, zipSync({ "archive/data.pkl": [pkl, { level: 0 }], "archive/version": enc.encode("3\n") }));
    const r = await runCliAsync(["import", pth, "--no-progress", "--out", join(dir, "evil.sqlite")]);
    expectCleanError(r, /\\x1b\]0;pwned\\x07\\x1b\[2J\\x1b\[31mred\\n\\x00evil/);
  });

  it("the helpers: escapes, caps and hex", () => {
    expect(escapeControl("a\u001b[2Jb\r\n\t\u0000\u009b\u202e")).toBe("a\\x1b[2Jb\\r\\n\\t\\x00\\x9b\\u202e");
    expect(showInput("x".repeat(5000), 100)).toMatch(/^x{100}… \(4900 more characters\)$/);
    expect(showBytes(new Uint8Array(4200).fill(0xff))).toBe("ff ff ff ff ff ff ff ff ff ff ff ff ff ff ff ff … (4200 bytes)");
    expect(errorLine(`bad \u001b[2J${"\u00ff".repeat(4200)}`).length).toBeLessThan(1100);
  });
});
