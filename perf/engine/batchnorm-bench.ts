// Training-mode batch norm: our kernel vs libtorch's (AA_NAS_FAST_BN=0) vs PyTorch's F.batch_norm, same shapes, same
// thread count, each in a fresh process. Forward alone and forward + backward (the backward is libtorch's everywhere).
//   npx tsc -p perf/engine/tsconfig.json && node dist/perf-engine/perf/engine/batchnorm-bench.js [--threads 1,2]
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { F, batchNormKernel, ones, randn, tidy, zeros } from "../../packages/engine/src/tensor/index.js";

const SHAPES = [
  [64, 16, 32, 32],
  [64, 32, 16, 16],
  [64, 64, 8, 8],
  [256, 16, 32, 32],
];
const REPEATS = 40;
const PYTHON = process.env.AA_NAS_PYTHON ?? "/usr/bin/python3";

interface Timing {
  kernel: string;
  forward: number[];
  both: number[];
}

/** Child: ms per call for each shape, forward and forward + backward. */
function child(): void {
  const forward: number[] = [];
  const both: number[] = [];
  for (const shape of SHAPES) {
    const c = shape[1]!;
    const x = randn(shape).requiresGrad_(true).keep();
    const g = randn(shape).keep();
    const w = ones([c]).requiresGrad_(true).keep();
    const b = zeros([c]).requiresGrad_(true).keep();
    const rm = zeros([c]).keep();
    const rv = ones([c]).keep();
    const bn = () => F.batchNorm(x, { weight: w, bias: b, runningMean: rm, runningVar: rv, training: true, momentum: 0.1, eps: 1e-5 });
    const time = (fn: () => void): number => {
      for (let i = 0; i < 5; i++) tidy(fn);
      const t0 = performance.now();
      for (let i = 0; i < REPEATS; i++) tidy(fn);
      return (performance.now() - t0) / REPEATS;
    };
    forward.push(time(() => void bn()));
    both.push(time(() => bn().backward({ gradient: g })));
  }
  process.stdout.write(`${JSON.stringify({ kernel: batchNormKernel(), forward, both })}\n`);
}

const PY = `
import json, sys, time, torch
import torch.nn.functional as F
torch.set_num_threads(int(sys.argv[1]))
shapes, reps = json.loads(sys.argv[2]), int(sys.argv[3])
fw, bo = [], []
for s in shapes:
    c = s[1]
    x = torch.randn(*s, requires_grad=True); g = torch.randn(*s)
    w = torch.ones(c, requires_grad=True); b = torch.zeros(c, requires_grad=True); rm = torch.zeros(c); rv = torch.ones(c)
    def t(fn):
        for _ in range(5): fn()
        t0 = time.perf_counter()
        for _ in range(reps): fn()
        return (time.perf_counter() - t0) * 1000 / reps
    fw.append(t(lambda: F.batch_norm(x, rm, rv, w, b, True, 0.1, 1e-5)))
    bo.append(t(lambda: F.batch_norm(x, rm, rv, w, b, True, 0.1, 1e-5).backward(g)))
print(json.dumps({'kernel': 'PyTorch ' + torch.__version__, 'forward': fw, 'both': bo}))
`;

function run(cmd: string, args: string[], env: Record<string, string>): Timing {
  const r = spawnSync(cmd, args, { encoding: "utf8", env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as Timing;
}

function main(): void {
  const args = process.argv.slice(2);
  if (args[0] === "--child") return child();
  const threads = (args.includes("--threads") ? args[args.indexOf("--threads") + 1]! : "1,2").split(",").map(Number);
  const self = fileURLToPath(import.meta.url);
  console.log("| threads | shape | ours fwd | libtorch fwd | PyTorch fwd | fwd: ours vs libtorch | ours fwd+bwd | libtorch fwd+bwd | PyTorch fwd+bwd | fwd+bwd: ours vs libtorch |");
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  for (const t of threads) {
    const env = { AA_NAS_THREADS: String(t), OMP_NUM_THREADS: String(t) };
    const ours = run(process.execPath, [self, "--child"], env);
    const lib = run(process.execPath, [self, "--child"], { ...env, AA_NAS_FAST_BN: "0" });
    const py = run(PYTHON, ["-c", PY, String(t), JSON.stringify(SHAPES), String(REPEATS)], env);
    if (ours.kernel !== "aa-nas") console.log(`(our kernel is off here: ${ours.kernel})`);
    SHAPES.forEach((s, i) => {
      const ms = (v: number) => `${v.toFixed(3)} ms`;
      console.log(
        `| ${t} | ${s.join("×")} | ${ms(ours.forward[i]!)} | ${ms(lib.forward[i]!)} | ${ms(py.forward[i]!)} | ${(lib.forward[i]! / ours.forward[i]!).toFixed(2)}× | ` +
          `${ms(ours.both[i]!)} | ${ms(lib.both[i]!)} | ${ms(py.both[i]!)} | ${(lib.both[i]! / ours.both[i]!).toFixed(2)}× |`,
      );
    });
  }
  console.log(
    `(${REPEATS} calls after 5 warm-up per shape, fresh process per column; "libtorch" = aa-nas with AA_NAS_FAST_BN=0, ` +
      `same allocator; PyTorch = F.batch_norm in ${PYTHON}, whose default allocator returns large blocks to the system)`,
  );
}

main();
