/**
 * The default data folder, apart from training-data.ts so that the CLI's option parsing (cli/options.ts), which every
 * command loads, does not pull in the dataset readers (pickle, numpy, fflate) with it.
 */
import { homedir } from "node:os";
import { join } from "node:path";

/** `--data-dir` default: $AA_NAS_DATA, else $TORCH_HOME/cifar.python (the original's place), else ~/.cache/aa-nas/data. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.AA_NAS_DATA) return env.AA_NAS_DATA;
  if (env.TORCH_HOME) return join(env.TORCH_HOME, "cifar.python");
  return join(homedir(), ".cache", "aa-nas", "data");
}
