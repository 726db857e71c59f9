#!/usr/bin/env node
// The long command-line sweep (issue "Hardening", class 12): about 150 distinct bad inputs over every command, each
// run once, sequentially, with a time limit, its peak RSS measured by /usr/bin/time -f %M (GNU time; `apt-get install
// -y time`) and its outcome classified: clean (exit 2, exactly one stderr line starting "aa-nas: ", no stack trace),
// trace (a "    at " frame on stderr), hang (time limit), other (any other exit code or stderr shape) or success
// (exit 0: the bad input was accepted). Children run in a fresh network namespace (`unshare -n`) when that works, so
// nothing can reach the network. Needs `npm run build`.
// Usage: node perf/hardening/cli-inputs.mjs [--timeout 20] [--only <substring>] [--verbose] [scratch dir]
import { Buffer } from "node:buffer";
import { performance } from "node:perf_hooks";
import { setTimeout, clearTimeout } from "node:timers";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const MAIN = join(ROOT, "packages/cli/dist/main.js");
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  if (i < 0) return dflt;
  const v = argv[i + 1];
  argv.splice(i, 2);
  return v;
};
const TIMEOUT_S = Number(opt("--timeout", "20"));
const ONLY = opt("--only", null);
const VERBOSE = argv.includes("--verbose") ? (argv.splice(argv.indexOf("--verbose"), 1), true) : false;
const W = argv[0] ?? mkdtempSync(join(tmpdir(), "aa-nas-cli-inputs-"));
mkdirSync(W, { recursive: true });
if (!existsSync(MAIN)) throw new Error(`${MAIN} missing: run npm run build`);
const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : null;
const UNSHARE = spawnSync("unshare", ["-n", "true"]).status === 0;

// ---- fixtures ----------------------------------------------------------------------------------------------------
const S = join(W, "bench.sqlite");
if (!existsSync(S)) {
  const r = spawnSync("node", [MAIN, "import", join(ROOT, "test/fixtures/reference/nats-tss-v1_0-3ffb9-simple-sample"), "--no-progress", "--out", S]);
  if (r.status !== 0) throw new Error(`fixture import failed: ${r.stderr}`);
}
const G = join(W, "garbage.bin");
writeFileSync(G, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24)));
const EMPTY = join(W, "empty");
writeFileSync(EMPTY, "");
const TXT = join(W, "notes.txt");
writeFileSync(TXT, "not a benchmark\n");
const BADST = join(W, "bad.safetensors");
const hdr = Buffer.from('{"x":{"dtype":"F32","shape":[1000000000],"data_offsets":[0,4000000000]}}');
const len = Buffer.alloc(8);
len.writeBigUInt64LE(BigInt(hdr.length));
writeFileSync(BADST, Buffer.concat([len, hdr]));
const HUGEHDR = join(W, "huge-header.safetensors");
const hl = Buffer.alloc(8);
hl.writeBigUInt64LE(2n ** 62n);
writeFileSync(HUGEHDR, Buffer.concat([hl, Buffer.from("{}")]));
const RECS = join(W, "records");
mkdirSync(RECS, { recursive: true });
writeFileSync(join(RECS, "arch-000000-seed-0777.json"), "{");
const RUNS = join(W, "runs.json");
writeFileSync(RUNS, '{"algorithm": 5, "runs": "x"}');
const NOSTORE = join(W, "no-such.sqlite");
const NODIR = join(W, "no-such-dir");
const H = "99999999999999999999";
const T = ["--datasets", "fashion-mnist", "--channel", "4", "--num-cells", "1", "--train-subset", "32", "--eval-subset", "32", "--replicas", "1", "--out", join(W, "t")];
const TR = ["--seeds", "1", "--datasets", "cifar10", "--hp", "1", "--out", join(W, "t")];
const SW = ["--seeds", "1", "--datasets", "cifar10", "--hp", "1", "--out", join(W, "sw")];
const Q = ["--bench", S, "--dataset", "cifar10", "--hp", "200"];
const B = ["--bench", S];

// ---- inputs: [command group, args] -------------------------------------------------------------------------------
const inputs = [];
const add = (group, ...args) => inputs.push({ group, args });
// arch
for (const a of ["99999", "-1", "1e3", H, "", "abc", "|nor_conv_3x3~0|", "|x~0|+|x~0|x~1|+|x~0|x~1|x~2|", "|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|+", "\x1b]0;pwned\x07", "0x10", " 1"]) add("arch", "arch", a);
add("arch", "arch", "0", "--bogus");
// meta
add("meta", "meta", "--out", "/proc/aa-nas-meta");
add("meta", "meta", "--out", G);
add("meta", "meta", "--out", "");
// query
for (const v of [["--iepoch", "1e20"], ["--iepoch", "-1"], ["--iepoch", H], ["--iepoch", "abc"], ["--trial", "1e20"], ["--trial", H], ["--trial", "x"], ["--hp", H], ["--rng-seed", "-1"], ["--rng-seed", H]]) add("query", "query", "0", ...Q, ...v);
add("query", "query", "99999", ...Q);
add("query", "query", "0", "--bench", S, "--dataset", "mnist", "--hp", "200");
add("query", "query", "0", "--bench", S, "--dataset", "cifar10", "--hp", "7");
add("query", "query", "0", "--bench", S, "--dataset", "cifar10");
add("query", "query", "0", "--bench", NOSTORE, "--dataset", "cifar10", "--hp", "200");
add("query", "query", "0", "--bench", G, "--dataset", "cifar10", "--hp", "200");
add("query", "query", "0", "--bench", EMPTY, "--dataset", "cifar10", "--hp", "200");
add("query", "query", "0", "--bench", W, "--dataset", "cifar10", "--hp", "200");
add("query", "query", "|bad~0|", ...Q);
// best
for (const v of [["--set", "nope"], ["--flop-max", "-1"], ["--flop-max", "abc"], ["--param-max", "NaN"], ["--hp", "abc"], ["--dataset", "x"]]) add("best", "best", ...B, "--dataset", "cifar10", "--hp", "200", "--set", "test", ...v);
add("best", "best", "--bench", G, "--dataset", "cifar10", "--hp", "200", "--set", "test");
add("best", "best", "--bench", NOSTORE, "--dataset", "cifar10", "--hp", "200", "--set", "test");
add("best", "best", ...B, "--dataset", "cifar10", "--hp", "200");
// export
add("export", "export", ...B, "--format", "xml");
add("export", "export", ...B, "--format", "csv", "--out", "/proc/aa-nas-export.csv");
add("export", "export", ...B, "--format", "csv", "--out", W);
add("export", "export", ...B, "--format", "csv", "--out", join(NODIR, "x", "y.csv"));
add("export", "export", "--bench", G, "--format", "csv");
add("export", "export", "--bench", NOSTORE, "--format", "jsonl");
// import
add("import", "import", NODIR, "--out", join(W, "i1.sqlite"));
add("import", "import", G, "--out", join(W, "i2.sqlite"));
add("import", "import", TXT, "--out", join(W, "i3.sqlite"));
add("import", "import", W, "--out", join(W, "i4.sqlite"));
add("import", "import", join(ROOT, "test/fixtures/reference/nats-tss-v1_0-3ffb9-simple-sample"), "--out", G);
add("import", "import", join(ROOT, "test/fixtures/reference/nats-tss-v1_0-3ffb9-simple-sample"), "--out", "/proc/aa-nas.sqlite");
add("import", "import", join(ROOT, "test/fixtures/reference/nats-tss-v1_0-3ffb9-simple-sample"), "--out", join(W, "i5.sqlite"), "--workers", "-1");
add("import", "import", join(ROOT, "test/fixtures/reference/nats-tss-v1_0-3ffb9-simple-sample"), "--out", join(W, "i6.sqlite"), "--workers", H);
add("import", "import", join(ROOT, "test/fixtures/reference/nats-tss-v1_0-3ffb9-simple-sample"), "--out", join(W, "i7.sqlite"), "--replace", "--skip-conflicts");
add("import", "import", EMPTY + ".pickle.pbz2", "--out", join(W, "i8.sqlite"));
// merge
add("merge", "merge", NODIR, "--out", join(W, "m1.sqlite"));
add("merge", "merge", RECS, "--out", join(W, "m2.sqlite"));
add("merge", "merge", G, "--out", join(W, "m3.sqlite"));
add("merge", "merge", RECS, "--out", join(W, "m4.sqlite"), "--on-conflict", "explode");
add("merge", "merge", RECS, "--out", join(W, "m5.sqlite"), "--expect-range", "5-1");
add("merge", "merge", RECS, "--out", join(W, "m6.sqlite"), "--expect-range", `0-${H}`);
add("merge", "merge", RECS, "--out", join(W, "m7.sqlite"), "--expect-range", "0-1", "--expect-seeds", "-5");
add("merge", "merge", RECS, "--out", join(W, "m8.sqlite"), "--expect-range", "0-1", "--hp", H);
add("merge", "merge", RECS, "--out", G);
// train
add("train", "train", "--range", "5-1", ...TR);
add("train", "train", "--range", "0-99999", ...TR);
add("train", "train", "--range", "a-b", ...TR);
add("train", "train", "--arch-index", "1e3", ...TR);
add("train", "train", "--arch-index", H, ...TR);
add("train", "train", "--arch-index", "0", "--range", "0-1", ...TR);
add("train", "train", ...TR);
add("train", "train", "--arch-index", "0", "--seeds", "1", "--datasets", "svhn", "--hp", "1", "--out", join(W, "t"));
add("train", "train", "--arch-index", "0", "--seeds", "1", "--datasets", "cifar10", "--hp", "1", "--out", "/proc/aa-nas-train");
add("train", "train", "--arch-index", "0", ...TR, "--mode", "sideways");
add("train", "train", "--arch-index", "0", ...TR, "--device", "tpu");
add("train", "train", "--arch-index", "0", ...TR, "--device", "cuda:99");
add("train", "train", "--arch-index", "0", ...TR, "--replicas", "0");
add("train", "train", "--arch-index", "0", ...TR, "--replicas", H);
// train-net
for (const v of [["--hp", H], ["--hp", "0"], ["--seeds", "-1"], ["--seeds", H], ["--epochs", "1e3"], ["--train-subset", "0"], ["--eval-subset", "-3"], ["--channel", "0"], ["--channel", "100000"], ["--num-cells", "100000"], ["--channel", "1.5"], ["--mode", "x"], ["--device", "metal"], ["--hp", "3", "--epochs", "4"]]) add("train-net", "train-net", "0", ...T, ...v);
for (const a of ["99999", "-1", "1e3", "", "|x~0|"]) add("train-net", "train-net", a, ...T);
add("train-net", "train-net", "0", ...T.slice(0, -2), "--out", "/proc/aa-nas-tn");
for (const v of [["--data-dir", NODIR], ["--data-dir", G], ["--split-dir", G]]) add("train-net", "train-net", "0", "--datasets", "cifar10", "--hp", "1", "--out", join(W, "t"), ...v);
// eval-net
add("eval-net", "eval-net", NODIR + ".safetensors");
add("eval-net", "eval-net", G);
add("eval-net", "eval-net", EMPTY);
add("eval-net", "eval-net", BADST);
add("eval-net", "eval-net", HUGEHDR);
add("eval-net", "eval-net", W);
add("eval-net", "eval-net", BADST, "--eval-subset", "-1");
add("eval-net", "eval-net", BADST, "--dataset", "svhn");
add("eval-net", "eval-net", BADST, "--device", "tpu");
// demo
for (const v of [["--archs", "99999"], ["--archs", "-1"], ["--seed", "1e20"], ["--seed", "-1"], ["--hp", H], ["--hp", "0"], ["--train-subset", "0"], ["--eval-subset", H], ["--archs", "abc"]]) add("demo", "demo", "--out", join(W, "dm"), ...v);
add("demo", "demo", "--out", "/proc/aa-nas-demo", "--hp", "1");
// search: benchmark-driven
for (const v of [["--runs", "0"], ["--runs", H], ["--seed", "-1"], ["--seed", H], ["--budget", "-5"], ["--budget", "NaN"], ["--budget", "forever"], ["--population", "0"], ["--tournament", "0"], ["--population", H], ["--dataset", "mnist"]]) add("search", "search", "rea", ...B, ...v);
add("search", "search", "reinforce", ...B, "--lr", "-1");
add("search", "search", "reinforce", ...B, "--lr", "abc");
add("search", "search", "bohb", ...B, "--runs", "-3");
add("search", "search", "random", "--bench", G);
add("search", "search", "random", "--bench", NOSTORE);
add("search", "search", "hill-climb", ...B);
add("search", "search", "rea");
// search: weight-sharing
add("search-ws", "search", "darts-v1", "--seed", H, "--max-steps", "1");
add("search-ws", "search", "darts-v1", "--channel", "100000", "--max-steps", "1");
add("search-ws", "search", "darts-v2", "--num-cells", "0", "--max-steps", "1");
add("search-ws", "search", "gdas", "--tau-max", "-1", "--max-steps", "1");
add("search-ws", "search", "gdas", "--tau-min", "5", "--tau-max", "1", "--max-steps", "1");
add("search-ws", "search", "setn", "--select-num", "0", "--max-steps", "1");
add("search-ws", "search", "enas", "--controller-train-steps", "-1", "--max-steps", "1");
add("search-ws", "search", "enas", "--controller-bl-dec", "7", "--max-steps", "1");
add("search-ws", "search", "rsps", "--batch-size", "0", "--max-steps", "1");
add("search-ws", "search", "darts-v1", "--epochs", H, "--max-steps", "1");
add("search-ws", "search", "darts-v1", "--bn", "2", "--max-steps", "1");
add("search-ws", "search", "darts-v1", "--device", "tpu", "--max-steps", "1");
add("search-ws", "search", "darts-v1", "--data-subset", "-1", "--max-steps", "1");
add("search-ws", "search", "darts-v1", "--max-steps", "-1");
add("search-ws", "search", "darts-v1", "--arch-learning-rate", "NaN", "--max-steps", "1");
const WSS = ["--channel", "4", "--num-cells", "1", "--data-subset", "32", "--eval-batches", "1", "--max-steps", "1", "--no-progress"];
add("search-ws", "search", "darts-v1", "--resume", "--save-dir", G, ...WSS);
add("search-ws", "search", "darts-v1", "--resume", ...WSS);
add("search-ws", "search", "darts-v1", "--save-dir", "/proc/aa-nas-ws", "--max-steps", "1");
add("search-ws", "search", "darts-v1", "--dataset", "cifar10", "--data-dir", G, ...WSS);
add("search-ws", "search", "darts-v1", "--dataset", "svhn", ...WSS);
add("search-ws", "search", "gdas", "--eval-batches", "0", ...WSS.slice(0, 6));
// sweep
const P = ["sweep", "plan", "--arch-index", "0", ...SW];
add("sweep", ...P, "--attempts", "0");
add("sweep", ...P, "--attempts", H);
add("sweep", ...P, "--backoff-ms", "99999999999999");
add("sweep", "sweep", "plan", "--range", "9-3", ...SW);
add("sweep", "sweep", "plan", ...SW);
add("sweep", "sweep", "plan", "--arch-index", "0", "--seeds", "1", "--datasets", "svhn", "--hp", "1", "--out", join(W, "sw"));
add("sweep", "sweep", "plan", "--arch-index", "0", "--seeds", "1", "--datasets", "cifar10", "--hp", "1", "--out", "/proc/aa-nas-sw");
add("sweep", "sweep", "plan", "--arch-index", "0", ...SW, "--redis", "redis://127.0.0.1:1", "--json");
add("sweep", "sweep", "status", "--out", join(W, "sw"), "--failures", "0");
add("sweep", "sweep", "status", "--out", NODIR);
add("sweep", "sweep", "status", "--out", G);
add("sweep", "sweep", "status", "--redis", "not a url");
add("sweep", "sweep", "worker", "--out", join(W, "sw"), "--concurrency", "100000", "--exit-when-done");
add("sweep", "sweep", "worker", "--out", join(W, "sw"), "--lock-ms", "99999999999999", "--exit-when-done");
add("sweep", "sweep", "worker", "--out", join(W, "sw"), "--stalled-ms", "-1", "--exit-when-done");
add("sweep", "sweep", "worker", "--out", join(W, "sw"), "--max-stalled", "-1", "--exit-when-done");
add("sweep", "sweep", "worker", "--out", NODIR, "--exit-when-done");
add("sweep", "sweep", "worker", "--out", join(W, "sw"), "--device", "tpu", "--exit-when-done");
add("sweep", "sweep", "collect", "--results", NODIR, "--out", join(W, "c1.sqlite"));
add("sweep", "sweep", "collect", "--results", RECS, "--out", join(W, "c2.sqlite"));
add("sweep", "sweep", "collect", "--results", RECS, "--out", G);
add("sweep", "sweep", "collect", "--results", G, "--out", join(W, "c3.sqlite"));
add("sweep", "sweep", "slurm", "--range", "0-1", "--array-size", "0", "--seeds", "1", "--datasets", "cifar10", "--hp", "12", "--out", join(W, "sl"));
add("sweep", "sweep", "slurm", "--range", "0-1", "--array-size", H, "--seeds", "1", "--datasets", "cifar10", "--hp", "12", "--out", join(W, "sl"));
add("sweep", "sweep", "slurm", "--range", "1-0", "--array-size", "1", "--seeds", "1", "--datasets", "cifar10", "--hp", "12", "--out", join(W, "sl"));
add("sweep", "sweep", "slurm", "--range", "0-1", "--seeds", "1", "--datasets", "cifar10", "--hp", "12", "--out", join(W, "sl"), "--array-size", "1", "--cpus-per-task", "0");
add("sweep", "sweep", "slurm", "--range", "0-1", "--seeds", "1", "--datasets", "cifar10", "--hp", "12", "--out", join(W, "sl"), "--array-size", "1", "--max-parallel", "-2");
add("sweep", "sweep", "slurm", "--range", "0-1", "--seeds", "1", "--datasets", "cifar10", "--hp", "12", "--out", join(W, "sl"), "--array-size", "1", "--script", "/proc/aa-nas.sbatch");
add("sweep", "sweep", "slurm", "--range", "0-1", "--seeds", "1", "--datasets", "cifar10", "--hp", "12", "--out", join(W, "sl"), "--array-size", "1", "--job-name", "x\ny");
add("sweep", "sweep", "bogus");
// serve
for (const p of ["70000", "-1", "abc", "1e3", H, ""]) add("serve", "serve", ...B, "--port", p);
add("serve", "serve", "--bench", G, "--port", "0");
add("serve", "serve", "--bench", NOSTORE, "--port", "0");
add("serve", "serve", ...B, "--runs", RUNS, "--port", "0");
add("serve", "serve", ...B, "--runs", NODIR, "--port", "0");
add("serve", "serve", ...B, "--host", "256.1.1.1", "--port", "0");
// data
add("data", "data", "status", "--data-dir", G);
add("data", "data", "status", "--data-dir", "/proc/self/mem");
add("data", "data", "download", "svhn", "--from", G, "--data-dir", join(W, "d"));
add("data", "data", "download", "cifar10", "--from", NODIR, "--data-dir", join(W, "d"));
add("data", "data", "download", "cifar10", "--from", G, "--data-dir", join(W, "d"));
add("data", "data", "download", "fashion-mnist", "--from", EMPTY, "--data-dir", join(W, "d"));
add("data", "data", "download", "splits", "--from", TXT, "--data-dir", "/proc/aa-nas-data");
add("data", "data", "download", "ImageNet16", "--from", G, "--data-dir", join(W, "d"));
add("data", "data", "frobnicate");
// no command / unknown command
add("top", "frobnicate");
add("top", "--definitely-not-an-option");

// ---- run ---------------------------------------------------------------------------------------------------------
function runOne(args) {
  return new Promise((done) => {
    const rssFile = join(W, "rss.txt");
    rmSync(rssFile, { force: true });
    const cmd = [...(UNSHARE ? ["unshare", "-n"] : []), "node", MAIN, ...args];
    const full = TIME ? [TIME, "-f", "%M", "-o", rssFile, ...cmd] : cmd;
    const t0 = performance.now();
    const child = spawn(full[0], full.slice(1), { stdio: ["ignore", "ignore", "pipe"], detached: true, cwd: W });
    let stderr = "";
    child.stderr.on("data", (d) => {
      if (stderr.length < 1 << 20) stderr += d;
    });
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // the group has already exited
      }
    }, TIMEOUT_S * 1000);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const secs = (performance.now() - t0) / 1000;
      let rssKb = null;
      try {
        const m = /(\d+)\s*$/.exec(readFileSync(rssFile, "utf8"));
        if (m) rssKb = Number(m[1]);
      } catch {
        // GNU time wrote no figure (the child was killed): RSS unknown
      }
      // GNU time prints "Command exited with non-zero status N" before the number: drop its own lines.
      done({ code, signal, hung, stderr, secs, rssKb });
    });
  });
}

function classify(r) {
  if (r.hung) return "hang";
  if (/^\s+at .+/m.test(r.stderr)) return "trace";
  const lines = r.stderr.replace(/\n$/, "").split("\n").filter((l, i, a) => !(l === "" && i === a.length - 1));
  if (r.code === 0) return "success";
  if (r.code === 2 && lines.length === 1 && lines[0].startsWith("aa-nas: ")) return "clean";
  return "other";
}

const selected = ONLY ? inputs.filter((i) => i.args.join(" ").includes(ONLY)) : inputs;
const distinct = new Set(selected.map((i) => JSON.stringify(i.args))).size;
console.log(`# ${selected.length} inputs (${distinct} distinct), limit ${TIMEOUT_S} s, RSS by ${TIME ?? "(no /usr/bin/time)"}, network namespace: ${UNSHARE ? "isolated" : "shared"}, scratch ${W}`);
const rows = {};
const bad = [];
let maxRss = 0;
let maxRssArgs = "";
const t0 = performance.now();
for (const inp of selected) {
  const r = await runOne(inp.args);
  const cls = classify(r);
  // /usr/bin/time writes its own "Command exited with non-zero status" / "Command terminated by signal" lines to -o,
  // not to stderr, so the child's stderr is untouched.
  const g = (rows[inp.group] ??= { inputs: 0, clean: 0, trace: 0, hang: 0, other: 0, success: 0, maxRssKb: 0 });
  g.inputs++;
  g[cls]++;
  if (r.rssKb !== null && r.rssKb > g.maxRssKb) g.maxRssKb = r.rssKb;
  if (r.rssKb !== null && r.rssKb > maxRss) {
    maxRss = r.rssKb;
    maxRssArgs = inp.args.join(" ");
  }
  const shown = inp.args.map((a) => JSON.stringify(a).replaceAll(W, "$W")).join(" ");
  if (cls !== "clean") bad.push(`${cls} rc=${r.code}${r.signal ? "/" + r.signal : ""} ${r.secs.toFixed(1)}s: aa-nas ${shown} :: ${JSON.stringify(r.stderr.slice(0, 300))}`);
  if (VERBOSE) console.log(`${cls.padEnd(7)} ${r.secs.toFixed(1).padStart(5)}s ${String(r.rssKb ?? "?").padStart(7)}kB aa-nas ${shown}`);
}
const wall = (performance.now() - t0) / 1000;
const total = { inputs: 0, clean: 0, trace: 0, hang: 0, other: 0, success: 0, maxRssKb: maxRss };
for (const g of Object.values(rows)) for (const k of ["inputs", "clean", "trace", "hang", "other", "success"]) total[k] += g[k];
const mb = (kb) => (kb / 1024).toFixed(0);
console.log("\n| command | inputs | clean | traces | hangs | other | success | max peak RSS (MB) |");
console.log("|---|---|---|---|---|---|---|---|");
for (const [k, g] of Object.entries(rows)) console.log(`| ${k} | ${g.inputs} | ${g.clean} | ${g.trace} | ${g.hang} | ${g.other} | ${g.success} | ${mb(g.maxRssKb)} |`);
console.log(`| **all** | ${total.inputs} | ${total.clean} | ${total.trace} | ${total.hang} | ${total.other} | ${total.success} | ${mb(total.maxRssKb)} |`);
console.log(`\nwall ${wall.toFixed(0)} s; largest peak RSS: aa-nas ${maxRssArgs.replaceAll(W, "$W")}`);
if (bad.length) console.log(`\nnot clean:\n${bad.join("\n")}`);
process.exitCode = total.clean === total.inputs ? 0 : 1;
