import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { natsMetaArchs, readReferenceJson } from "../support/reference.js";

describe("aa-nas arch / meta (built CLI)", () => {
  it("arch 11472 --json prints the ResNet cell with costs per dataset", () => {
    const r = runCli(["arch", "11472", "--json"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('"arch":"|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|"');
    const info = JSON.parse(r.stdout) as { index: number; valid: boolean; costs: Record<string, { flops: number; params: number }> };
    expect(info.index).toBe(11472);
    expect(info.valid).toBe(true);
    expect(info.costs.cifar10).toEqual({ flops: 78.56193, params: 0.559386 });
    expect(Object.keys(info.costs)).toEqual(["cifar10", "cifar100", "ImageNet16-120"]);
  });

  it("an arch string is accepted and maps back to its index", () => {
    const r = runCli(["arch", "|avg_pool_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|nor_conv_3x3~2|", "--json"]);
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { index: number }).index).toBe(9);
  });

  it.each([
    [["arch", "15625"], /valid indexes are 0\.\.15624/],
    [["arch", "|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|"], /unknown operation 'conv'.*valid operations: 'none'/],
  ])("bad input %j exits non-zero with one line and no stack trace", (args, message) => {
    const r = runCli(args);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n").length).toBe(1);
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  it("meta --out writes meta.json (archs + regenerated split) and a 41-job plan", () => {
    const dir = mkdtempSync(join(tmpdir(), "aa-nas-meta-"));
    const r = runCli(["meta", "--out", dir]);
    expect(r.status).toBe(0);
    const meta = JSON.parse(readFileSync(join(dir, "meta.json"), "utf8")) as {
      archs: string[];
      total: number;
      max_node: number;
      splits: Record<string, { train: number[]; valid: number[] }>;
    };
    expect(meta.total).toBe(15625);
    expect(meta.max_node).toBe(4);
    expect(meta.archs).toStrictEqual(natsMetaArchs());
    const ref = readReferenceJson<Record<string, [string, string[]]>>("splits", "cifar-split.txt");
    expect(meta.splits["50000"]!.train).toEqual(ref.train![1].map(Number));
    expect(meta.splits["50000"]!.valid).toEqual(ref.valid![1].map(Number));
    const jobs = JSON.parse(readFileSync(join(dir, "jobs.json"), "utf8")) as { jobs: { start: number; end: number }[] };
    expect(jobs.jobs.length).toBe(41);
    const json = runCli(["meta", "--out", dir, "--json"]);
    expect(json.status, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toStrictEqual({ meta: join(dir, "meta.json"), jobs: join(dir, "jobs.json"), jobCount: 41 });
  });
});
