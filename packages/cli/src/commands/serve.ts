/** `aa-nas serve`: the web explorer over a benchmark store and, optionally, `aa-nas search --json` results. */
import type { Command } from "commander";
import { parseInteger } from "../options.js";
import { BenchStore } from "@aa-nas/core/bench/store.js";
import { DEFAULT_HOST, DEFAULT_PORT, ExplorerData, isLoopbackHost, loadCampaigns, startExplorer } from "../web/index.js";

export interface ServeOptions {
  bench: string;
  runs?: string[];
  port: string;
  host: string;
}

/** 0 = any free port. */
export function parsePort(s: string): number {
  return parseInteger(s, "--port", 0, 65535);
}

export function registerServeCommands(program: Command): void {
  program
    .command("serve")
    .description("serve the web explorer: overview scatter, architecture pages, dataset correlations, search runs, width effects (sss)")
    .requiredOption("--bench <db>", "benchmark store to explore")
    .option("--runs <paths...>", "'aa-nas search <algorithm> --json' outputs: files, or directories of *.json")
    .option("--port <n>", "TCP port (0 = any free port)", String(DEFAULT_PORT))
    .option("--host <address>", "address to listen on; anything but loopback exposes the explorer to the network", DEFAULT_HOST)
    .action(async (opts: ServeOptions) => {
      const port = parsePort(opts.port);
      const campaigns = loadCampaigns(opts.runs ?? []);
      // either space: the explorer asks /api/meta which one it serves and shows the views that apply
      const store = BenchStore.open(opts.bench);
      let running;
      try {
        running = await startExplorer(new ExplorerData(store, campaigns), { host: opts.host, port });
      } catch (e) {
        store.close();
        throw e;
      }
      if (!isLoopbackHost(opts.host)) {
        process.stderr.write(`aa-nas serve: warning: listening on ${opts.host}, so other machines can reach the explorer\n`);
      }
      const runs = campaigns.reduce((n, c) => n + c.results.length, 0);
      process.stdout.write(`aa-nas explorer on ${running.url} (store ${opts.bench}${runs > 0 ? `, ${runs} search runs` : ""}); Ctrl-C stops it\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
          resolve();
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
      });
      await running.close();
      store.close();
    });
}
