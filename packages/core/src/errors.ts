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

// C0 and C1 controls, DEL, the line/paragraph separators and the bidirectional overrides: echoed raw, these move the
// cursor, clear the screen, retitle the terminal, split one error into several lines or reorder what is shown.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

/** `text` with every control character written as an escape (`\x1b`, `\n`, `\u202e`), safe to print on a terminal. */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    if (c === "\n") return "\\n";
    if (c === "\r") return "\\r";
    if (c === "\t") return "\\t";
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/**
 * User input (a name from a file, an argument) for an error message: control characters escaped and at most `max`
 * characters, the rest counted, so a crafted or binary name can neither drive the terminal nor flood it.
 */
export function showInput(text: string, max = 120): string {
  const chars = [...text];
  const shown = escapeControl(chars.slice(0, max).join(""));
  return chars.length > max ? `${shown}… (${chars.length - max} more characters)` : shown;
}

/** Raw bytes for an error message: the first `max` as hex, with the total count. */
export function showBytes(bytes: Uint8Array, max = 16): string {
  const hex = Buffer.from(bytes.subarray(0, max)).toString("hex").replace(/(..)(?!$)/g, "$1 ");
  return bytes.length > max ? `${hex} … (${bytes.length} bytes)` : hex;
}

/** The one line the CLI prints for a user error: escaped, and capped so no message floods the terminal. */
export function errorLine(message: string, max = 1000): string {
  return showInput(message, max);
}
