import { UserError } from "@aa-nas/core/errors.js";

/** A data file exists but is not what it should be (truncated, wrong checksum, wrong format). */
export class DataFileError extends UserError {}

/** Data the command needs is not in the data directory; the message says what to download and where to put it. */
export class MissingDataError extends UserError {}
