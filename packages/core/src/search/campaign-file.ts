/**
 * The campaign file (`aa-nas search <algorithm> --out <file>`): one JSON object per campaign that keeps everything a
 * later comparison or figure needs — the settings, every counted evaluation of every run (arch, reward, simulated
 * time, wall time) and each run's best-so-far trace with the answer's 200-epoch numbers. It is the `--json` object
 * plus `format`, `version`, provenance, the space's optimum and the per-evaluation history, so every reader of the
 * `--json` output (the explorer's runs view, `aa-nas search report`) reads it too. Layout: docs/search.md.
 */
import { writeFileAtomic } from "../atomic-file.js";
import type { Optimum } from "./benchmark.js";
import { campaignToJson, type Campaign, type CampaignJson, type RunReport } from "./campaign.js";

export const CAMPAIGN_FILE_FORMAT = "aa-nas-search-campaign";
/**
 * Bumped when a field changes meaning or goes away; readers refuse a newer version instead of misreading it. A new
 * field does not bump it: `space` came later, and a version-1 file without it is a topology-space (tss) campaign, the
 * only space searches ran on before it.
 */
export const CAMPAIGN_FILE_VERSION = 1;

/** One counted evaluation, in the order the search made them. */
export interface CampaignFileEvaluation {
  archIndex: number;
  /** the 12-epoch reward the search saw */
  reward: number;
  /** simulated seconds this evaluation cost */
  cost: number;
  /** simulated clock after it (seconds) */
  time: number;
  /** real seconds since the run started, when it returned */
  wallTime: number;
}

export interface CampaignFileRun extends RunReport {
  /** real seconds the run took */
  wallSeconds: number;
  history: CampaignFileEvaluation[];
}

export interface CampaignFile extends Omit<CampaignJson, "results"> {
  format: typeof CAMPAIGN_FILE_FORMAT;
  version: typeof CAMPAIGN_FILE_VERSION;
  /** ISO 8601 time the file was written */
  createdAt: string;
  /** what ran the campaign, e.g. "aa-nas search rea" */
  createdBy: string;
  /** the benchmark searched: a store's path as given, or null for an in-memory benchmark */
  source: string | null;
  /** the space's best archs by the final numbers (the optimum line of a plot), or null where unknown */
  optimum: Optimum | null;
  results: CampaignFileRun[];
}

export interface CampaignFileInfo {
  createdBy: string;
  source?: string | null;
  /** default: now */
  createdAt?: Date;
}

export function campaignToFile(campaign: Campaign, info: CampaignFileInfo): CampaignFile {
  const json = campaignToJson(campaign);
  return {
    format: CAMPAIGN_FILE_FORMAT,
    version: CAMPAIGN_FILE_VERSION,
    createdAt: (info.createdAt ?? new Date()).toISOString(),
    createdBy: info.createdBy,
    source: info.source ?? null,
    ...json,
    optimum: campaign.optimum ?? null,
    results: json.results.map((report, i) => {
      const result = campaign.results[i]!;
      return {
        ...report,
        wallSeconds: result.wallSeconds,
        history: result.history.map((h) => ({ archIndex: h.archIndex, reward: h.reward, cost: h.cost, time: h.time, wallTime: h.wallTime })),
      };
    }),
  };
}

/** Writes the file atomically: a reader (or a crash) never sees half a campaign. */
export function writeCampaignFile(path: string, file: CampaignFile): void {
  writeFileAtomic(path, `${JSON.stringify(file)}\n`);
}
