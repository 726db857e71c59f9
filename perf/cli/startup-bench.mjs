// CLI start-up benchmark (issue #19): one-shot `aa-nas query … --json` against the original NATS-Bench API v1.8
// (create + get_more_info) on the same 3 real NATS sample records, plus in-process first-query and warm-query times.
// See perf/cli/README.md. Usage: npm run build && node perf/cli/startup-bench.mjs [options]
//   --runs <n>            one-shot runs of each side (default 9; at least 5 are required)
//   --nats-src <path>     NATS-Bench v1.8 sources: a git directory with tag v1.8 (e.g. the fetched mirror), a source
//                         archive (.tar.gz / .zip) or an unpacked folder; also $NATS_BENCH_SRC. Without one, the
//                         benchmark tries `pip install nats_bench==1.8` from PyPI.
//   --python <exe>        the interpreter for the virtualenv (default /usr/bin/python3, Debian's)
//   --baseline-dist <dir> an older build (its dist/) to measure the same way, e.g. the commit before a change
//   --store <db>          an extra, larger store for the in-process probe (e.g. a full-size one)
//   --keep                keep the temporary folder (store, virtualenv) and print its path
// Nothing of NATS-Bench is written outside the temporary folder.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync, readFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const SAMPLE = join(root, "test", "fixtures", "reference", "nats-tss-v1_0-3ffb9-simple-sample");
const TIME = "/usr/bin/time";

function parseArgs(argv) {
  const o = { runs: 9, natsSrc: process.env.NATS_BENCH_SRC, python: "/usr/bin/python3", baselineDist: undefined, store: undefined, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--runs") o.runs = Number(value());
    else if (a === "--nats-src") o.natsSrc = value();
    else if (a === "--python") o.python = value();
    else if (a === "--baseline-dist") o.baselineDist = resolve(value());
    else if (a === "--store") o.store = resolve(value());
    else if (a === "--keep") o.keep = true;
    else throw new Error(`unknown option ${a} (see the header of perf/cli/startup-bench.mjs)`);
  }
  if (!Number.isInteger(o.runs) || o.runs < 5) throw new Error("--runs must be an integer >= 5");
  return o;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x, digits = 3) => (x === undefined || x === null ? "n/a" : x.toFixed(digits));

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 26, ...opts });
  return { status: r.status, stdout: r.stdout ?? "", stderr: (r.stderr ?? "") + (r.error ? String(r.error) : "") };
}

/**
 * One timed run: wall from this process (spawn to exit), CPU (user + sys) from GNU time when it is there. Both matter
 * on a shared 2-core machine: wall is the acceptance figure, CPU shows how much of it is waiting for a core.
 */
function timed(cmd, args) {
  const useTime = existsSync(TIME);
  const cpuFile = join(work, "time.txt");
  const t0 = performance.now();
  const r = useTime ? sh(TIME, ["-o", cpuFile, "-f", "%U %S", cmd, ...args]) : sh(cmd, args);
  const wall = (performance.now() - t0) / 1000;
  let cpu;
  if (useTime) {
    const [u, s] = readFileSync(cpuFile, "utf8").trim().split("\n").pop().split(" ").map(Number);
    cpu = u + s;
  }
  return { ...r, wall, cpu };
}

/** Gets NATS-Bench v1.8 into a fresh virtualenv of Debian's python; returns its python, or null with the reason. */
function natsReference(o) {
  const venv = join(work, "nats-venv");
  const mk = sh(o.python, ["-m", "venv", "--system-site-packages", venv]);
  if (mk.status !== 0) return { python: null, why: `cannot create a virtualenv with ${o.python}: ${mk.stderr.trim()}` };
  const py = join(venv, "bin", "python");
  let target;
  let from;
  if (o.natsSrc !== undefined) {
    const src = resolve(o.natsSrc);
    if (!existsSync(src)) return { python: null, why: `NATS-Bench source ${src} does not exist` };
    const isGit = statSync(src).isDirectory() && (existsSync(join(src, "HEAD")) || existsSync(join(src, ".git")));
    if (isGit) {
      // the v1.8 tag (commit 1d4a304 "Update version": nats_bench.version() == 'v1.8'), packed by git itself
      target = join(work, "nats-bench-v1.8.tar.gz");
      const gitDir = existsSync(join(src, ".git")) ? join(src, ".git") : src;
      const ar = sh("git", ["--git-dir", gitDir, "archive", "--format=tar.gz", "--prefix=NATS-Bench-1.8/", "-o", target, "v1.8"]);
      if (ar.status !== 0) return { python: null, why: `git archive v1.8 of ${src} failed: ${ar.stderr.trim()}` };
      from = `${src} (tag v1.8)`;
    } else {
      target = src;
      from = src;
    }
  } else {
    target = "nats_bench==1.8";
    from = "PyPI";
  }
  const args = ["-m", "pip", "install", "-q", "--no-deps", "--disable-pip-version-check"];
  if (o.natsSrc !== undefined) args.push("--no-build-isolation", "--no-index");
  const pip = sh(py, [...args, target]);
  if (pip.status !== 0) return { python: null, why: `pip install ${target} failed (${from}): ${pip.stderr.trim().split("\n").slice(-3).join(" / ")}` };
  const v = sh(py, ["-c", "import nats_bench; print(nats_bench.version())"]);
  if (v.stdout.trim() !== "v1.8") return { python: null, why: `installed nats_bench reports '${v.stdout.trim()}${v.stderr.trim()}', expected v1.8` };
  return { python: py, from };
}

const NATS_ONESHOT = `
import json, sys
from nats_bench import create
api = create(sys.argv[1], "tss", fast_mode=True, verbose=False)
info = api.get_more_info(0, "cifar10", hp="200", is_random=False)
json.dump(info, sys.stdout, indent=2)
`;

function probe(store, dist, runs) {
  const rows = [];
  for (let i = 0; i < runs; i++) {
    const args = [join(root, "perf", "cli", "first-query.mjs"), store];
    if (dist !== undefined) args.push(dist);
    const r = sh(process.execPath, args);
    if (r.status !== 0) throw new Error(`first-query probe failed: ${r.stderr}`);
    rows.push(JSON.parse(r.stdout));
  }
  return { openMs: median(rows.map((r) => r.openMs)), firstQueryMs: median(rows.map((r) => r.firstQueryMs)), warmQueryUs: median(rows.map((r) => r.warmQueryUs)) };
}

const o = parseArgs(process.argv.slice(2));
const work = mkdtempSync(join(tmpdir(), "aa-nas-startup-bench-"));
try {
  const main = join(root, "packages", "cli", "dist", "main.js");
  if (!existsSync(main)) throw new Error(`${main} missing: run 'npm run build' first`);
  console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), node ${process.version}, load average ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);

  const store = join(work, "sample.sqlite");
  const imp = sh(process.execPath, [main, "import", SAMPLE, "--out", store, "--no-progress"]);
  if (imp.status !== 0) throw new Error(`import of the NATS sample failed: ${imp.stderr}`);

  const nats = natsReference(o);
  if (nats.python === null) console.log(`NATS API reference CANNOT BE MEASURED: ${nats.why}`);
  else console.log(`NATS API reference: nats_bench v1.8 from ${nats.from}, in a virtualenv of ${o.python}`);
  const natsScript = join(work, "nats-oneshot.py");
  writeFileSync(natsScript, NATS_ONESHOT);

  const ours = (cliMain) => [cliMain, "query", "0", "--bench", store, "--dataset", "cifar10", "--hp", "200", "--trial", "mean", "--json"];
  const sides = [{ name: "aa-nas query --json", cmd: process.execPath, args: ours(main) }];
  if (o.baselineDist !== undefined) sides.push({ name: "aa-nas query --json (baseline)", cmd: process.execPath, args: ours(join(o.baselineDist, "cli", "main.js")) });
  if (nats.python !== null) sides.push({ name: "NATS API v1.8 create+get_more_info", cmd: nats.python, args: [natsScript, SAMPLE] });
  // the floors under the load of the moment: Node and the interpreter doing nothing
  sides.push({ name: "(node -e 0)", cmd: process.execPath, args: ["-e", "0"], floor: true });
  if (nats.python !== null) sides.push({ name: "(python -c pass)", cmd: nats.python, args: ["-c", "pass"], floor: true });

  // one untimed run each (page cache, .pyc files), then the timed runs interleaved so both sides see the same load
  const outputs = sides.map((s) => {
    const r = sh(s.cmd, s.args);
    if (r.status !== 0) throw new Error(`${s.name} failed: ${r.stderr}`);
    return s.floor === true ? null : JSON.parse(r.stdout);
  });
  for (let k = 1; k < outputs.length; k++) {
    if (outputs[k] !== null && JSON.stringify(outputs[k]) !== JSON.stringify(outputs[0])) {
      console.log(`WARNING: ${sides[k].name} printed a different dict than ${sides[0].name}`);
    }
  }
  const results = sides.map(() => ({ wall: [], cpu: [] }));
  for (let i = 0; i < o.runs; i++) {
    sides.forEach((s, k) => {
      const r = timed(s.cmd, s.args);
      if (r.status !== 0) throw new Error(`${s.name} failed: ${r.stderr}`);
      results[k].wall.push(r.wall);
      if (r.cpu !== undefined) results[k].cpu.push(r.cpu);
    });
  }
  console.log(`\none-shot, ${o.runs} runs each (interleaved), seconds:`);
  console.log(`${"".padEnd(40)} ${"wall median".padStart(11)} ${"wall min".padStart(9)} ${"cpu median".padStart(10)}`);
  sides.forEach((s, k) => {
    const r = results[k];
    console.log(`${s.name.padEnd(40)} ${fmt(median(r.wall)).padStart(11)} ${fmt(Math.min(...r.wall)).padStart(9)} ${fmt(r.cpu.length ? median(r.cpu) : undefined).padStart(10)}`);
  });
  const natsK = sides.findIndex((s) => s.name.startsWith("NATS"));
  const summary = { runs: o.runs, oursWallMedian: median(results[0].wall), oursCpuMedian: results[0].cpu.length ? median(results[0].cpu) : null };
  if (natsK >= 0) {
    summary.natsWallMedian = median(results[natsK].wall);
    summary.natsCpuMedian = results[natsK].cpu.length ? median(results[natsK].cpu) : null;
    summary.wallRatio = summary.oursWallMedian / summary.natsWallMedian;
    console.log(`ratio ours / NATS (wall medians): ${fmt(summary.wallRatio, 2)}`);
  } else {
    console.log("ratio ours / NATS: not measured (no NATS reference, see above)");
  }

  console.log(`\nin-process, median of ${o.runs} fresh processes (open, first getMoreInfo after open, warm cached getMoreInfo):`);
  const stores = [["sample (3 archs)", store]];
  if (o.store !== undefined) stores.push([o.store, o.store]);
  summary.inProcess = {};
  for (const [label, db] of stores) {
    for (const [build, dist] of [["this build", undefined], ...(o.baselineDist !== undefined ? [["baseline", o.baselineDist]] : [])]) {
      const p = probe(db, dist, o.runs);
      summary.inProcess[`${label} / ${build}`] = p;
      console.log(`${`${label} / ${build}`.padEnd(48)} open ${fmt(p.openMs, 1).padStart(6)} ms  first ${fmt(p.firstQueryMs, 2).padStart(7)} ms  warm ${fmt(p.warmQueryUs, 2).padStart(6)} µs`);
    }
  }
  console.log(`\nload average after: ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  console.log(`JSON ${JSON.stringify(summary)}`);
} finally {
  if (o.keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
