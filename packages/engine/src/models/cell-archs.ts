/**
 * The named cells of the original `CellArchitectures` (`specific-<name>` training), as canonical benchmark strings.
 * The original ResNet genotype lists only its four non-`none` edges; the benchmark's arch 11472 is the same cell with
 * the two `none` edges written out (same parameters, FLOPs and function; Zero layers have no weights), and is what we
 * train so the record and the state-dict layer indices match the benchmark's.
 */
import { UserError, listChoices } from "@aa-nas/core/errors.js";
import { resolveArch } from "@aa-nas/core/space/index.js";

export const CELL_ARCHITECTURES: Readonly<Record<string, string>> = {
  resnet: "|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|",
  all_c3x3: "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|",
  all_c1x1: "|nor_conv_1x1~0|+|nor_conv_1x1~0|nor_conv_1x1~1|+|nor_conv_1x1~0|nor_conv_1x1~1|nor_conv_1x1~2|",
  all_idnt: "|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|",
};

/** A cell name, a benchmark index, or an arch string → `{ index, arch }`. */
export function resolveCell(x: string | number): { index: number; arch: string } {
  if (typeof x === "string" && Object.hasOwn(CELL_ARCHITECTURES, x)) return resolveArch(CELL_ARCHITECTURES[x]!);
  if (typeof x === "string" && /^[a-z_0-9]+$/.test(x) && !/^\d+$/.test(x)) {
    throw new UserError(`unknown cell name '${x}'; valid: ${listChoices(Object.keys(CELL_ARCHITECTURES))}, a benchmark index 0..15624 or an arch string`);
  }
  return resolveArch(x);
}
