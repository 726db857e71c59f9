/** Integer command-line values, checked one way everywhere: `bad --runs '0': expected a positive integer`. */
import { UserError } from "../errors.js";

function expected(min: number): string {
  return min === 0 ? "a non-negative integer" : min === 1 ? "a positive integer" : `an integer >= ${min}`;
}

export function parseInteger(value: string, flag: string, min = 1): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) throw new UserError(`bad ${flag} '${value}': expected ${expected(min)}`);
  return n;
}

/** For options that may be absent. */
export function parseOptionalInteger(value: string | undefined, flag: string, min = 1): number | undefined {
  return value === undefined ? undefined : parseInteger(value, flag, min);
}

/** commander's argParser form: `.option("--runs <n>", "…", integerOption("--runs"))`. */
export function integerOption(flag: string, min = 1): (value: string) => number {
  return (value) => parseInteger(value, flag, min);
}
