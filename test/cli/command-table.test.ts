// The CLI loads only the module of the command being run (packages/cli/src/command-table.ts). These tests pin that the table
// names every command its modules register, and that help, `help <cmd>` and usage errors still see all of them.
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { COMMAND_MODULES, modulesFor } from "../../packages/cli/src/command-table.js";
import { runCli } from "../support/cli.js";

const ALL_NAMES = COMMAND_MODULES.flatMap((m) => m.names);

describe("command table", () => {
  it.each(COMMAND_MODULES.map((m) => [m.names.join(", "), m] as const))("the module of %s registers exactly those commands", async (_, m) => {
    const program = new Command();
    (await m.load())(program);
    expect(program.commands.map((c) => c.name())).toEqual(m.names);
  });

  it("names each command once", () => {
    expect(new Set(ALL_NAMES).size).toBe(ALL_NAMES.length);
  });

  it("a command line that starts with a command loads only that module; anything else loads all", () => {
    expect(modulesFor(["query", "0", "--bench", "x"]).map((m) => m.names)).toEqual([["query"]]);
    expect(modulesFor(["train-net", "--help"]).map((m) => m.names)).toEqual([["train", "train-net"]]);
    for (const args of [[], ["--help"], ["-h"], ["-V"], ["--version"], ["help", "query"], ["nosuch"], ["--bench", "query"]]) {
      expect(modulesFor(args), args.join(" ")).toBe(COMMAND_MODULES);
    }
  });
});

describe("lazy loading keeps the CLI's surface (built CLI)", () => {
  it("aa-nas --help lists every command of the table, in table order", () => {
    const r = runCli(["--help"]);
    expect(r.status).toBe(0);
    const listed = r.stdout
      .split("Commands:\n")[1]!
      .split("\n")
      .map((line) => /^ {2}([a-z][a-z-]*)/.exec(line)?.[1])
      .filter((n): n is string => n !== undefined && n !== "help");
    expect(listed).toEqual(ALL_NAMES);
  });

  it("'<cmd> --help' (one module loaded) prints what 'help <cmd>' (all loaded) prints, for every command", () => {
    for (const name of ALL_NAMES) {
      const alone = runCli([name, "--help"]);
      const all = runCli(["help", name]);
      expect(alone.status, name).toBe(0);
      expect(alone.stdout, name).toBe(all.stdout);
      expect(alone.stdout, name).toContain(`Usage: aa-nas ${name} `);
    }
  }, 300_000); // 2 × 15 CLI starts: ~36 s on 2 idle cores, several times that beside other jobs

  it("an unknown command still gets commander's suggestion from all commands: one line, exit 2", () => {
    const r = runCli(["quer"]);
    expect(r.status).toBe(2);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/unknown command 'quer'.*Did you mean query\?/);
  });

  it("version", () => {
    const r = runCli(["--version"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("0.1.0\n");
  });
});
