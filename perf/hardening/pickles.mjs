#!/usr/bin/env node
// Malicious pickles (issue "Hardening", "what holds today still holds"): generates ~250 pickles that try to run code
// (GLOBAL / STACK_GLOBAL of os.system, builtins.eval, subprocess.* … called by REDUCE, INST, OBJ, NEWOBJ, NEWOBJ_EX,
// BUILD), odd global names, nesting up to 1,000,000 deep, huge length fields, memo abuse, protocols 0–5 and beyond,
// extension codes, persistent ids and misuse of the allow-listed callables. Every payload would create the canary
// /tmp/aa-nas-pwned-<n>. Each pickle goes (1) through the reader in this process (`unpickle` of packages/core/dist/formats/pickle.js)
// and must be refused with a FormatError (ForbiddenGlobalError counted apart); (2) through `aa-nas import` as a bare
// `.pickle` file and (3) as `data.pkl` of a `.pth` zip, each of which must end in exit 2 with one `aa-nas: ` line, no
// store left behind; (4) all of them at once as the arch files of one NATS-Bench directory (real meta file).
// No canary may exist afterwards. Children run in their own network namespace (`unshare -n`) when that works.
// Needs `npm run build` and /usr/bin/time (GNU time) for the peak RSS.
// Usage: node perf/hardening/pickles.mjs [--no-cli] [--timeout 20] [--only <class substring>] [scratch dir]
import { Buffer } from "node:buffer";
import { performance } from "node:perf_hooks";
import { setTimeout, clearTimeout } from "node:timers";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const MAIN = join(ROOT, "packages/cli/dist/main.js");
const argv = process.argv.slice(2);
const flag = (f) => (argv.includes(f) ? (argv.splice(argv.indexOf(f), 1), true) : false);
const NO_CLI = flag("--no-cli");
const ti = argv.indexOf("--timeout");
const TIMEOUT_S = ti >= 0 ? Number(argv.splice(ti, 2)[1]) : 20;
const oi = argv.indexOf("--only");
const ONLY = oi >= 0 ? argv.splice(oi, 2)[1] : null;
const W = argv[0] ?? mkdtempSync(join(tmpdir(), "aa-nas-pickles-"));
mkdirSync(W, { recursive: true });
const { unpickle } = await import(pathToFileURL(join(ROOT, "packages/core/dist/formats/pickle.js")).href);
const { FormatError, ForbiddenGlobalError } = await import(pathToFileURL(join(ROOT, "packages/core/dist/formats/errors.js")).href);
const { zipSync } = createRequire(join(ROOT, "package.json"))("fflate");
const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : null;
const UNSHARE = spawnSync("unshare", ["-n", "true"]).status === 0;
const CANARY = (n) => `/tmp/aa-nas-pwned-${n}`;
const canaries = () => readdirSync("/tmp").filter((f) => f.startsWith("aa-nas-pwned-"));
if (canaries().length) throw new Error(`canaries exist before the run: ${canaries()}`);

// ---- pickle bytes ------------------------------------------------------------------------------------------------
const lat = (s) => [...Buffer.from(s, "latin1")];
const utf = (s) => [...Buffer.from(s, "utf8")];
const u32 = (n) => { const b = Buffer.alloc(4); b.writeUInt32LE(n >>> 0); return [...b]; };
const i32 = (n) => { const b = Buffer.alloc(4); b.writeInt32LE(n); return [...b]; };
const u64 = (n) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(n)); return [...b]; };
const OP = {
  MARK: 0x28, STOP: 0x2e, POP: 0x30, POP_MARK: 0x31, DUP: 0x32, FLOAT: 0x46, INT: 0x49, BININT: 0x4a, BININT1: 0x4b,
  LONG: 0x4c, BININT2: 0x4d, NONE: 0x4e, PERSID: 0x50, BINPERSID: 0x51, REDUCE: 0x52, STRING: 0x53, BINSTRING: 0x54,
  SHORT_BINSTRING: 0x55, UNICODE: 0x56, BINUNICODE: 0x58, APPEND: 0x61, BUILD: 0x62, GLOBAL: 0x63, DICT: 0x64,
  EMPTY_DICT: 0x7d, APPENDS: 0x65, GET: 0x67, BINGET: 0x68, INST: 0x69, LONG_BINGET: 0x6a, LIST: 0x6c, EMPTY_LIST: 0x5d,
  OBJ: 0x6f, PUT: 0x70, BINPUT: 0x71, LONG_BINPUT: 0x72, SETITEM: 0x73, TUPLE: 0x74, EMPTY_TUPLE: 0x29, SETITEMS: 0x75,
  BINFLOAT: 0x47, PROTO: 0x80, NEWOBJ: 0x81, EXT1: 0x82, EXT2: 0x83, EXT4: 0x84, TUPLE1: 0x85, TUPLE2: 0x86, TUPLE3: 0x87,
  NEWTRUE: 0x88, NEWFALSE: 0x89, LONG1: 0x8a, LONG4: 0x8b, SHORT_BINUNICODE: 0x8c, BINUNICODE8: 0x8d, BINBYTES8: 0x8e,
  EMPTY_SET: 0x8f, ADDITEMS: 0x90, FROZENSET: 0x91, NEWOBJ_EX: 0x92, STACK_GLOBAL: 0x93, MEMOIZE: 0x94, FRAME: 0x95,
  BYTEARRAY8: 0x96, NEXT_BUFFER: 0x97, READONLY_BUFFER: 0x98, BINBYTES: 0x42, SHORT_BINBYTES: 0x43,
};
const proto = (p) => [OP.PROTO, p];
const glob = (m, n) => [OP.GLOBAL, ...lat(`${m}\n${n}\n`)];
const sstr = (s) => { const b = utf(s); return b.length < 256 ? [OP.SHORT_BINUNICODE, b.length, ...b] : [OP.BINUNICODE, ...u32(b.length), ...b]; };
const stackGlob = (m, n) => [...sstr(m), ...sstr(n), OP.STACK_GLOBAL];
const str0 = (s) => [OP.STRING, ...lat(`'${s.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'\n`)]; // protocol 0 string
const framed = (body) => [...proto(4), OP.FRAME, ...u64(body.length + 1), ...body, OP.STOP];

// payload for canary n, fitting the callable
function payload(mod, name, n) {
  const sh = `touch ${CANARY(n)}`;
  const py = `__import__('os').system('${sh}')`;
  if (/eval|exec|compile|_run_code|runstring/.test(name)) return py;
  if (/import/.test(name)) return "os";
  if (/loads|load$/.test(name)) return `cos\nsystem\n(S'${sh}'\ntR.`;
  if (/open|rmtree|CDLL/.test(name)) return CANARY(n);
  return sh;
}
const TARGETS = [
  ["os", "system"], ["posix", "system"], ["nt", "system"], ["os", "popen"], ["os", "execv"], ["subprocess", "Popen"],
  ["subprocess", "call"], ["subprocess", "check_output"], ["subprocess", "run"], ["subprocess", "getoutput"],
  ["builtins", "eval"], ["builtins", "exec"], ["builtins", "compile"], ["builtins", "__import__"], ["builtins", "getattr"],
  ["builtins", "open"], ["__builtin__", "eval"], ["__builtin__", "execfile"], ["shutil", "rmtree"], ["pty", "spawn"],
  ["runpy", "_run_code"], ["importlib", "import_module"], ["pickle", "loads"], ["_pickle", "loads"], ["webbrowser", "open"],
  ["ctypes", "CDLL"], ["torch", "load"], ["numpy", "load"], ["numpy.testing._private.utils", "runstring"],
  ["code", "InteractiveInterpreter"],
];

const cases = [];
let n = 0;
const add = (cls, name, bytes, expect = "refuse") => {
  cases.push({ id: n, cls, name, bytes: Uint8Array.from(bytes), expect });
  n++;
};
// 1. code-running callables in every call style
for (const [m, f] of TARGETS) {
  add("GLOBAL+REDUCE p0", `${m}.${f}`, [...glob(m, f), OP.MARK, ...str0(payload(m, f, n)), OP.TUPLE, OP.REDUCE, OP.STOP]);
  add("STACK_GLOBAL+REDUCE p4", `${m}.${f}`, framed([...stackGlob(m, f), ...sstr(payload(m, f, n)), OP.TUPLE1, OP.MEMOIZE, OP.REDUCE]));
  add("INST p0", `${m}.${f}`, [OP.MARK, ...str0(payload(m, f, n)), OP.INST, ...lat(`${m}\n${f}\n`), OP.STOP]);
  add("OBJ p1", `${m}.${f}`, [OP.MARK, ...glob(m, f), ...sstr(payload(m, f, n)), OP.OBJ, OP.STOP]);
  add("NEWOBJ p2", `${m}.${f}`, [...proto(2), ...glob(m, f), ...sstr(payload(m, f, n)), OP.TUPLE1, OP.NEWOBJ, OP.STOP]);
  add("NEWOBJ_EX p4", `${m}.${f}`, framed([...stackGlob(m, f), ...sstr(payload(m, f, n)), OP.TUPLE1, OP.EMPTY_DICT, OP.NEWOBJ_EX]));
}
// 2. BUILD: forbidden callables reached through __setstate__ / state dicts of allowed objects
add("BUILD", "OrderedDict + state {__setstate__: os.system}", [...proto(2), ...glob("collections", "OrderedDict"), OP.EMPTY_TUPLE, OP.REDUCE, OP.EMPTY_DICT, ...sstr("__setstate__"), ...glob("os", "system"), OP.SETITEM, OP.BUILD, ...sstr(payload("os", "system", n)), OP.BUILD, OP.STOP]);
add("BUILD", "os.system object BUILD", [...proto(2), ...glob("os", "system"), ...sstr(payload("os", "system", n)), OP.BUILD, OP.STOP]);
add("BUILD", "subprocess.Popen NEWOBJ + BUILD", [...proto(2), ...glob("subprocess", "Popen"), OP.EMPTY_TUPLE, OP.NEWOBJ, OP.EMPTY_DICT, ...sstr("args"), ...sstr(payload("os", "system", n)), OP.SETITEM, OP.BUILD, OP.STOP]);
add("BUILD", "dtype BUILD with eval in state", [...proto(2), ...glob("numpy", "dtype"), ...sstr("f8"), OP.TUPLE1, OP.REDUCE, ...glob("builtins", "eval"), ...sstr(payload("builtins", "eval", n)), OP.TUPLE1, OP.REDUCE, OP.BUILD, OP.STOP]);
add("BUILD", "BUILD on empty stack", [...proto(2), OP.EMPTY_DICT, OP.BUILD, OP.STOP]);
add("BUILD", "OrderedDict BUILD with (None, {'__class__': os.system})", [...proto(2), ...glob("collections", "OrderedDict"), OP.EMPTY_TUPLE, OP.REDUCE, OP.NONE, OP.EMPTY_DICT, ...sstr("__class__"), ...glob("os", "system"), OP.SETITEM, OP.TUPLE2, OP.BUILD, OP.STOP]);
add("BUILD", "copyreg._reconstructor(os.system)", [...proto(2), ...glob("copyreg", "_reconstructor"), ...glob("os", "system"), ...glob("builtins", "object"), OP.NONE, OP.TUPLE3, OP.REDUCE, OP.STOP]);
add("BUILD", "copy_reg._reconstructor (py2 name)", [...glob("copy_reg", "_reconstructor"), OP.MARK, ...glob("os", "system"), OP.TUPLE, OP.REDUCE, OP.STOP]);
// 3. odd global names (each with a call so that an accepted name would run)
const ODD = [
  ["os ", "system"], ["os\u0000", "system"], ["", "system"], ["os", ""], ["\u043es", "system"], ["builtins", "eval\u200b"],
  ["collections", "OrderedDict.__init__.__globals__"], ["torch._utils", "_rebuild_tensor_v2.__globals__"],
  ["collections.OrderedDict", "__class__"], ["numpy.core.multiarray", "scalar.__self__"], ["__main__", "system"],
  ["../os", "system"], ["os.path", "os.system"], ["numpy.core.multiarray", "scalar\nos"], ["\u001b]0;pwned\u0007", "\u001b[2J"],
  ["a".repeat(70000), "b".repeat(70000)], ["builtins", "getattr"], ["builtins", "globals"], ["builtins", "object"],
  ["torch", "Tensor"], ["torch.serialization", "_get_layout"], ["numpy", "ndarray.__reduce__"], ["collections", "OrderedDict\u0000os.system"],
];
for (const [m, f] of ODD) {
  if (!m.includes("\n") && !f.includes("\n")) add("odd name GLOBAL", JSON.stringify(`${m}.${f}`).slice(0, 80), [...glob(m, f), OP.MARK, ...str0(payload("os", "system", n)), OP.TUPLE, OP.REDUCE, OP.STOP]);
  add("odd name STACK_GLOBAL", JSON.stringify(`${m}.${f}`).slice(0, 80), framed([...stackGlob(m, f), ...sstr(payload("os", "system", n)), OP.TUPLE1, OP.REDUCE]));
}
add("odd name", "STACK_GLOBAL of ints", framed([OP.BININT1, 1, OP.BININT1, 2, OP.STACK_GLOBAL]));
add("odd name", "STACK_GLOBAL on short stack", framed([...sstr("os"), OP.STACK_GLOBAL]));
add("odd name", "GLOBAL without newline", [OP.GLOBAL, ...lat("os system"), OP.STOP]);
// 4. deep nesting
for (const depth of [1000, 100_000, 1_000_000]) {
  add("deep nesting", `${depth} lists around os.system()`, [...proto(2), ...Array(depth).fill(OP.EMPTY_LIST), ...glob("os", "system"), ...sstr(payload("os", "system", n)), OP.TUPLE1, OP.REDUCE, ...Array(depth).fill(OP.APPEND), OP.STOP]);
  add("deep nesting", `${depth} MARKs then STOP`, [...proto(2), ...Array(depth).fill(OP.MARK), OP.STOP]);
  add("deep nesting", `${depth} nested tuples of eval, no STOP`, [...proto(2), ...glob("builtins", "eval"), ...Array(depth).fill(OP.TUPLE1)]);
}
add("deep nesting", "1M lists closed, truncated", [...proto(2), ...Array(1_000_000).fill(OP.EMPTY_LIST), ...Array(999_999).fill(OP.APPEND)]);
add("deep nesting", "1M nested dicts around subprocess.Popen", [...proto(2), ...Array(1_000_000).fill([OP.EMPTY_DICT, OP.BININT1, 0]).flat(), ...glob("subprocess", "Popen"), ...Array(1_000_000).fill(OP.SETITEM), OP.STOP]);
add("deep nesting", "1M-deep list, valid (no globals)", [...proto(2), ...Array(1_000_000).fill(OP.EMPTY_LIST), ...Array(999_999).fill(OP.APPEND), OP.STOP], "either");
add("deep nesting", "1M-deep tuple, valid (no globals)", [...proto(2), OP.EMPTY_TUPLE, ...Array(1_000_000).fill(OP.TUPLE1), OP.STOP], "either");
// 5. huge length fields
const HUGE = [
  ["BINUNICODE 4 GiB", [...proto(2), OP.BINUNICODE, ...u32(0xffffffff), 0x61, OP.STOP]],
  ["BINUNICODE8 2^63", [...proto(4), OP.BINUNICODE8, ...u64(2n ** 63n), 0x61, OP.STOP]],
  ["BINUNICODE8 2^64-1", [...proto(4), OP.BINUNICODE8, ...u64(2n ** 64n - 1n), OP.STOP]],
  ["BINBYTES 4 GiB", [...proto(3), OP.BINBYTES, ...u32(0xffffffff), OP.STOP]],
  ["BINBYTES8 2^62", [...proto(4), OP.BINBYTES8, ...u64(2n ** 62n), OP.STOP]],
  ["BYTEARRAY8 2^40", [...proto(5), OP.BYTEARRAY8, ...u64(2n ** 40n), OP.STOP]],
  ["BINSTRING -1", [...proto(1), OP.BINSTRING, ...i32(-1), OP.STOP]],
  ["BINSTRING 2^31-1", [...proto(1), OP.BINSTRING, ...i32(2 ** 31 - 1), OP.STOP]],
  ["LONG4 2^31-1 bytes", [...proto(2), OP.LONG4, ...i32(2 ** 31 - 1), 1, OP.STOP]],
  ["LONG4 negative", [...proto(2), OP.LONG4, ...i32(-5), OP.STOP]],
  ["LONG1 255 of 3", [...proto(2), OP.LONG1, 255, 1, 2, 3]],
  ["FRAME 2^63", [...proto(4), OP.FRAME, ...u64(2n ** 63n), OP.NONE, OP.STOP]],
  ["FRAME 1 GiB then os.system", [...proto(4), OP.FRAME, ...u64(2 ** 30), ...stackGlob("os", "system"), OP.STOP]],
  ["SHORT_BINBYTES 255 of 3", [...proto(3), OP.SHORT_BINBYTES, 255, 1, 2, 3]],
  ["SHORT_BINUNICODE 255 of 2", [...proto(4), OP.SHORT_BINUNICODE, 255, 0x61, 0x62]],
  ["STRING unterminated", [OP.STRING, ...lat("'abc"), OP.STOP]],
  ["INT 10^6 digits", [OP.INT, ...lat("9".repeat(1_000_000) + "\n"), OP.STOP]],
  ["LONG 10^6 digits", [OP.LONG, ...lat("9".repeat(1_000_000) + "L\n"), OP.STOP]],
  ["BINUNICODE 64 MiB present", [...proto(2), OP.BINUNICODE, ...u32(64 << 20), ...new Uint8Array(64 << 20).fill(0x61), OP.STOP], "either"],
];
for (const [name, bytes, expect] of HUGE) add("huge length", name, bytes, expect);
// 6. memo abuse
add("memo", "BINGET of an empty memo", [...proto(2), OP.BINGET, 7, OP.STOP]);
add("memo", "LONG_BINGET 2^32-1", [...proto(2), OP.LONG_BINGET, ...u32(0xffffffff), OP.STOP]);
add("memo", "GET 10^20", [OP.GET, ...lat("99999999999999999999\n"), OP.STOP]);
add("memo", "GET -1", [OP.GET, ...lat("-1\n"), OP.STOP]);
add("memo", "PUT on empty stack", [OP.PUT, ...lat("0\n"), OP.STOP]);
add("memo", "MEMOIZE on empty stack", [...proto(4), OP.MEMOIZE, OP.STOP]);
add("memo", "memoized os.system fetched back and called", [...proto(2), ...glob("os", "system"), OP.BINPUT, 0, OP.POP, OP.BINGET, 0, ...sstr(payload("os", "system", n)), OP.TUPLE1, OP.REDUCE, OP.STOP]);
add("memo", "1M MEMOIZE then GET of the next index", [...proto(4), OP.EMPTY_LIST, ...Array(1_000_000).fill(OP.MEMOIZE), OP.LONG_BINGET, ...u32(1_000_000), OP.STOP]);
add("memo", "LONG_BINPUT 2^32-1 then os.system", [...proto(2), OP.NONE, OP.LONG_BINPUT, ...u32(0xffffffff), ...glob("os", "system"), OP.LONG_BINGET, ...u32(0xffffffff), OP.TUPLE1, OP.REDUCE, OP.STOP]);
add("memo", "self-referencing list via BINGET + APPEND, then eval", [...proto(2), OP.EMPTY_LIST, OP.BINPUT, 0, OP.BINGET, 0, OP.APPEND, ...glob("builtins", "eval"), OP.BINGET, 0, OP.TUPLE1, OP.REDUCE, OP.STOP]);
// 7. protocols 0–5 and beyond
for (let p = 0; p <= 5; p++) add("protocol", `PROTO ${p} + GLOBAL os.system`, [...proto(p), ...glob("os", "system"), ...sstr(payload("os", "system", n)), OP.TUPLE1, OP.REDUCE, OP.STOP]);
for (let p = 0; p <= 5; p++) add("protocol", `PROTO ${p} + STACK_GLOBAL builtins.exec`, [...proto(p), ...stackGlob("builtins", "exec"), ...sstr(payload("builtins", "exec", n)), OP.TUPLE1, OP.REDUCE, OP.STOP]);
for (const p of [6, 7, 127, 255]) add("protocol", `PROTO ${p}`, [...proto(p), OP.NONE, OP.STOP]);
add("protocol", "PROTO in the middle + os.system", [OP.NONE, OP.POP, ...proto(2), ...glob("os", "system"), OP.STOP]);
add("protocol", "NEXT_BUFFER with no buffers", [...proto(5), OP.NEXT_BUFFER, OP.STOP]);
add("protocol", "READONLY_BUFFER on empty stack", [...proto(5), OP.READONLY_BUFFER, OP.STOP]);
add("protocol", "empty file", []);
add("protocol", "no STOP", [...proto(2), OP.NONE]);
add("protocol", "unknown opcode 0xff", [...proto(2), 0xff, OP.STOP]);
add("protocol", "unknown opcode 0x00", [0x00]);
add("protocol", "STOP on empty stack", [OP.STOP]);
add("protocol", "POP_MARK without MARK", [OP.POP_MARK, OP.STOP]);
// 8. extension registry, persistent ids
add("ext", "EXT1 1", [...proto(2), OP.EXT1, 1, OP.EMPTY_TUPLE, OP.REDUCE, OP.STOP]);
add("ext", "EXT2 0xffff", [...proto(2), OP.EXT2, 0xff, 0xff, OP.STOP]);
add("ext", "EXT4 2^31-1", [...proto(2), OP.EXT4, ...i32(2 ** 31 - 1), OP.STOP]);
add("persid", "PERSID os.system", [OP.PERSID, ...lat("os.system\n"), OP.STOP]);
add("persid", "BINPERSID of a forbidden global", [...proto(2), ...glob("os", "system"), OP.BINPERSID, OP.STOP]);
add("persid", "BINPERSID storage tuple naming os.system", [...proto(2), OP.MARK, ...sstr("storage"), ...glob("os", "system"), ...sstr("0"), ...sstr("cpu"), OP.BININT1, 1, OP.TUPLE, OP.BINPERSID, OP.STOP]);
// 9. allow-listed callables misused
add("allowed misuse", "OrderedDict('a','b')", [...proto(2), ...glob("collections", "OrderedDict"), ...sstr("a"), ...sstr("b"), OP.TUPLE2, OP.REDUCE, OP.STOP]);
add("allowed misuse", "OrderedDict(os.system)", [...proto(2), ...glob("collections", "OrderedDict"), ...glob("os", "system"), OP.TUPLE1, OP.REDUCE, OP.STOP]);
add("allowed misuse", "numpy.ndarray() called", [...proto(2), ...glob("numpy", "ndarray"), OP.EMPTY_TUPLE, OP.REDUCE, OP.STOP]);
add("allowed misuse", "torch.FloatStorage() called", [...proto(2), ...glob("torch", "FloatStorage"), OP.EMPTY_TUPLE, OP.REDUCE, OP.STOP]);
add("allowed misuse", "scalar() with no args", [...proto(2), ...glob("numpy.core.multiarray", "scalar"), OP.EMPTY_TUPLE, OP.REDUCE, OP.STOP]);
add("allowed misuse", "_codecs.encode(5)", [...proto(2), ...glob("_codecs", "encode"), OP.BININT1, 5, OP.TUPLE1, OP.REDUCE, OP.STOP]);
add("allowed misuse", "_codecs.encode('x','rot13')", [...proto(2), ...glob("_codecs", "encode"), ...sstr("x"), ...sstr("rot13"), OP.TUPLE2, OP.REDUCE, OP.STOP]);
add("allowed misuse", "builtins.bytearray(2^40)", [...proto(2), ...glob("builtins", "bytearray"), OP.LONG1, 6, 0, 0, 0, 0, 0, 1, OP.TUPLE1, OP.REDUCE, OP.STOP]);
add("allowed misuse", "builtins.bytes(10^12)", [...proto(2), ...glob("builtins", "bytes"), OP.LONG1, 5, 0, 0x10, 0xa5, 0xd4, 0xe8, OP.TUPLE1, OP.REDUCE, OP.STOP]);
add("allowed misuse", "builtins.set(os.system)", [...proto(2), ...glob("builtins", "set"), ...glob("os", "system"), OP.TUPLE1, OP.REDUCE, OP.STOP]);
add("allowed misuse", "_rebuild_tensor_v2 without storage", [...proto(2), ...glob("torch._utils", "_rebuild_tensor_v2"), OP.BININT1, 1, OP.BININT1, 0, OP.EMPTY_TUPLE, OP.EMPTY_TUPLE, OP.TUPLE, OP.REDUCE, OP.STOP]);
add("allowed misuse", "_reconstruct(os.system)", [...proto(2), ...glob("numpy.core.multiarray", "_reconstruct"), ...glob("os", "system"), OP.TUPLE1, OP.REDUCE, OP.STOP]);
add("allowed misuse", "numpy.dtype('O') object dtype", [...proto(2), ...glob("numpy", "dtype"), ...sstr("O"), OP.TUPLE1, OP.REDUCE, OP.STOP], "either");
add("allowed misuse", "_frombuffer shape 2^40", [...proto(2), ...glob("numpy.core.numeric", "_frombuffer"), OP.SHORT_BINBYTES, 8, 0, 0, 0, 0, 0, 0, 0, 0, ...glob("numpy", "dtype"), ...sstr("f8"), OP.TUPLE1, OP.REDUCE, OP.LONG1, 6, 0, 0, 0, 0, 0, 1, OP.TUPLE1, ...sstr("C"), OP.TUPLE, OP.MARK, OP.REDUCE, OP.STOP]);
add("allowed misuse", "frozenset containing eval()", [...proto(4), OP.MARK, ...stackGlob("builtins", "eval"), ...sstr(payload("builtins", "eval", n)), OP.TUPLE1, OP.REDUCE, OP.FROZENSET, OP.STOP]);
add("allowed misuse", "EMPTY_SET ADDITEMS exec()", [...proto(4), OP.EMPTY_SET, OP.MARK, ...stackGlob("builtins", "exec"), ...sstr(payload("builtins", "exec", n)), OP.TUPLE1, OP.REDUCE, OP.ADDITEMS, OP.STOP]);

// ---- (1) reader ---------------------------------------------------------------------------------------------------
if (ONLY !== null) cases.splice(0, cases.length, ...cases.filter((c) => c.cls.includes(ONLY)));
const out = { reader: { forbidden: 0, format: 0, acceptedHarmless: 0, acceptedBad: 0, crash: 0 }, canaries: 0 };
const problems = [];
let t0 = performance.now();
for (const c of cases) {
  try {
    unpickle(c.bytes, { label: `case-${c.id}` });
    if (c.expect === "either") out.reader.acceptedHarmless++;
    else { out.reader.acceptedBad++; problems.push(`reader accepted #${c.id} ${c.cls} ${c.name}`); }
  } catch (e) {
    if (e instanceof ForbiddenGlobalError) out.reader.forbidden++;
    else if (e instanceof FormatError) out.reader.format++;
    else { out.reader.crash++; problems.push(`reader crash #${c.id} ${c.cls} ${c.name}: ${e?.constructor?.name}: ${String(e?.message).slice(0, 200)}`); }
  }
  if (existsSync(CANARY(c.id))) problems.push(`CANARY #${c.id}`);
}
const readerSecs = (performance.now() - t0) / 1000;
const readerRssMb = process.resourceUsage().maxRSS / 1024;
const classes = {};
for (const c of cases) classes[c.cls] = (classes[c.cls] ?? 0) + 1;
console.log(`# ${cases.length} pickles in ${Object.keys(classes).length} classes; scratch ${W}; network namespace for children: ${UNSHARE ? "isolated" : "shared"}`);
console.log(Object.entries(classes).map(([k, v]) => `${k}: ${v}`).join("; "));
console.log(`\nreader (in process, ${readerSecs.toFixed(1)} s, peak RSS of this process ${readerRssMb.toFixed(0)} MB): ${JSON.stringify(out.reader)}`);

// ---- (2)(3)(4) aa-nas import --------------------------------------------------------------------------------------
function run(args) {
  return new Promise((done) => {
    const rssFile = join(W, "rss.txt");
    rmSync(rssFile, { force: true });
    const cmd = [...(UNSHARE ? ["unshare", "-n"] : []), "node", MAIN, ...args];
    const full = TIME ? [TIME, "-f", "%M", "-o", rssFile, ...cmd] : cmd;
    const t = performance.now();
    const child = spawn(full[0], full.slice(1), { stdio: ["ignore", "ignore", "pipe"], detached: true });
    let stderr = "";
    child.stderr.on("data", (d) => { if (stderr.length < 1 << 20) stderr += d; });
    let hung = false;
    const timer = setTimeout(() => { hung = true; try { process.kill(-child.pid, "SIGKILL"); } catch {
        // the group has already exited
      } }, TIMEOUT_S * 1000);
    child.on("close", (code) => {
      clearTimeout(timer);
      let rssKb = null;
      try { const m = /(\d+)\s*$/.exec(readFileSync(rssFile, "utf8")); if (m) rssKb = Number(m[1]); } catch {
        // GNU time wrote no figure (the child was killed): RSS unknown
      }
      const lines = stderr.replace(/\n$/, "").split("\n");
      const cls = hung ? "hang" : /^\s+at .+/m.test(stderr) ? "trace" : code === 0 ? "success" : code === 2 && lines.length === 1 && lines[0].startsWith("aa-nas: ") ? "clean" : "other";
      done({ cls, code, stderr, rssKb, secs: (performance.now() - t) / 1000 });
    });
  });
}
const cli = {};
async function importRun(kind, c, path) {
  const store = join(W, `store-${kind}-${c.id}.sqlite`);
  const r = await run(["import", path, "--no-progress", "--out", store]);
  const s = (cli[kind] ??= { runs: 0, clean: 0, trace: 0, hang: 0, other: 0, success: 0, forbiddenMsg: 0, storeLeft: 0, maxRssKb: 0, secs: 0 });
  s.runs++;
  s[r.cls]++;
  s.secs += r.secs;
  if (/allow-list/.test(r.stderr)) s.forbiddenMsg++;
  if (existsSync(store)) { s.storeLeft++; if (r.cls !== "success") problems.push(`${kind} #${c.id}: store left behind after a refusal`); rmSync(store, { force: true }); }
  if (r.rssKb !== null && r.rssKb > s.maxRssKb) { s.maxRssKb = r.rssKb; s.maxRssCase = `${c.cls}: ${c.name}`; }
  if (r.cls !== "clean") problems.push(`${kind} #${c.id} ${c.cls} ${c.name}: ${r.cls} rc=${r.code} ${JSON.stringify(r.stderr.slice(0, 300))}`);
  if (existsSync(CANARY(c.id))) problems.push(`CANARY #${c.id} after ${kind}`);
}
if (!NO_CLI) {
  t0 = performance.now();
  const dir = join(W, "files");
  mkdirSync(dir, { recursive: true });
  for (const c of cases) {
    const p = join(dir, `case-${c.id}.pickle`);
    writeFileSync(p, c.bytes);
    await importRun("file .pickle", c, p);
    const z = join(dir, `case-${c.id}.pth`);
    writeFileSync(z, zipSync({ "archive/data.pkl": c.bytes, "archive/version": Buffer.from("3\n") }, { level: 0 }));
    await importRun("file .pth (zip data.pkl)", c, z);
    rmSync(p); rmSync(z);
  }
  // (4) one NATS-Bench directory: the real meta file + every pickle as an arch file
  const nd = join(W, "nats-dir");
  mkdirSync(nd, { recursive: true });
  copyFileSync(join(ROOT, "test/fixtures/reference/nats-tss-v1_0-3ffb9-simple-sample/meta.pickle.pbz2"), join(nd, "meta.pickle.pbz2"));
  for (const c of cases) {
    const bz = spawnSync("bzip2", ["-c", "-1"], { input: c.bytes, maxBuffer: 1 << 30 });
    writeFileSync(join(nd, `${String(c.id).padStart(6, "0")}.pickle.pbz2`), bz.stdout);
  }
  await importRun("NATS directory (all at once)", { id: "dir", cls: "dir", name: "all" }, nd);
  console.log(`\naa-nas import (${((performance.now() - t0) / 1000).toFixed(0)} s):`);
  console.log("| input | runs | clean (exit 2, one line) | of which allow-list refusals | traces | hangs | other | accepted | store left | max peak RSS (MB) | mean s/run |");
  console.log("|---|---|---|---|---|---|---|---|---|---|---|");
  for (const [k, s] of Object.entries(cli)) console.log(`| ${k} | ${s.runs} | ${s.clean} | ${s.forbiddenMsg} | ${s.trace} | ${s.hang} | ${s.other} | ${s.success} | ${s.storeLeft} | ${(s.maxRssKb / 1024).toFixed(0)} | ${(s.secs / s.runs).toFixed(2)} |`);
  for (const [k, s] of Object.entries(cli)) console.log(`largest peak RSS for ${k}: ${s.maxRssCase ?? "-"}`);
}
out.canaries = canaries().length;
console.log(`\ncanary files /tmp/aa-nas-pwned-*: ${out.canaries}`);
if (problems.length) console.log(`\nproblems (${problems.length}):\n${problems.join("\n")}`);
process.exitCode = problems.length || out.canaries ? 1 : 0;
