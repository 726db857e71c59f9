#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { errorLine, UserError } from "@aa-nas/core/errors.js";
import { modulesFor, registerCommands } from "./command-table.js";

const program = new Command();
program
  .name("aa-nas")
  .description("AA-NAS-Bench / NAS-Bench-201: query the benchmark, train architectures, run NAS algorithms")
  .version("0.1.0")
  // a usage error (unknown command or option, missing or bad argument) is the user's: one line, exit 2 like every
  // other bad input (see main below); subcommands inherit both settings
  .configureOutput({ outputError: (message, write) => write(`aa-nas: ${errorLine(message.replace(/^error: /, "").trimEnd())} (run with --help for usage)\n`) })
  .exitOverride();

/**
 * What the user is told for an error they caused, or null for a bug (which keeps its stack trace). Besides UserError,
 * a file-system refusal met after the up-front checks (the disk fills, a folder turns read-only mid-run) is the
 * user's environment, not a bug: Node's message names the call, the path and the reason.
 */
function userMessage(err: unknown): string | null {
  if (err instanceof UserError) return err.message;
  if (err instanceof Error && typeof (err as NodeJS.ErrnoException).syscall === "string" && FS_CODES.has((err as NodeJS.ErrnoException).code ?? "")) {
    return err.message;
  }
  return null;
}

const FS_CODES = new Set(["EACCES", "EPERM", "EROFS", "ENOSPC", "EDQUOT", "EISDIR", "ENOTDIR", "ENOENT", "EEXIST", "ENAMETOOLONG", "ELOOP", "EMFILE", "EBUSY", "EFBIG", "EIO"]);

async function main(argv: string[]): Promise<void> {
  try {
    // only the module of the command being run is loaded (see command-table.ts)
    await registerCommands(program, modulesFor(argv.slice(2)));
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander already printed its message: help and version exit 0, a usage error is bad input (exit 2)
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    const message = userMessage(err);
    if (message !== null) {
      process.stderr.write(`aa-nas: ${errorLine(message)}\n`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
}

await main(process.argv);
