/**
 * Reads the JSON that `aa-nas search <algo> --json` prints (one campaign object; a JSON array of them is accepted too),
 * validated with zod. Unknown extra fields are ignored so that newer outputs still load; what the runs view needs
 * (per-run best-so-far traces with times and accuracies) is required.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { z } from "zod";
import { UserError } from "@aa-nas/core/errors.js";
import { SPACE_NAMES, searchSpace } from "@aa-nas/core/space/index.js";
import { CAMPAIGN_FILE_FORMAT, CAMPAIGN_FILE_VERSION } from "@aa-nas/core/search/campaign-file.js";

export class SearchRunsError extends UserError {}

// a campaign does not name its space (its arch strings do): an index of either space's store is accepted (tss
// 0..15624, sss 0..32767)
const archIndex = z.number().int().min(0).max(Math.max(...SPACE_NAMES.map((n) => searchSpace(n).size)) - 1);
// Accuracies are percentages, but a synthetic benchmark may go beyond 100: only finiteness is required.
const accuracy = z.number();

const tracePointSchema = z.object({
  time: z.number().nonnegative(),
  evaluations: z.number().int().nonnegative().optional(),
  archIndex,
  validAccuracy: accuracy,
  testAccuracy: accuracy,
});

// a campaign file's per-evaluation record (`search --out`); absent from `--json` output
const evaluationSchema = z.object({
  archIndex,
  reward: accuracy,
  cost: z.number().nonnegative(),
  time: z.number().nonnegative(),
  wallTime: z.number().nonnegative(),
});

const optimumArchSchema = z.object({ archIndex, accuracy });

const runReportSchema = z.object({
  run: z.number().int().nonnegative().optional(),
  seed: z.number().int(),
  archIndex,
  arch: z.string().optional(),
  validAccuracy: accuracy,
  testAccuracy: accuracy,
  usedTime: z.number().nonnegative(),
  evaluations: z.number().int().nonnegative().optional(),
  wallSeconds: z.number().nonnegative().optional(),
  history: z.array(evaluationSchema).optional(),
  trace: z.array(tracePointSchema),
});

export const campaignSchema = z.object({
  format: z.literal(CAMPAIGN_FILE_FORMAT).optional(),
  version: z.number().int().positive().optional(),
  optimum: z.object({ valid: optimumArchSchema, test: optimumArchSchema }).nullable().optional(),
  algorithm: z.string().min(1).transform((s) => s.toLowerCase()),
  dataset: z.string().min(1),
  budget: z.number().positive(),
  firstSeed: z.number().int().optional(),
  results: z.array(runReportSchema).min(1),
});

export type SearchCampaign = z.infer<typeof campaignSchema>;
export type SearchRunReport = SearchCampaign["results"][number];

export interface LoadedCampaign extends SearchCampaign {
  /** file name (no directory), for display */
  file: string;
}

/** Parses one file's text; `file` names it in errors. */
export function parseCampaigns(text: string, file: string): LoadedCampaign[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SearchRunsError(`${file} is not JSON (${(e as Error).message}); expected the output of 'aa-nas search <algorithm> --json'`);
  }
  const items = Array.isArray(json) ? json : [json];
  return items.map((item, k) => {
    const version = (item as { format?: unknown; version?: unknown } | null)?.version;
    if ((item as { format?: unknown } | null)?.format === CAMPAIGN_FILE_FORMAT && typeof version === "number" && version > CAMPAIGN_FILE_VERSION) {
      throw new SearchRunsError(`${file} is a version-${version} campaign file; this aa-nas reads versions up to ${CAMPAIGN_FILE_VERSION}: update aa-nas to read it`);
    }
    const parsed = campaignSchema.safeParse(item);
    if (!parsed.success) {
      const where = Array.isArray(json) ? `${file} [${k}]` : file;
      const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.length > 0 ? i.path.join(".") : "(top level)"}: ${i.message}`);
      throw new SearchRunsError(
        `${where} is not an 'aa-nas search --json' result: ${issues.join("; ")}` +
          " (expected { algorithm, dataset, budget, results: [{ seed, archIndex, validAccuracy, testAccuracy, usedTime, trace: [{ time, archIndex, validAccuracy, testAccuracy }] }] })",
      );
    }
    return { ...parsed.data, file: basename(file) };
  });
}

/** Loads files and directories (every `*.json` directly inside, in name order). */
export function loadCampaigns(paths: readonly string[]): LoadedCampaign[] {
  const out: LoadedCampaign[] = [];
  for (const path of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      throw new SearchRunsError(`search results '${path}' do not exist: pass files written by 'aa-nas search <algorithm> --json > runs.json' or a directory of them`);
    }
    const files = isDir
      ? readdirSync(path)
          .filter((f) => f.endsWith(".json"))
          .sort()
          .map((f) => join(path, f))
      : [path];
    if (isDir && files.length === 0) throw new SearchRunsError(`directory '${path}' holds no *.json search results`);
    for (const f of files) out.push(...parseCampaigns(readFileSync(f, "utf8"), f));
  }
  return out;
}
