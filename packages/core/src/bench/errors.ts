import { listChoices, UserError } from "../errors.js";

/** A query named something the benchmark does not hold (dataset, set, hp, seed, epoch, arch). */
export class BenchQueryError extends UserError {}

/** The store file is missing, not a benchmark store, from a newer schema, or corrupt. */
export class StoreError extends UserError {}

/** The store holds one search space and was opened or written as the other (a tss store as sss, or vice versa). */
export class SpaceMismatchError extends StoreError {
  constructor(
    readonly path: string,
    /** the space the store holds */
    readonly stored: string,
    /** the space it was asked for */
    readonly requested: string,
    /** what to do instead (default: open it as its space, or import the other benchmark into a new store) */
    remedy = `open it as '${stored}', or import the '${requested}' benchmark into a new store`,
  ) {
    super(`${path} holds the ${stored === "sss" ? "size" : "topology"} search space ('${stored}'), not '${requested}': a store holds one space; ${remedy}`);
  }
}

/** A record handed to the store violates the RunRecord contract. */
export class InvalidRecordError extends UserError {}

/** putRuns met a different record for an existing (arch, hp, dataset, seed) and was not asked to replace it. */
export class RunConflictError extends UserError {}

/**
 * The metric does not exist in the record (the original raises KeyError/ValueError there): e.g. `ori-test` before the
 * last epoch of a 200-epoch cifar10-valid run, or `x-test` on cifar10.
 */
export class MetricUnavailableError extends BenchQueryError {}

/**
 * The metric exists in the benchmark's semantics but its source did not record it, so this store does not hold it
 * (a lite store built from all-arch tables holds accuracies, not losses). Raised when such a value is read.
 */
export class MetricNotInStoreError extends MetricUnavailableError {
  constructor(
    /** what was asked for, e.g. 'train loss', 'x-valid accuracy' */
    readonly metric: string,
    detail = "",
  ) {
    super(`${metric} is not in this store${detail}: its source did not record it (query a store imported from the full benchmark file for it)`);
  }
}

export function unknownChoice(what: string, got: string | number, valid: readonly (string | number)[]): BenchQueryError {
  const shown = typeof got === "string" ? `'${got}'` : String(got);
  return new BenchQueryError(`unknown ${what} ${shown}: valid ${what}s are ${valid.length > 0 ? listChoices(valid) : "(none stored)"}`);
}
