#!/usr/bin/env node
// Web probes and bounded load against `aa-nas serve` (issue "Hardening", "what holds today still holds"). Starts
// `aa-nas serve --bench <store> --host 127.0.0.1 --port 0`, sends ~170 hostile raw requests over loopback (path
// traversal with ../, %2e%2e, double encoding, backslashes, NUL, overlong UTF-8, absolute URLs, malformed targets,
// huge and odd headers, bad methods, bad API queries) and asserts: no 5xx, no stack trace or "internal error" in the
// server's log, no marker of a file outside packages/cli/src/web/static in any answer, and every 200 for a non-API path carries
// exactly the bytes of a file in packages/cli/src/web/static. Then a bounded load: 20,000 GET requests over 50 keep-alive
// connections (loopback only; stops by itself), reporting errors, req/s, p50/p99 latency and the server's peak RSS
// (VmHWM). Needs `npm run build`. Traffic goes to 127.0.0.1 only.
// Usage: node perf/hardening/web-probes.mjs [--requests 20000] [--concurrency 50] [store.sqlite]
import { Buffer } from "node:buffer";
import { performance } from "node:perf_hooks";
import { setTimeout, clearTimeout } from "node:timers";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const MAIN = join(ROOT, "packages/cli/dist/main.js");
const argv = process.argv.slice(2);
const opt = (name, dflt) => { const i = argv.indexOf(name); return i < 0 ? dflt : argv.splice(i, 2)[1]; };
const REQUESTS = Number(opt("--requests", "20000"));
const CONC = Number(opt("--concurrency", "50"));
let store = argv[0];
if (!store) {
  store = join(mkdtempSync(join(tmpdir(), "aa-nas-web-")), "bench.sqlite");
  const r = spawnSync("node", [MAIN, "import", join(ROOT, "test/fixtures/reference/nats-tss-v1_0-3ffb9-simple-sample"), "--no-progress", "--out", store]);
  if (r.status !== 0) throw new Error(`import failed: ${r.stderr}`);
}
const HOST = "127.0.0.1";

// ---- server --------------------------------------------------------------------------------------------------------
const server = spawn("node", [MAIN, "serve", "--bench", store, "--host", HOST, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
let serverLog = "";
server.stderr.on("data", (d) => (serverLog += d));
const PORT = await new Promise((ok, fail) => {
  let out = "";
  server.stdout.on("data", (d) => {
    out += d;
    const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
    if (m) ok(Number(m[1]));
  });
  server.on("exit", (c) => fail(new Error(`serve exited ${c}: ${serverLog}`)));
  setTimeout(() => fail(new Error("serve did not start in 60 s")), 60_000);
});
const vmHWM = () => { try { return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, "utf8"))[1]); } catch { return null; } };

// files the server may hand out, and markers of files it must not
const STATIC = join(ROOT, "packages/cli/src/web/static");
const staticBodies = readdirSync(STATIC).map((f) => readFileSync(join(STATIC, f)));
const MARKERS = ["root:x:0:0", '"name": "aa-nas-bench"', "createRequestHandler", "SQLite format 3", "compilerOptions", "PRIVATE KEY", "/bin/bash", "[core]"];

// ---- raw probes ----------------------------------------------------------------------------------------------------
function raw(bytes, timeoutMs = 5000) {
  return new Promise((done) => {
    const chunks = [];
    const s = net.connect(PORT, HOST);
    let finished = false;
    const end = (how) => {
      if (finished) return;
      finished = true;
      clearTimeout(t);
      s.destroy();
      done({ how, data: Buffer.concat(chunks) });
    };
    const t = setTimeout(() => end("timeout"), timeoutMs);
    s.on("data", (d) => chunks.push(d));
    s.on("end", () => end("closed"));
    s.on("error", (e) => end(`error ${e.code}`));
    s.on("connect", () => s.write(bytes, () => s.end()));
  });
}
const H = `Host: ${HOST}:PORT\r\nConnection: close\r\n`;
const req = (target, { method = "GET", headers = H, version = "HTTP/1.1" } = {}) =>
  Buffer.concat([Buffer.from(`${method} `, "latin1"), Buffer.isBuffer(target) ? target : Buffer.from(target, "latin1"), Buffer.from(` ${version}\r\n${headers.replace("PORT", PORT)}\r\n`, "latin1")]);

const probes = [];
const P = (cls, name, bytes) => probes.push({ cls, name, bytes });
const FILES = ["etc/passwd", "package.json", "packages/cli/src/web/server.ts", "tsconfig.json", "root/.bashrc", ".git/config", "proc/self/environ"];
const UP = [
  ["../", "../"], ["%2e%2e/", "%2e%2e"], ["%2E%2E%2F", "%2E%2E%2F"], ["..%2f", "..%2f"], ["%2e%2e%5c", "%2e%2e%5c"],
  ["%252e%252e%252f", "double %25"], ["..\\", "backslash"], ["..%5c", "%5c"], ["%c0%ae%c0%ae/", "overlong ."], ["..%c0%af", "overlong /"],
  ["%e0%80%ae%e0%80%ae/", "3-byte overlong"], ["....//", "....//"], [".%2e/", ".%2e"], ["%2e./", "%2e."], ["..;/", "..;/"],
  ["%u002e%u002e/", "%u"], ["..%00/", "NUL"],
];
for (const [up, label] of UP) for (const f of FILES) P("traversal", `${label} → ${f}`, req(`/${up.repeat(8)}${f}`));
for (const f of ["package.json", "packages/cli/src/web/server.ts", "etc/passwd"]) {
  P("traversal", `static prefix ../ ${f}`, req(`/static/../../../${f}`));
  P("traversal", `index.html/../ ${f}`, req(`/index.html/../../../${f}`));
  P("traversal", `api ../ ${f}`, req(`/api/../../${f}`));
  P("traversal", `//${f}`, req(`//${f}`));
  P("traversal", `/./ ${f}`, req(`/./././../../${f}`));
}
P("NUL", "index.html%00.js", req("/index.html%00.js"));
P("NUL", "raw NUL in target", req(Buffer.from("/index.html\0.js", "latin1")));
P("NUL", "%00", req("/%00"));
P("NUL", "app.js%00../../package.json", req("/app.js%00/../../package.json"));
for (const t of ["http://127.0.0.1/../../etc/passwd", "http://evil.example/", "file:///etc/passwd", "http://127.0.0.1:1/index.html", "https://127.0.0.1/app.js", "//evil.example/x", "http://user:pw@127.0.0.1/", "http://[::1]/../package.json"]) P("absolute URL", t, req(t));
for (const t of ["*", "", "?", "#", "%", "%zz", "/%", "/%zz", "http://[", "//[", "http://a b/", "/" + "a".repeat(100_000), "/" + "../".repeat(20_000), "/?" + "x=1&".repeat(20_000), "/\u00ff\u00fe", "/index.html?#?#", "index.html", "/.", "/..", "/...", "/api", "/api/", "/api/..", "/api/meta/../../package.json"]) P("malformed target", JSON.stringify(t).slice(0, 60), req(t));
for (const m of ["POST", "PUT", "DELETE", "TRACE", "CONNECT", "OPTIONS", "PATCH", "FOO", "get", "G\u00c9T", "M-SEARCH", "PROPFIND"]) P("method", m, req("/", { method: m }));
P("method", "HEAD", req("/index.html", { method: "HEAD" }));
P("headers", "100 KB header", req("/", { headers: H + `X-Big: ${"a".repeat(100_000)}\r\n` }));
P("headers", "5,000 headers", req("/", { headers: H + Array.from({ length: 5000 }, (_, i) => `X-H${i}: v\r\n`).join("") }));
P("headers", "no Host", req("/", { headers: "Connection: close\r\n" }));
P("headers", "Host evil.example", req("/", { headers: "Host: evil.example\r\nConnection: close\r\n" }));
P("headers", "Host with NUL", req("/", { headers: "Host: 127.0.0.1\0evil\r\nConnection: close\r\n" }));
P("headers", "two Hosts", req("/", { headers: `Host: 127.0.0.1\r\nHost: evil.example\r\nConnection: close\r\n` }));
P("headers", "Host [::1", req("/", { headers: "Host: [::1\r\nConnection: close\r\n" }));
P("headers", "Content-Length -1", req("/", { headers: H + "Content-Length: -1\r\n" }));
P("headers", "Content-Length 10^20", req("/", { headers: H + "Content-Length: 99999999999999999999\r\n" }));
P("headers", "CL + TE", req("/", { method: "POST", headers: H + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n" }));
P("headers", "TE bogus", req("/", { headers: H + "Transfer-Encoding: bogus\r\n" }));
P("headers", "chunked garbage", Buffer.concat([req("/", { headers: H + "Transfer-Encoding: chunked\r\n" }), Buffer.from("zz\r\nxx\r\n")]));
P("headers", "header without colon", req("/", { headers: H + "NoColon\r\n" }));
P("headers", "obs-fold", req("/", { headers: H + "X-A: a\r\n folded\r\n" }));
P("headers", "Accept-Encoding 10 KB", req("/app.js", { headers: H + `Accept-Encoding: ${"gzip;q=0.1, ".repeat(800)}\r\n` }));
P("headers", "Range bytes=-1", req("/app.js", { headers: H + "Range: bytes=0-99999999999999999999\r\n" }));
P("version", "HTTP/9.9", req("/", { version: "HTTP/9.9" }));
P("version", "HTTP/0.9 (no version)", Buffer.from("GET /\r\n\r\n"));
P("version", "bare LF", Buffer.from(`GET / HTTP/1.1\nHost: ${HOST}:${PORT}\nConnection: close\n\n`));
P("version", "garbage line", Buffer.from("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 TLS hello\r\n\r\n", "latin1"));
P("version", "empty request", Buffer.alloc(0));
for (const q of ["arch=../../etc/passwd", "arch=%00", "arch=99999999999999999999", "arch=-1", "arch=1e400", "arch=|x~0|", "arch=" + "a".repeat(50_000), "arch=0&arch=1", "arch=__proto__", "arch=constructor"]) P("api query", `/api/arch?${q.slice(0, 40)}`, req(`/api/arch?${q}`));
for (const q of ["/api/curves?arch=0&dataset=../../x", "/api/curves?arch=0&dataset=cifar10&hp=1e999", "/api/correlation?method=../../x", "/api/correlation?method=__proto__", "/api/overview?dataset=%ff%fe", "/api/overview?hp=NaN", "/api/runs?run=../../../etc/passwd", "/api/runs?x=%", "/api/meta?" + "a=".repeat(10_000), "/api/nope", "/api/__proto__", "/api/constructor"]) P("api query", q.slice(0, 50), req(q));

const probeStats = { probes: probes.length, byStatus: {}, fiveXX: 0, leaks: 0, unknown200: 0, noAnswer: 0 };
const problems = [];
const t0p = performance.now();
for (const p of probes) {
  const r = await raw(p.bytes);
  const text = r.data.toString("latin1");
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  const status = m ? Number(m[1]) : r.how;
  probeStats.byStatus[status] = (probeStats.byStatus[status] ?? 0) + 1;
  if (!m) probeStats.noAnswer++;
  if (typeof status === "number" && status >= 500) { probeStats.fiveXX++; problems.push(`5xx ${status}: ${p.cls} ${p.name}`); }
  const leak = MARKERS.find((k) => text.includes(k));
  if (leak) { probeStats.leaks++; problems.push(`marker ${JSON.stringify(leak)} in answer to ${p.cls} ${p.name}`); }
  if (status === 200) {
    const sep = r.data.indexOf("\r\n\r\n");
    const body = r.data.subarray(sep + 4);
    const isApi = /^\S+ \/api\//.test(p.bytes.subarray(0, 200).toString("latin1"));
    const isHead = p.bytes.subarray(0, 5).toString() === "HEAD ";
    if (!isApi && !isHead && !/chunked/i.test(text.slice(0, sep)) && !staticBodies.some((b) => b.equals(body))) {
      probeStats.unknown200++;
      problems.push(`200 with a body not from src/web/static: ${p.cls} ${p.name}`);
    }
  }
}
const probeSecs = (performance.now() - t0p) / 1000;
const logProblem = /\s+at |internal error/.test(serverLog);
if (logProblem) problems.push(`server log: ${serverLog.slice(0, 500)}`);
const classes = {};
for (const p of probes) classes[p.cls] = (classes[p.cls] ?? 0) + 1;
console.log(`# server on ${HOST}:${PORT}, store ${store}`);
console.log(`probes: ${probes.length} (${Object.entries(classes).map(([k, v]) => `${k} ${v}`).join(", ")}), ${probeSecs.toFixed(1)} s`);
console.log(`status counts: ${JSON.stringify(probeStats.byStatus)}; 5xx: ${probeStats.fiveXX}; answers with an outside file's marker: ${probeStats.leaks}; non-static 200 bodies: ${probeStats.unknown200}; stack trace / internal error in server log: ${logProblem ? "yes" : "no"}`);
const rssAfterProbes = vmHWM();

// ---- bounded load --------------------------------------------------------------------------------------------------
const PATHS = ["/", "/static/app.js", "/static/style.css", "/api/meta", "/api/arch?arch=0", "/api/overview", "/nope"];
const agent = new http.Agent({ keepAlive: true, maxSockets: CONC });
const lat = [];
const loadStats = { requests: REQUESTS, concurrency: CONC, ok: 0, status4xx: 0, status5xx: 0, errors: 0 };
let next = 0;
const get = (path) => new Promise((done) => {
  const t = performance.now();
  const r = http.get({ host: HOST, port: PORT, path, agent, timeout: 30_000 }, (res) => {
    res.resume();
    res.on("end", () => { lat.push(performance.now() - t); done(res.statusCode); });
  });
  r.on("timeout", () => r.destroy(new Error("timeout")));
  r.on("error", () => done(null));
});
const tl = performance.now();
await Promise.all(Array.from({ length: CONC }, async () => {
  while (next < REQUESTS) {
    const i = next++;
    const s = await get(PATHS[i % PATHS.length]);
    if (s === null) loadStats.errors++;
    else if (s >= 500) loadStats.status5xx++;
    else if (s >= 400 && PATHS[i % PATHS.length] !== "/nope") { loadStats.status4xx++; (loadStats.by4xxPath ??= {})[PATHS[i % PATHS.length]] = s; }
    else loadStats.ok++;
  }
}));
const loadSecs = (performance.now() - tl) / 1000;
agent.destroy();
lat.sort((a, b) => a - b);
const pct = (q) => lat[Math.min(lat.length - 1, Math.floor(q * lat.length))];
loadStats.seconds = +loadSecs.toFixed(1);
loadStats.reqPerSec = Math.round(REQUESTS / loadSecs);
loadStats.p50ms = +pct(0.5).toFixed(1);
loadStats.p99ms = +pct(0.99).toFixed(1);
loadStats.maxMs = +lat[lat.length - 1].toFixed(1);
const hwm = vmHWM();
console.log(`load (paths ${PATHS.join(" ")}, /nope's 404 counted as ok): ${JSON.stringify(loadStats)}`);
console.log(`server peak RSS (VmHWM): ${rssAfterProbes === null ? "?" : (rssAfterProbes / 1024).toFixed(0)} MB after the probes, ${hwm === null ? "?" : (hwm / 1024).toFixed(0)} MB after the load`);
if (loadStats.errors || loadStats.status5xx || loadStats.status4xx) problems.push(`load: ${JSON.stringify(loadStats)}`);
if (/\s+at |internal error/.test(serverLog) && !logProblem) problems.push(`server log after load: ${serverLog.slice(0, 500)}`);
server.kill("SIGTERM");
if (problems.length) console.log(`\nproblems (${problems.length}):\n${problems.join("\n")}`);
process.exitCode = problems.length ? 1 : 0;
