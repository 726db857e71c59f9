// The size search space's network (sss) checked against the original code, outside CI: xautodl's
// DynamicShapeTinyNet (get_cell_based_tiny_net({name: 'infer.shape.tiny', ...})) and its get_model_infos counter.
//
//  (a) costs: our walked params / FLOPs (packages/engine/src/models/costs.ts) equal get_model_infos on the four
//      extremes, 8:16:24:32:40 and `random` random configs, each × cifar10 (K 10, 32 px), cifar100 (K 100, 32 px) and
//      ImageNet16-120 (K 120, 16 px);
//  (b) networks: for `nets` configs (the parity test's and random ones), under the same manual seed, the engine's
//      network and xautodl's have the same state-dict names, shapes and initial bits, the same eval logits for one
//      batch, the same losses over 5 SGD steps (nesterov, lr 0.1, wd 5e-4), the same state dict and logits after
//      them; and the spec-written PyTorch reference (test/models/reference/tiny_network.py) given xautodl's weights
//      does the same (its verdicts come from the python helper).
//
// Setup: the original package, extracted from the mirror (never into this repository):
//   mkdir -p /tmp/xautodl-src && git -C /work/.mirror/D-X-Y+AutoDL-Projects/repo archive HEAD xautodl | tar -x -C /tmp/xautodl-src
// Usage: npx tsc -b packages/core packages/engine && node perf/sss/oracle-check.mjs [random=60] [nets=12] [xautodl=/tmp/xautodl-src]
// Exits 1 when anything differs. Python: /usr/bin/python3 with Debian's python3-torch.
import { Buffer } from "node:buffer";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dirname, "..", "..");
const { shapeTinyNetwork } = await import(join(root, "packages/engine/dist/models/structure.js"));
const { networkCosts } = await import(join(root, "packages/engine/dist/models/costs.js"));
const { parseSizeArch } = await import(join(root, "packages/core/dist/space/size.js"));
const { TinyNetwork } = await import(join(root, "packages/engine/dist/models/tiny-network.js"));
const T = await import(join(root, "packages/engine/dist/tensor/index.js"));
const { PyRandom } = await import(join(root, "packages/core/dist/space/index.js"));

const RANDOM = Number(process.argv[2] ?? 60);
const NETS = Number(process.argv[3] ?? 12);
const XAUTODL = process.argv[4] ?? "/tmp/xautodl-src";
const CANDIDATES = [8, 16, 24, 32, 40, 48, 56, 64];
const DATASETS = [
  ["cifar10", 10, 32],
  ["cifar100", 100, 32],
  ["ImageNet16-120", 120, 16],
];

const rng = new PyRandom(20260);
const randomConfig = () => Array.from({ length: 5 }, () => CANDIDATES[rng.randbelow(8)]).join(":");
const fixed = ["8:8:8:8:8", "64:64:64:64:64", "64:8:64:8:64", "8:64:8:64:8", "8:16:24:32:40"];
const costConfigs = [...fixed, ...Array.from({ length: RANDOM }, randomConfig)];
const netConfigs = [...fixed, "8:8:8:16:32", "24:48:16:56:56", ...Array.from({ length: Math.max(0, NETS - 7) }, randomConfig)].slice(0, NETS);
const nets = netConfigs.map((channels, i) => ({ channels, classes: DATASETS[i % 3][1], seed: 777 + i }));

const BATCH = 6;
const SIDE = 32;
const STEPS = 5;
const data = new PyRandom(99);
const inputs = Float32Array.from({ length: BATCH * 3 * SIDE * SIDE }, () => data.gauss(0, 1));
const targets = BigInt64Array.from({ length: BATCH }, () => BigInt(data.randbelow(10)));

const dir = mkdtempSync(join(tmpdir(), "aa-sss-oracle-"));
const costs = costConfigs.flatMap((c) => DATASETS.map(([, K, H]) => [c, K, H]));
writeFileSync(join(dir, "job.json"), JSON.stringify({ costs, nets, batch: BATCH, side: SIDE, steps: STEPS, lr: 0.1 }));
writeFileSync(join(dir, "inputs.bin"), new Uint8Array(inputs.buffer));
writeFileSync(join(dir, "targets.bin"), new Uint8Array(targets.buffer));
const t0 = Date.now();
execFileSync("/usr/bin/python3", [join(import.meta.dirname, "xautodl_oracle.py"), dir, join(root, "test/models/reference")], {
  env: { ...process.env, PYTHONPATH: XAUTODL },
  stdio: ["ignore", "ignore", "inherit"],
});
const pySeconds = (Date.now() - t0) / 1000;

const failures = [];
// (a) costs
const theirCosts = JSON.parse(readFileSync(join(dir, "costs.json"), "utf8"));
let costMatches = 0;
costs.forEach(([c, K, H], i) => {
  const ours = networkCosts(shapeTinyNetwork(parseSizeArch(c), K), H);
  const [flops, params] = theirCosts[i];
  // get_model_infos sums numpy/python numbers and divides once by 1e6, as we do: equal, not close
  if (ours.flops === flops && ours.params === params) costMatches++;
  else failures.push(`costs ${c} K=${K} H=${H}: ours ${ours.flops} / ${ours.params}, xautodl ${flops} / ${params}`);
});

// (b) networks
const f32 = (buf) => new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
const stateBytes = (net, names) =>
  Buffer.concat(
    names.map(([k]) => {
      const a = net.stateDict().get(k)?.toArray();
      return a === undefined ? Buffer.alloc(0) : Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    }),
  );
T.setNumThreads(1);
const x = T.tensor(inputs, [BATCH, 3, SIDE, SIDE]).keep();
const y = T.tensor(targets, [BATCH]).keep();
const netRows = [];
nets.forEach(({ channels, classes, seed }, i) => {
  const out = join(dir, `net-${i}`);
  const names = JSON.parse(readFileSync(join(out, "names.json"), "utf8"));
  const ref = JSON.parse(readFileSync(join(out, "reference.json"), "utf8"));
  T.manualSeed(seed);
  const net = TinyNetwork.createShape(channels, classes);
  const row = { channels, classes };
  row.names = JSON.stringify([...net.stateDict()].map(([k, v]) => [k, v.shape])) === JSON.stringify(names.map(([k, s]) => [k, s]));
  row.init = stateBytes(net, names).equals(readFileSync(join(out, "state.bin")));
  net.eval();
  const logits = T.noGrad(() => T.tidy(() => net.forward(x).logits.toFloat32Array()));
  row.logits = Buffer.from(logits.buffer).equals(Buffer.from(f32(readFileSync(join(out, "logits.bin"))).buffer));
  net.train();
  const opt = new T.SGD(net.parameters(), { lr: 0.1, momentum: 0.9, weightDecay: 5e-4, nesterov: true });
  const losses = Array.from({ length: STEPS }, () =>
    T.tidy(() => {
      opt.zeroGrad();
      const loss = T.F.crossEntropy(net.forward(x).logits, y);
      loss.backward();
      opt.step();
      return loss.item();
    }),
  );
  opt.dispose();
  const theirLosses = JSON.parse(readFileSync(join(out, "losses.json"), "utf8"));
  row.losses = losses.length === theirLosses.length && losses.every((l, k) => l === theirLosses[k]);
  row.stateAfter = stateBytes(net, names).equals(readFileSync(join(out, "state_after.bin")));
  net.eval();
  const after = T.noGrad(() => T.tidy(() => net.forward(x).logits.toFloat32Array()));
  row.logitsAfter = Buffer.from(after.buffer).equals(Buffer.from(f32(readFileSync(join(out, "logits_after.bin"))).buffer));
  net.dispose();
  row.reference = ref;
  for (const key of ["names", "init", "logits", "losses", "stateAfter", "logitsAfter"]) if (!row[key]) failures.push(`engine vs xautodl ${channels}: ${key} differ`);
  for (const key of ["names", "shapes", "init_same_seed", "logits", "losses", "state_after", "logits_after"]) {
    if (!ref[key]) failures.push(`spec reference vs xautodl ${channels}: ${key} differ (max |Δlogit| ${ref.max_abs_logit_diff})`);
  }
  netRows.push(row);
});
x.dispose();
y.dispose();
rmSync(dir, { recursive: true, force: true });

console.log(`costs: ${costMatches}/${costs.length} equal to xautodl's get_model_infos (${costConfigs.length} configs × ${DATASETS.length} datasets)`);
const allEqual = (r) => r.names && r.init && r.logits && r.losses && r.stateAfter && r.logitsAfter;
const refEqual = (r) => Object.entries(r.reference).every(([k, v]) => k === "max_abs_logit_diff" || v === true);
console.log(`networks, engine vs xautodl (same seed; names, initial bits, logits, ${STEPS} SGD-step losses, state dict and logits after): ${netRows.filter(allEqual).length}/${netRows.length} identical`);
console.log(`networks, spec-written PyTorch reference vs xautodl (same weights): ${netRows.filter((r) => refEqual(r)).length}/${netRows.length} identical`);
for (const r of netRows) console.log(`  ${r.channels.padEnd(15)} K=${String(r.classes).padEnd(3)} engine ${allEqual(r) ? "identical" : "DIFFERS"}, reference ${refEqual(r) ? "identical" : "DIFFERS"}`);
console.log(`(python side ${pySeconds.toFixed(1)} s)`);
for (const f of failures) console.log(`FAIL ${f}`);
process.exit(failures.length === 0 ? 0 : 1);
