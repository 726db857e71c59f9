/**
 * The benchmark's training hyper-parameters (spec §3.1): every config is SGD nesterov, lr 0.1, momentum 0.9,
 * weight decay 5e-4 (coupled, on all parameters), per-epoch cosine to 0 without warm-up, cross-entropy, batch 256;
 * they differ only in the number of epochs.
 */
import { UserError, listChoices } from "../errors.js";

export interface TrainConfig {
  epochs: number;
  warmup: number;
  lr: number;
  etaMin: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  batchSize: number;
}

export const BENCHMARK_CONFIG: Omit<TrainConfig, "epochs"> = {
  warmup: 0,
  lr: 0.1,
  etaMin: 0,
  momentum: 0.9,
  nesterov: true,
  weightDecay: 5e-4,
  batchSize: 256,
};

/** hp names as the benchmark stores them: "12" (LESS.config / 12E) and "200" (CIFAR / ImageNet-16 config); 01E and 90E exist too. */
export const HP_NAMES = ["12", "200", "01", "90"] as const;
export type HpName = (typeof HP_NAMES)[number];

export function hpConfig(hp: string): TrainConfig {
  if (!(HP_NAMES as readonly string[]).includes(hp)) throw new UserError(`unknown hyper-parameter setting '${hp}'; valid: ${listChoices(HP_NAMES)}`);
  return { ...BENCHMARK_CONFIG, epochs: Number(hp) };
}
