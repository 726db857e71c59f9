import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { repoRoot } from "../support/paths.js";
import { searchJson, sssCampaignJson } from "./support/campaigns.js";
import { makeFixtureStore } from "./support/fixture.js";
import { spreadSizeArchs, writeSyntheticSizeStore } from "./support/synthetic-size-store.js";

const main = join(repoRoot, "packages", "cli", "dist", "main.js");
let storePath: string;
let runsDir: string;
let sssPath: string;
let sssRunsDir: string;

beforeAll(() => {
  storePath = makeFixtureStore().path;
  runsDir = mkdtempSync(join(tmpdir(), "aa-nas-serve-runs-"));
  writeFileSync(join(runsDir, "rea.json"), searchJson("rea", 3, 2000));
  sssPath = join(runsDir, "sss.sqlite");
  writeSyntheticSizeStore(sssPath, { archs: spreadSizeArchs(16), datasets: ["cifar10"] });
  sssRunsDir = join(runsDir, "sss-runs");
  mkdirSync(sssRunsDir);
  writeFileSync(join(sssRunsDir, "rea.json"), sssCampaignJson("rea", "cifar10", spreadSizeArchs(16), { runs: 2, budget: 2000 }));
});

/** `aa-nas serve --bench <args> --port 0` until it prints its URL. */
async function serve(args: string[]): Promise<{ child: ChildProcess; url: string; stdout: string }> {
  const child = spawn(process.execPath, [main, "serve", "--bench", ...args, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within 60 s; stderr: ${stderr}`)), 60_000);
    child.stdout!.on("data", (c: Buffer) => {
      stdout += c.toString();
      const m = /on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on("exit", (code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
  return { child, url, stdout };
}

function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  child.kill("SIGTERM");
  return exited;
}

describe("aa-nas serve (built CLI)", () => {
  it("starts on a free loopback port, prints its URL, answers the API, and stops on SIGTERM", async () => {
    const { child, url, stdout } = await serve([storePath, "--runs", runsDir]);
    expect(stdout).toMatch(/3 search runs/);
    const meta = (await (await fetch(new URL("/api/meta", url))).json()) as { store: { hps: string[] }; searchRuns: { runs: number } };
    expect(meta.store.hps).toEqual(["12", "200"]);
    expect(meta.searchRuns.runs).toBe(3);
    expect(await stop(child)).toBe(0);
  });

  it("serves a size-space (sss) store: /api/meta names the space and the width effects answer", async () => {
    const { child, url } = await serve([sssPath]);
    const meta = (await (await fetch(new URL("/api/meta", url))).json()) as { space: { name: string } };
    expect(meta.space.name).toBe("sss");
    expect((await fetch(new URL("/api/width-effects", url))).status).toBe(200);
    expect(await stop(child)).toBe(0);
  });

  it("serves size-space search runs with an sss store: /api/runs groups them under space 'sss'", async () => {
    const { child, url, stdout } = await serve([sssPath, "--runs", sssRunsDir]);
    expect(stdout).toMatch(/2 search runs/);
    const runs = (await (await fetch(new URL("/api/runs", url))).json()) as { groups: Array<{ space: string; algorithm: string; runs: number; optimum: { from: string } | null }> };
    expect(runs.groups.map((g) => [g.space, g.algorithm, g.runs, g.optimum?.from])).toEqual([["sss", "rea", 2, "store"]]);
    expect(await stop(child)).toBe(0);
  });

  it("topology-space search runs with an sss store exit 2 with one line naming both spaces", () => {
    const r = runCli(["serve", "--bench", sssPath, "--runs", runsDir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/search runs \(--runs\) .* over the topology search space \(tss\), and .* holds the size search space \(sss\)/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it.each([
    [["--port", "http"], /bad --port 'http': expected an integer 0\.\.65535/],
    [["--runs", "/nonexistent/rea.json"], /search results '\/nonexistent\/rea\.json' do not exist/],
  ])("bad option %j exits 2 with one line saying what is valid", (extra, message) => {
    const r = runCli(["serve", "--bench", storePath, ...extra]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("a missing store is a one-line error naming how to create one", () => {
    const r = runCli(["serve", "--bench", "/nonexistent/bench.sqlite"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/benchmark store \/nonexistent\/bench\.sqlite does not exist/);
  });
});
