// The real NATS API's answers on the size-space sample (test/fixtures/reference/nats-sss-v1_0-50262-simple-sample):
// the spec's golden file and the extra one made with nats_bench 1.8, typed once for every test that replays them.
import { readReferenceJson } from "./reference.js";

export const SSS_SAMPLE = "nats-sss-v1_0-50262-simple-sample";

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface SssGoldenCase {
  index: number;
  arch: string;
  hp: string;
  dataset: string;
  seeds: number[];
  get_cost_info: Record<string, number>;
  get_latency: number;
  get_more_info_mean: Record<string, Json>;
  get_more_info_by_seed: Record<string, Record<string, Json>>;
  get_more_info_iepoch: Record<string, Record<string, Json> | string>;
  get_net_config: Record<string, Json>;
  simulate_train_eval: Array<[number, number, number, number] | string>;
  total_epoch: number;
}

export interface SssGolden {
  cases: SssGoldenCase[];
  meta_archs_head: string[];
  meta_archs_tail: string[];
  n_archs: number;
  query_index_by_arch: Record<string, number>;
  statistics: Record<string, Record<string, number>>;
}

export interface SssGoldenExtra {
  find_best_enforce_all_false: Record<string, [number, number] | string>;
  query_info_str_by_arch: Record<string, string>;
}

export function readSssGolden(): { golden: SssGolden; extra: SssGoldenExtra } {
  return {
    golden: readReferenceJson<SssGolden>(SSS_SAMPLE, "golden-api-nats_bench-v1.8-sss.json"),
    extra: readReferenceJson<SssGoldenExtra>(SSS_SAMPLE, "golden-api-nats_bench-v1.8-sss-extra.json"),
  };
}
