/**
 * Reads the JSON that `aa-nas search <algo> --json` prints (one campaign object; a JSON array of them is accepted too),
 * validated with zod. Unknown extra fields are ignored so that newer outputs still load; what the runs view needs
 * (per-run best-so-far traces with times and accuracies) is required. A campaign names its search space (`space`,
 * absent: tss); its arch indexes and strings are checked against that space.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { z } from "zod";
import { UserError } from "@aa-nas/core/errors.js";
import { SPACE_NAMES, searchSpace } from "@aa-nas/core/space/index.js";
import { CAMPAIGN_FILE_FORMAT, CAMPAIGN_FILE_VERSION } from "@aa-nas/core/search/campaign-file.js";

export class SearchRunsError extends UserError {}

// a non-negative integer here: the campaign's `space`, which only the whole object knows, bounds it (checkSpace)
const archIndex = z.number().int().nonnegative();
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

const campaignObject = z.object({
  format: z.literal(CAMPAIGN_FILE_FORMAT).optional(),
  version: z.number().int().positive().optional(),
  // absent from outputs written before campaigns named their space: topology-space ones (searches ran on tss only then)
  space: z.enum(SPACE_NAMES).optional(),
  optimum: z.object({ valid: optimumArchSchema, test: optimumArchSchema }).nullable().optional(),
  algorithm: z.string().min(1).transform((s) => s.toLowerCase()),
  dataset: z.string().min(1),
  budget: z.number().positive(),
  firstSeed: z.number().int().optional(),
  results: z.array(runReportSchema).min(1),
});

/** More would bury the first in a long list of the same mistake (a file of thousands of evaluations). */
const MAX_SPACE_ISSUES = 3;

/**
 * Every arch index of the campaign is one of its space's, and every answer's arch string is that space's string for
 * the answer's index: an index names a different arch in each space, so a campaign read against the wrong space would
 * silently mean other archs.
 */
function checkSpace(c: z.output<typeof campaignObject>, ctx: z.RefinementCtx): void {
  const space = searchSpace(c.space ?? "tss");
  const last = space.size - 1;
  let issues = 0;
  const report = (path: Array<string | number>, message: string): void => {
    if (issues++ < MAX_SPACE_ISSUES) ctx.addIssue({ code: "custom", path, message });
  };
  // a file that names no space may well be a size-space campaign that does not say so: said once, on the first issue
  const hint = (): string => (c.space === undefined && issues === 0 ? ` (a campaign without "space" is a topology-space one; a size-space campaign says "space": "sss")` : "");
  const index = (value: number, path: Array<string | number>): boolean => {
    if (value <= last) return true;
    report(path, `arch index ${value} is outside the ${space.title}: valid indexes are 0..${last}${hint()}`);
    return false;
  };
  if (c.optimum != null) for (const key of ["valid", "test"] as const) index(c.optimum[key].archIndex, ["optimum", key, "archIndex"]);
  c.results.forEach((r, i) => {
    if (index(r.archIndex, ["results", i, "archIndex"]) && r.arch !== undefined) {
      const at = space.indexOf(r.arch);
      if (at < 0) report(["results", i, "arch"], `'${r.arch}' is not an arch of the ${space.title} (its archs are strings like '${space.example}')${hint()}`);
      else if (at !== r.archIndex) report(["results", i, "arch"], `'${r.arch}' is arch ${at} of the ${space.title}, but the run's archIndex is ${r.archIndex} (arch '${space.archAt(r.archIndex)}')`);
    }
    r.trace.forEach((p, k) => index(p.archIndex, ["results", i, "trace", k, "archIndex"]));
    r.history?.forEach((h, k) => index(h.archIndex, ["results", i, "history", k, "archIndex"]));
  });
}

export const campaignSchema = campaignObject.superRefine(checkSpace).transform((c) => ({ ...c, space: c.space ?? "tss" }));

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
          " (expected { algorithm, space?: 'tss' | 'sss', dataset, budget, results: [{ seed, archIndex, validAccuracy, testAccuracy, usedTime, trace: [{ time, archIndex, validAccuracy, testAccuracy }] }] })",
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
