import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { PyRandom } from "../../packages/core/src/space/index.js";

/** Runs real CPython (Debian's /usr/bin/python3) and returns its JSON output. */
function cpython<T>(code: string): T {
  const r = spawnSync("/usr/bin/python3", ["-c", code], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

describe("PyRandom reproduces CPython's random module", () => {
  const seeds = [0, 1, 88, 1021, 777, 2 ** 32 - 1, 2 ** 32, 123456789012345];

  it("random(), getrandbits and randbelow streams equal CPython for several seeds (incl. multi-word keys)", () => {
    const expected = cpython<Record<string, { floats: number[]; bits: string[]; below: number[]; ints: number[] }>>(`
import json, random
out = {}
for s in ${JSON.stringify(seeds)}:
    r = random.Random(s)
    floats = [r.random() for _ in range(700)]
    bits = [str(r.getrandbits(k)) for k in (1, 7, 31, 32, 33, 64, 100)]
    below = [r._randbelow(n) for n in (1, 2, 3, 5, 390, 15625, 2**32 - 5, 2**40 + 3)]
    ints = [r.randint(-5, 5) for _ in range(20)]
    out[str(s)] = dict(floats=floats, bits=bits, below=below, ints=ints)
print(json.dumps(out))`);
    for (const s of seeds) {
      const r = new PyRandom(s);
      const e = expected[String(s)]!;
      expect(Array.from({ length: 700 }, () => r.random())).toEqual(e.floats);
      expect([1, 7, 31, 32, 33, 64, 100].map((k) => r.getrandbits(k).toString())).toEqual(e.bits);
      expect([1, 2, 3, 5, 390, 15625, 2 ** 32 - 5, 2 ** 40 + 3].map((n) => r.randbelow(n))).toEqual(e.below);
      expect(Array.from({ length: 20 }, () => r.randint(-5, 5))).toEqual(e.ints);
    }
  });

  it("shuffle and choice equal CPython", () => {
    const expected = cpython<{ shuffled: number[]; choices: string[] }>(`
import json, random
random.seed(4242)
x = list(range(1000)); random.shuffle(x)
c = [random.choice(['a','b','c','d','e']) for _ in range(50)]
print(json.dumps(dict(shuffled=x, choices=c)))`);
    const r = new PyRandom(4242);
    expect(r.shuffle(Array.from({ length: 1000 }, (_, i) => i))).toEqual(expected.shuffled);
    expect(Array.from({ length: 50 }, () => r.choice(["a", "b", "c", "d", "e"]))).toEqual(expected.choices);
  });

  it("gauss consumes the generator like CPython and agrees to ~1 ulp", () => {
    const expected = cpython<number[]>(`
import json, random
r = random.Random(7)
print(json.dumps([r.gauss(0, 1) for _ in range(11)] + [r.random()]))`);
    const r = new PyRandom(7);
    const got = [...Array.from({ length: 11 }, () => r.gauss(0, 1)), r.random()];
    got.forEach((g, i) => expect(g).toBeCloseTo(expected[i]!, 12));
    expect(got[11]).toBe(expected[11]);
  });
});
