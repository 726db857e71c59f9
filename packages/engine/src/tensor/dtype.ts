import { UserError, listChoices } from "@aa-nas/core/errors.js";

/** Element types the engine supports; the order is the code shared with native/src/handles.cc. */
export const DTYPES = ["float32", "float64", "int32", "int64", "uint8", "bool", "float16", "bfloat16"] as const;
export type DType = (typeof DTYPES)[number];

export function dtypeCode(d: DType): number {
  const code = DTYPES.indexOf(d);
  if (code < 0) throw new UserError(`unknown dtype '${String(d)}'; valid: ${listChoices(DTYPES)}`);
  return code;
}

export function dtypeFromCode(code: number): DType {
  const d = DTYPES[code];
  if (d === undefined) throw new Error(`native returned unknown dtype code ${code}`);
  return d;
}

export function isFloating(d: DType): boolean {
  return d === "float32" || d === "float64" || d === "float16" || d === "bfloat16";
}
