import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { repoRoot } from "../support/paths.js";
import { searchJson } from "./support/campaigns.js";
import { makeFixtureStore } from "./support/fixture.js";

const main = join(repoRoot, "packages", "cli", "dist", "main.js");
let storePath: string;
let runsDir: string;

beforeAll(() => {
  storePath = makeFixtureStore().path;
  runsDir = mkdtempSync(join(tmpdir(), "aa-nas-serve-runs-"));
  writeFileSync(join(runsDir, "rea.json"), searchJson("rea", 3, 2000));
});


describe("aa-nas serve (built CLI)", () => {
  it("starts on a free loopback port, prints its URL, answers the API, and stops on SIGTERM", async () => {
    const child = spawn(process.execPath, [main, "serve", "--bench", storePath, "--runs", runsDir, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL within 60 s; stderr: ${stderr}`)), 60_000);
      child.stdout.on("data", (c: Buffer) => {
        stdout += c.toString();
        const m = /on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.on("exit", (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    expect(stdout).toMatch(/3 search runs/);
    const meta = (await (await fetch(new URL("/api/meta", url))).json()) as { store: { hps: string[] }; searchRuns: { runs: number } };
    expect(meta.store.hps).toEqual(["12", "200"]);
    expect(meta.searchRuns.runs).toBe(3);
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
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
