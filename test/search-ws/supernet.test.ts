// The search supernet of spec §2.4: module layout and BN flags, and that its forward modes compute what they claim.
import "./support/single-thread.js";
import { describe, expect, it } from "vitest";
import { manualSeed, noGrad, tensor, tidy } from "../../packages/engine/src/tensor/index.js";
import { TinyNetwork } from "../../packages/engine/src/models/tiny-network.js";
import { opsAtUnshuffled, topKByLogProb } from "../../packages/engine/src/search-ws/candidates.js";
import { Supernet } from "../../packages/engine/src/search-ws/supernet.js";
import { indexOf, opsToArch } from "../../packages/core/src/space/index.js";
import { seededFloats } from "./support/reference.js";

const EDGE_KEYS = ["1<-0", "2<-0", "2<-1", "3<-0", "3<-1", "3<-2"];

describe("supernet layout", () => {
  it("holds all five ops on every edge, cell BNs without affine and with running stats only when --bn 1", () => {
    for (const track of [false, true]) {
      manualSeed(0);
      const net = new Supernet({ C: 4, N: 1, numClasses: 10, inputChannels: 1, trackRunningStats: track });
      const keys = [...net.stateDict().keys()];
      for (const e of EDGE_KEYS) {
        expect(keys).toContain(`cells.0.edges.${e}.2.op.1.weight`);
        expect(keys).toContain(`cells.0.edges.${e}.3.op.1.weight`);
        expect(keys).not.toContain(`cells.0.edges.${e}.3.op.2.weight`);
        expect(keys.includes(`cells.0.edges.${e}.3.op.2.running_mean`)).toBe(track);
      }
      // the ResNet reduction block keeps the default affine BN with running statistics
      expect(keys).toContain("cells.1.conv_a.op.2.weight");
      expect(keys).toContain("cells.1.conv_a.op.2.running_var");
      // a root-module parameter: first in the state dict, as in PyTorch (though drawn last at construction)
      expect(keys[0]).toBe("arch_parameters");
      expect(net.arch.shape).toEqual([6, 5]);
      expect(Math.max(...net.arch.toNumbers().map(Math.abs))).toBeLessThan(6e-3);
      expect(net.weights()).not.toContain(net.arch);
      expect(net.weights()).toHaveLength(net.parameters().length - 1);
      net.dispose();
    }
  });

  it("reads α's per-edge argmax as the genotype (all skip_connect → the benchmark's index 1835)", () => {
    manualSeed(1);
    const net = new Supernet({ C: 2, N: 1, numClasses: 10, inputChannels: 1, trackRunningStats: false });
    noGrad(() => net.arch.copy_(tensor(Float32Array.from({ length: 30 }, (_, i) => (i % 5 === 1 ? 1 : 0)), [6, 5])));
    expect(net.genotype()).toEqual({ arch: opsToArch([1, 1, 1, 1, 1, 1]), index: 1835, ops: [1, 1, 1, 1, 1, 1] });
    net.dispose();
  });
});

describe("supernet forward modes", () => {
  const ops = [3, 2, 1, 4, 0, 3];
  manualSeed(4);
  const net = new Supernet({ C: 4, N: 1, numClasses: 10, inputChannels: 1, trackRunningStats: false });
  const x = tensor(seededFloats(6 * 32 * 32, 77), [6, 1, 32, 32]).keep();

  it("fixed mode computes TinyNetwork of that cell given the same weights", () => {
    const arch = opsToArch(ops);
    const tiny = TinyNetwork.create(4, 1, arch, 10, 1);
    const source = net.stateDict();
    const mapped = new Map(
      [...tiny.stateDict().keys()].map((k) => {
        // cells.c.layers.k.rest ↔ cells.c.edges.<edge k>.<op of edge k>.rest (canonical strings list edges in edge order)
        const m = /^cells\.(\d+)\.layers\.(\d+)\.(.*)$/.exec(k);
        const from = m ? `cells.${m[1]}.edges.${EDGE_KEYS[Number(m[2])]}.${ops[Number(m[2])]}.${m[3]}` : k;
        return [k, source.get(from)!] as const;
      }),
    );
    // the InferCell's BNs are affine (γ=1, β=0 at init) and track statistics: in training mode the same function as
    // the supernet's affine-free ones, so those entries keep their initial values
    const filtered = new Map([...mapped].filter(([, v]) => v !== undefined));
    tiny.loadStateDict(filtered, { strict: false });
    const [a, b] = tidy(() => noGrad(() => [net.forward(x, { kind: "fixed", ops }).logits.toNumbers(), tiny.forward(x).logits.toNumbers()]));
    a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(b[i]!))));
    tiny.dispose();
  });

  it("weighted mode with one-hot weights equals fixed mode", () => {
    const [w, f] = tidy(() =>
      noGrad(() => {
        const oneHot = tensor(Float32Array.from({ length: 30 }, (_, i) => (ops[Math.floor(i / 5)] === i % 5 ? 1 : 0)), [6, 5]);
        return [net.forward(x, { kind: "weighted", weights: oneHot }).logits.toNumbers(), net.forward(x, { kind: "fixed", ops }).logits.toNumbers()];
      }),
    );
    expect(w).toEqual(f);
  });

  it("weighted mode mixes ops: uniform weights differ from every single architecture", () => {
    const [u, f] = tidy(() =>
      noGrad(() => [net.forward(x, { kind: "weighted", weights: tensor(new Float32Array(30).fill(0.2), [6, 5]) }).logits.toNumbers(), net.forward(x, { kind: "fixed", ops }).logits.toNumbers()]),
    );
    expect(u).not.toEqual(f);
  });
});

describe("SETN candidates", () => {
  it("enumerates cells in the unshuffled order of spec §1.3 (last edge fastest)", () => {
    expect(opsAtUnshuffled(0)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(opsToArch(opsAtUnshuffled(1))).toBe("|none~0|+|none~0|none~1|+|none~0|none~1|skip_connect~2|");
    expect(opsAtUnshuffled(15624)).toEqual([4, 4, 4, 4, 4, 4]);
  });

  it("ranks cells by log-probability under α, the argmax cell first, ties in enumeration order", () => {
    tidy(() => {
      const alpha = tensor(Float32Array.from({ length: 30 }, (_, i) => (i % 5 === 3 ? 2 : i % 5 === 1 ? 1 : 0)), [6, 5]);
      const top = topKByLogProb(alpha, 8);
      expect(top[0]).toEqual([3, 3, 3, 3, 3, 3]);
      expect(indexOf(opsToArch(top[0]!))).toBe(1462); // all-conv3x3 (spec §1.3 anchor)
      // next: the six cells with one edge switched to skip (log-probability lower by 1)
      const singleSkips = [0, 1, 2, 3, 4, 5].map((e) => [3, 3, 3, 3, 3, 3].map((o, j) => (j === e ? 1 : o)).join(""));
      expect(top.slice(1, 7).map((o) => o.join("")).sort()).toEqual(singleSkips.sort());
      // α = 0: every cell has the same float32 sum, so the stable sort keeps enumeration order
      expect(topKByLogProb(tensor(new Float32Array(30), [6, 5]), 3)).toEqual([opsAtUnshuffled(0), opsAtUnshuffled(1), opsAtUnshuffled(2)]);
    });
  });
});
