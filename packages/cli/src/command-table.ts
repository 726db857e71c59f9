/**
 * Which module registers which top-level command. main.ts loads only the module of the command being run, because
 * importing all of them (the store, the web explorer, the search algorithms, zod, tar, …) cost a one-shot
 * `aa-nas query` ~300 ms before it did any work (issue #19). Help, version and anything unrecognised load them all,
 * in this order, which is the order `aa-nas --help` lists them.
 */
import type { Command } from "commander";

/** Adds a module's commands to the program. */
export type RegisterCommands = (program: Command) => void;

export interface CommandModule {
  /** top-level command names the module registers (test/cli/command-table.test.ts checks them against the module) */
  readonly names: readonly string[];
  readonly load: () => Promise<RegisterCommands>;
}

// cli:commands (one entry per command module; keep this marker)
export const COMMAND_MODULES: readonly CommandModule[] = [
  { names: ["arch", "meta"], load: async () => (await import("./commands/space.js")).registerSpaceCommands },
  { names: ["sweep"], load: async () => (await import("./commands/sweep.js")).registerSweepCommands },
  { names: ["serve"], load: async () => (await import("./commands/serve.js")).registerServeCommands },
  { names: ["train", "train-net"], load: async () => (await import("./commands/train.js")).registerTrainCommands },
  { names: ["merge"], load: async () => (await import("./commands/merge.js")).registerMergeCommands },
  { names: ["demo"], load: async () => (await import("./commands/demo.js")).registerDemoCommands },
  { names: ["eval-net"], load: async () => (await import("./commands/eval-net.js")).registerEvalNetCommands },
  { names: ["data"], load: async () => (await import("./commands/data.js")).registerDataCommands },
  { names: ["import"], load: async () => (await import("./commands/import.js")).registerImportCommands },
  { names: ["query"], load: async () => (await import("./commands/query.js")).registerQueryCommands },
  { names: ["best"], load: async () => (await import("./commands/best.js")).registerBestCommands },
  { names: ["export"], load: async () => (await import("./commands/export.js")).registerExportCommands },
  { names: ["search"], load: async () => (await import("./commands/search.js")).registerSearchCommands },
  { names: ["zero-cost"], load: async () => (await import("./commands/zero-cost.js")).registerZeroCostCommands },
];

/**
 * The modules to load for a command line (arguments after the script): only the named command's module when the
 * first argument names one; otherwise every module, so top-level help, `help <cmd>`, version and a usage error for an
 * unknown command see the whole program exactly as before.
 */
export function modulesFor(args: readonly string[]): readonly CommandModule[] {
  const first = args[0];
  const one = first === undefined ? undefined : COMMAND_MODULES.find((m) => m.names.includes(first));
  return one === undefined ? COMMAND_MODULES : [one];
}

/** Registers the commands of `modules` on `program`, in table order (modules are imported concurrently). */
export async function registerCommands(program: Command, modules: readonly CommandModule[]): Promise<void> {
  const registers = await Promise.all(modules.map((m) => m.load()));
  for (const register of registers) register(program);
}
