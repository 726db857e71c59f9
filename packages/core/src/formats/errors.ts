import { UserError } from "../errors.js";

/**
 * Input that is not what its format promises: truncated, corrupt, or using a feature this reader refuses. One error
 * per bad file, naming the file (when known), the byte offset and what was expected.
 */
export class FormatError extends UserError {}

/** A pickle asked for a Python global that is not on the allow-list. Nothing was imported or executed. */
export class ForbiddenGlobalError extends FormatError {
  constructor(
    readonly globalName: string,
    allowed: readonly string[],
    where: string,
  ) {
    super(
      `${where}: the pickle references the Python global '${globalName}', which is not on the allow-list ` +
        `(allowed: ${allowed.join(", ")}); refusing to load it`,
    );
  }
}
