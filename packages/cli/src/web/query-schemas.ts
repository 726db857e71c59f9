/**
 * The query parameters of every JSON endpoint, as zod schemas. Choices that depend on the store (hp names, datasets)
 * are built from what the store holds, so a 400 lists exactly the valid values.
 */
import { z } from "zod";
import { listChoices } from "@aa-nas/core/errors.js";
import type { DatasetKey } from "@aa-nas/core/registry/index.js";
import { NUM_ARCHS } from "@aa-nas/core/space/index.js";
import { CORRELATION_METHODS } from "./data/correlation.js";
import { ACCURACY_SETS } from "./data/metric-sets.js";
import { OP_FILTER_NAMES, type OpFilterName } from "./data/op-counts.js";
import { RUN_METRICS } from "./runs/best-so-far.js";
import { PROXY_NAMES } from "@aa-nas/core/bench/zero-cost.js";

/** A string that must be one of `values`; the error names the bad value and the valid ones. */
export function choice<T extends string>(what: string, values: readonly T[]) {
  const valid = values.length > 0 ? listChoices(values) : "(none stored)";
  return z.string({ error: `missing ${what}: valid ${what}s are ${valid}` }).refine((v): v is T => (values as readonly string[]).includes(v), {
    error: (issue) => `unknown ${what} '${String(issue.input)}': valid ${what}s are ${valid}`,
  });
}

/** `n` or `min-max` edges with the op, 0..6. */
const opRange = z
  .string()
  .regex(/^[0-6](-[0-6])?$/, { error: "expected a count 0..6 or a range like 2-4" })
  .transform((s): readonly [number, number] => {
    const [lo, hi] = s.split("-").map(Number) as [number, number | undefined];
    return [lo, hi ?? lo];
  })
  .refine(([lo, hi]) => lo <= hi, { error: "the range's first count must not exceed the second, e.g. 2-4" });

const ARCH_HINT = `an arch index 0..${NUM_ARCHS - 1} or an arch string like |nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|…|`;
function archRefOf(hint: string) {
  return z
    .string({ error: `missing arch: give ${hint}` })
    .trim()
    .min(1, { error: `empty arch: give ${hint}` });
}

function boundedInt(name: string, min: number, max: number, fallback: number) {
  return z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined) return fallback;
      const n = Number(s);
      if (!/^\d+$/.test(s) || n < min || n > max) {
        ctx.addIssue({ code: "custom", message: `${name} must be an integer ${min}..${max}, got '${s}'` });
        return z.NEVER;
      }
      return n;
    });
}

export interface StoreChoices {
  hps: readonly string[];
  datasets: readonly DatasetKey[];
  defaultHp: string;
  defaultDataset: DatasetKey;
  /** how an arch is named in messages; default the topology space's index or arch string */
  archHint?: string;
}

export function querySchemas(c: StoreChoices) {
  const hp = choice("hp", c.hps);
  const dataset = choice("dataset", c.datasets);
  const archRef = archRefOf(c.archHint ?? ARCH_HINT);
  const opFilters = Object.fromEntries(OP_FILTER_NAMES.map((n) => [n, opRange.optional()])) as Record<OpFilterName, z.ZodOptional<typeof opRange>>;
  return {
    meta: z.object({}),
    overview: z.object({
      hp: hp.default(c.defaultHp),
      dataset: dataset.default(c.defaultDataset),
      set: choice("set", ACCURACY_SETS).optional(),
      ...opFilters,
    }),
    arch: z.object({ arch: archRef }),
    curves: z.object({ arch: archRef, hp, dataset }),
    correlation: z.object({ method: choice("method", CORRELATION_METHODS).default("kendall") }),
    proxies: z.object({
      hp: hp.default(c.defaultHp),
      dataset: dataset.default(c.defaultDataset),
      set: choice("set", ACCURACY_SETS).optional(),
      proxyDataset: z.string().min(1, { error: "empty proxyDataset: give a dataset the store holds proxy scores on" }).optional(),
      proxy: choice("proxy", PROXY_NAMES).optional(),
    }),
    widthEffects: z.object({
      hp: hp.default(c.defaultHp),
      dataset: dataset.default(c.defaultDataset),
      set: choice("set", ACCURACY_SETS).optional(),
    }),
    runs: z.object({ metric: choice("metric", RUN_METRICS).default("test"), points: boundedInt("points", 2, 2000, 200) }),
  };
}

export type QuerySchemas = ReturnType<typeof querySchemas>;
