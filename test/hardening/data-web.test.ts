// Classes 5 and 11: training refuses empty or half-present data with one line (it used to train 0 images, exit 0 and
// write a record of loss 0 / accuracy 0, or take the labels from the Debian dataset); the explorer answers a request
// target the URL parser rejects with 400 and logs nothing.
import { mkdirSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { connect } from "node:net";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeIdx } from "../../packages/engine/src/data/idx.js";
import { BenchStore } from "../../packages/core/src/bench/store.js";
import { ExplorerData, startExplorer } from "../../packages/cli/src/web/index.js";
import { makeFixtureStore } from "../web/support/fixture.js";
import { tempDirs } from "../data/temp.js";
import { expectCleanError, runCliAsync } from "./support.js";

const tmp = tempDirs();
const TINY = ["--seeds", "777", "--datasets", "fashion-mnist", "--hp", "1", "--channel", "4", "--num-cells", "1", "--replicas", "1"];

function fashionDir(parts: { trainImages?: number; trainLabels?: number | null; testImages?: number }): string {
  const root = tmp("aa-hard-data-");
  const dir = join(root, "fashion-mnist");
  mkdirSync(dir);
  const images = (n: number) => writeIdx([n, 28, 28], new Uint8Array(n * 28 * 28));
  const labels = (n: number) => writeIdx([n], new Uint8Array(n));
  writeFileSync(join(dir, "train-images-idx3-ubyte"), images(parts.trainImages ?? 8));
  if (parts.trainLabels !== null) writeFileSync(join(dir, "train-labels-idx1-ubyte"), labels(parts.trainLabels ?? parts.trainImages ?? 8));
  writeFileSync(join(dir, "t10k-images-idx3-ubyte"), images(parts.testImages ?? 8));
  writeFileSync(join(dir, "t10k-labels-idx1-ubyte"), labels(parts.testImages ?? 8));
  return root;
}

describe("training on bad data", () => {
  it("an empty training set, an empty test set, missing labels, a label count mismatch: one line, exit 2, no record", async () => {
    const cases: [string, RegExp][] = [
      [fashionDir({ trainImages: 0 }), /fashion-mnist: the training set in fashion-mnist holds no images/],
      [fashionDir({ testImages: 0 }), /the ori-test eval set in fashion-mnist holds no images/],
      [fashionDir({ trainLabels: null }), /holds train-images-idx3-ubyte but not train-labels-idx1-ubyte/],
      [fashionDir({ trainImages: 8, trainLabels: 7 }), /has shape \[7\], expected \[8\]/],
    ];
    for (const [dataDir, why] of cases) {
      const out = join(dataDir, "out");
      const r = await runCliAsync(["train-net", "0", ...TINY, "--data-dir", dataDir, "--out", out], { timeoutMs: 60_000 });
      expectCleanError(r, why);
    }
  }, 120_000);
});

describe("explorer: malformed request targets", () => {
  it("GET http://[ is a 400 with no trace in the log", async () => {
    const logged: unknown[] = [];
    const fixture = makeFixtureStore();
    const store = BenchStore.open(fixture.path);
    const server = await startExplorer(new ExplorerData(store, []), { port: 0, onError: (e) => void logged.push(e) });
    const { port } = server.server.address() as AddressInfo;
    try {
      for (const target of ["http://[", "http://[::1", "//[", "http://a b/"]) {
        const answer = await new Promise<string>((resolve, reject) => {
          const socket = connect(port, "127.0.0.1", () => socket.end(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`));
          let text = "";
          socket.setEncoding("utf8").on("data", (d: string) => void (text += d));
          socket.on("end", () => resolve(text)).on("error", reject);
        });
        expect(answer, target).toMatch(/^HTTP\/1\.1 400 /);
        expect(answer, target).not.toMatch(/TypeError|\n\s+at /);
      }
      // a well-formed target still works
      const status = await new Promise<number>((resolve) => request({ port, host: "127.0.0.1", path: "/no-such-file" }, (res) => resolve(res.statusCode ?? 0)).end());
      expect(status).toBe(404);
      expect(logged).toEqual([]);
    } finally {
      await server.close();
      store.close();
    }
  });
});
