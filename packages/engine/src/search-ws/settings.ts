/**
 * The weight-sharing algorithms and their paper defaults: the six topology searches (spec §7.2:
 * configs/nas-benchmark/algos/*.config at A@44a0d51 and the scripts' arguments) and the three channel searches of
 * the size space (nats-sss spec §4.2: exps/NATS-algos/search-size.py, weight-sharing.config and the published runs'
 * arguments). Everything here is an option of `runWeightSharingSearch`.
 */
import { UserError, listChoices } from "@aa-nas/core/errors.js";
import type { SpaceName } from "@aa-nas/core/space/index.js";

export const TSS_WS_ALGORITHMS = ["darts-v1", "darts-v2", "gdas", "setn", "enas", "rsps"] as const;
/** TAS, FBNet-V2 and TuNAS: the original's `tas`, `mask_gumbel` and `mask_rl` */
export const SSS_WS_ALGORITHMS = ["tas", "fbnet-v2", "tunas"] as const;
export const WS_ALGORITHMS = [...TSS_WS_ALGORITHMS, ...SSS_WS_ALGORITHMS] as const;
export type WsAlgorithm = (typeof WS_ALGORITHMS)[number];
export type SizeWsAlgorithm = (typeof SSS_WS_ALGORITHMS)[number];

export const WS_ALGORITHM_LABELS: Record<WsAlgorithm, string> = {
  "darts-v1": "DARTS-V1",
  "darts-v2": "DARTS-V2",
  gdas: "GDAS",
  setn: "SETN",
  enas: "ENAS",
  rsps: "RSPS",
  tas: "TAS",
  "fbnet-v2": "FBNet-V2",
  tunas: "TuNAS",
};

export function isSizeWsAlgorithm(a: WsAlgorithm): a is SizeWsAlgorithm {
  return (SSS_WS_ALGORITHMS as readonly string[]).includes(a);
}

/** The search space an algorithm searches: the channel searches find size-space configs, the others topology cells. */
export function wsAlgorithmSpace(a: WsAlgorithm): SpaceName {
  return isSizeWsAlgorithm(a) ? "sss" : "tss";
}

export function isWsAlgorithm(s: string): s is WsAlgorithm {
  return (WS_ALGORITHMS as readonly string[]).includes(s);
}

export function parseWsAlgorithm(s: string): WsAlgorithm {
  if (!isWsAlgorithm(s)) throw new UserError(`unknown weight-sharing algorithm '${s}'; valid: ${listChoices(WS_ALGORITHMS)}`);
  return s;
}

/** The network-weight optimiser: SGD (nesterov, coupled weight decay) with a per-epoch cosine schedule. */
export interface WeightSettings {
  epochs: number;
  lr: number;
  etaMin: number;
  /** cosine period in epochs (config T_max; default = epochs) */
  tMax: number | null;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  batchSize: number;
  /** batch of the valid loader (config test_batch_size; default = batchSize) */
  testBatchSize: number;
  /** clip_grad_norm_ of the weight step; 0 = none (SETN) */
  gradientClip: number;
}

/** Adam on α (DARTS, GDAS, SETN): `--arch_learning_rate 3e-4 --arch_weight_decay 1e-3`, betas (0.5, 0.999). */
export interface ArchSettings {
  lr: number;
  weightDecay: number;
  betas: [number, number];
}

export interface ControllerSettings {
  lstmSize: number;
  lstmLayers: number;
  tanhConstant: number;
  temperature: number;
  lr: number;
  betas: [number, number];
  eps: number;
  entropyWeight: number;
  baselineDecay: number;
  /** controller updates per epoch */
  trainSteps: number;
  /** samples whose gradients are averaged per update */
  numAggregate: number;
  /** candidates sampled at the end of the search */
  numSamples: number;
  /** candidates sampled after each epoch to report that epoch's architecture */
  epochSamples: number;
  gradientClip: number;
}

export interface WsSettings {
  weight: WeightSettings;
  arch: ArchSettings;
  /** GDAS temperature, linearly from max to min over the epochs */
  tauMax: number;
  tauMin: number;
  /** SETN / RSPS: candidates scored on one valid batch each */
  selectNum: number;
  /** DARTS-V2: finite-difference radius r (ε = r / ‖v‖) */
  unrolledR: number;
  controller: ControllerSettings;
  /**
   * Size searches: the fraction of the epochs that run with the controller off, each masking point taking the full
   * width with probability 1 − e/(E·r), else a random one (`--warmup_ratio`; the published runs 0.3); null = none.
   */
  warmupRatio: number | null;
  /** TuNAS: momentum of the reward baseline (an exponential moving average with bias correction) */
  rlBaselineMomentum: number;
}

const ARCH: ArchSettings = { lr: 3e-4, weightDecay: 1e-3, betas: [0.5, 0.999] };
const CONTROLLER: ControllerSettings = {
  lstmSize: 32,
  lstmLayers: 2,
  tanhConstant: 2.5,
  temperature: 5,
  lr: 0.001,
  betas: [0, 0.999],
  eps: 0.001,
  entropyWeight: 1e-4,
  baselineDecay: 0.99,
  trainSteps: 50,
  numAggregate: 20,
  numSamples: 100,
  epochSamples: 10,
  gradientClip: 5,
};

const sgd = (epochs: number, extra: Partial<WeightSettings> = {}): WeightSettings => ({
  epochs,
  lr: 0.025,
  etaMin: 0.001,
  tMax: null,
  momentum: 0.9,
  nesterov: true,
  weightDecay: 5e-4,
  batchSize: 64,
  testBatchSize: 64,
  gradientClip: 5,
  ...extra,
});

/** Paper defaults (DARTS.config, GDAS.config, SETN.config, ENAS.config, RANDOM.config). */
export function defaultSettings(algorithm: WsAlgorithm): WsSettings {
  const common = {
    arch: { ...ARCH, betas: [...ARCH.betas] as [number, number] },
    tauMax: 10,
    tauMin: 0.1,
    selectNum: 100,
    unrolledR: 1e-2,
    controller: { ...CONTROLLER, betas: [...CONTROLLER.betas] as [number, number] },
    warmupRatio: null,
    rlBaselineMomentum: 0.95,
  };
  switch (algorithm) {
    case "darts-v1":
    case "darts-v2":
      return { ...common, weight: sgd(50) };
    case "gdas":
      return { ...common, weight: sgd(250) };
    case "setn":
      return { ...common, weight: sgd(250, { testBatchSize: 512, gradientClip: 0 }) };
    case "rsps":
      return { ...common, weight: sgd(250, { testBatchSize: 512 }) };
    case "enas":
      return { ...common, weight: sgd(250, { lr: 0.05, etaMin: 0.0005, tMax: 10, weightDecay: 2.5e-4, batchSize: 128, testBatchSize: 128 }) };
    // weight-sharing.config (100 epochs, test batch 512, no clipping); the published runs: warm-up 0.3, and α's
    // weight decay 0 for TuNAS (`--arch_weight_decay 0`)
    case "tas":
    case "fbnet-v2":
      return { ...common, weight: sgd(100, { testBatchSize: 512, gradientClip: 0 }), warmupRatio: 0.3 };
    case "tunas":
      return { ...common, weight: sgd(100, { testBatchSize: 512, gradientClip: 0 }), warmupRatio: 0.3, arch: { ...common.arch, weightDecay: 0 } };
  }
}
