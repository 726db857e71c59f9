/**
 * Errors a user can cause (bad arch string, unknown dataset, corrupt file). The CLI prints their message as one
 * line and exits 2; anything else is a bug and keeps its stack trace.
 */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Formats a list of valid choices for error messages: `'a', 'b' or 'c'`. */
export function listChoices(choices: readonly (string | number)[]): string {
  const quoted = choices.map((c) => (typeof c === "string" ? `'${c}'` : String(c)));
  if (quoted.length <= 1) return quoted.join("");
  return `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}`;
}
