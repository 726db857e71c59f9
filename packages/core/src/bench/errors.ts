import { listChoices, UserError } from "../errors.js";

/** A query named something the benchmark does not hold (dataset, set, hp, seed, epoch, arch). */
export class BenchQueryError extends UserError {}

/** The store file is missing, not a benchmark store, from a newer schema, or corrupt. */
export class StoreError extends UserError {}

/** A record handed to the store violates the RunRecord contract. */
export class InvalidRecordError extends UserError {}

/** putRuns met a different record for an existing (arch, hp, dataset, seed) and was not asked to replace it. */
export class RunConflictError extends UserError {}

/**
 * The metric does not exist in the record (the original raises KeyError/ValueError there): e.g. `ori-test` before the
 * last epoch of a 200-epoch cifar10-valid run, or `x-test` on cifar10.
 */
export class MetricUnavailableError extends BenchQueryError {}

export function unknownChoice(what: string, got: string | number, valid: readonly (string | number)[]): BenchQueryError {
  const shown = typeof got === "string" ? `'${got}'` : String(got);
  return new BenchQueryError(`unknown ${what} ${shown}: valid ${what}s are ${valid.length > 0 ? listChoices(valid) : "(none stored)"}`);
}
