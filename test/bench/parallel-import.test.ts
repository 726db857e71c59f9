import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { repoRoot } from "../support/paths.js";
import { NATS_SAMPLE, referencePath } from "../support/reference.js";
import { runPython } from "../data/python.js";

// The worker threads only exist in the built package, so these tests go through the CLI (dist/).
const root = mkdtempSync(join(tmpdir(), "aa-nas-parallel-import-"));
const nats = join(root, "nats");
const ARCHS = 10;

beforeAll(() => {
  runPython(readFileSync(join(repoRoot, "perf", "store", "make-nats-dir.py"), "utf8"), [nats, String(ARCHS), referencePath(NATS_SAMPLE)]);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function importWith(dir: string, workers: number, db: string): { status: number | null; stderr: string } {
  return runCli(["import", dir, "--out", db, "--workers", String(workers), "--no-progress"]);
}

/** Every stored row, in row-id order: equal stores have equal row ids too, not only equal contents. */
function dump(db: string): unknown[] {
  const d = new Database(db, { readonly: true });
  const rows = [
    ...["runs", "final", "rankings"].map((t) => d.prepare(`SELECT * FROM ${t} ORDER BY rowid`).raw().all()),
    d.prepare("SELECT source, arch_index FROM imports ORDER BY source, arch_index").raw().all(), // not the timestamps
  ];
  d.close();
  return rows;
}

describe("aa-nas import --workers", () => {
  it("decoding on worker threads stores exactly what the single-threaded import stores, and resumes the same way", () => {
    const single = join(root, "single.sqlite");
    const parallel = join(root, "parallel.sqlite");
    expect(importWith(nats, 0, single).status).toBe(0);
    const r = importWith(nats, 2, parallel);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`imported ${ARCHS} archs .*: ${17 * ARCHS} runs new.*; decoded on 2 worker threads`));
    expect(dump(parallel)).toEqual(dump(single));
    const again = importWith(nats, 2, parallel);
    expect(again.stderr).toMatch(new RegExp(`imported 0 archs .*; ${ARCHS} archs already done`));
  });

  it("a tar of the directory imports the same rows with workers as without", () => {
    const archive = join(root, "nats.tar");
    execFileSync("tar", ["-cf", archive, "-C", root, "nats"]);
    const single = join(root, "tar-single.sqlite");
    const parallel = join(root, "tar-parallel.sqlite");
    expect(importWith(archive, 0, single).status).toBe(0);
    const r = importWith(archive, 2, parallel);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`imported ${ARCHS} archs .*\\(tar, .*; decoded on 2 worker threads`));
    expect(dump(parallel)).toEqual(dump(single));
  });

  it("a corrupt arch file stops the import with the same one-line error with and without workers", () => {
    const bad = join(root, "bad");
    runPython(readFileSync(join(repoRoot, "perf", "store", "make-nats-dir.py"), "utf8"), [bad, "6", referencePath(NATS_SAMPLE)]);
    const victim = join(bad, "000004.pickle.pbz2");
    const bytes = readFileSync(victim);
    writeFileSync(victim, bytes.subarray(0, bytes.length >> 1));
    const errors = [0, 2].map((w) => importWith(bad, w, join(root, `bad-${w}.sqlite`)));
    for (const e of errors) {
      expect(e.status).toBe(2);
      expect(e.stderr.trim().split("\n")).toHaveLength(1);
    }
    expect(errors[0]!.stderr).toMatch(/000004\.pickle\.pbz2.*truncated/);
    expect(errors[1]!.stderr).toBe(errors[0]!.stderr);
  });

  it("rejects a negative worker count with a one-line message", () => {
    const r = importWith(nats, -1, join(root, "never.sqlite"));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad --workers '-1': expected a non-negative integer/);
  });
});
