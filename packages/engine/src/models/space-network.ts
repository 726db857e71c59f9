/**
 * Which network an arch of a search space trains as: tss (NAS-Bench-201 cells, TinyNetwork(C, N, cell)) or sss
 * (NATS-Bench size configs, the fixed cell at five widths). Training, its replicas and the weights files name a space
 * and go through here, so that nothing else branches on it.
 */
import { showInput, UserError } from "@aa-nas/core/errors.js";
import { resolveArch } from "@aa-nas/core/space/index.js";
import { DEFAULT_CHANNEL, DEFAULT_NUM_CELLS, shapeTinyNetwork, tinyNetwork, type TinyNetworkSpec } from "./structure.js";
import { parseChannels, sssArchAt, sssIndexOf } from "./sss-channels.js";

export const NETWORK_SPACES = ["tss", "sss"] as const;
export type NetworkSpace = (typeof NETWORK_SPACES)[number];

export class NetworkSpaceError extends UserError {}

export function parseNetworkSpace(name: string): NetworkSpace {
  if ((NETWORK_SPACES as readonly string[]).includes(name)) return name as NetworkSpace;
  throw new NetworkSpaceError(`unknown search space '${showInput(name, 40)}': expected 'tss' (topology) or 'sss' (size)`);
}

/** An arch of `space` by benchmark index (number or decimal string) or string → its index and canonical string. */
export function resolveSpaceArch(space: NetworkSpace, arch: number | string): { index: number; arch: string } {
  if (space === "tss") return resolveArch(arch);
  if (typeof arch === "number" || /^\s*-?\d+\s*$/.test(arch)) {
    const index = Number(arch);
    return { index, arch: sssArchAt(index) };
  }
  return { index: sssIndexOf(parseChannels(arch)), arch };
}

/**
 * The network description of a resolved arch. `channel` / `numCells` size a tss network only (defaults 16 / 5); an
 * sss arch fixes every width itself.
 */
export function spaceNetworkSpec(
  space: NetworkSpace,
  arch: string,
  classNum: number,
  inputChannels: number,
  size: { channel?: number; numCells?: number } = {},
): TinyNetworkSpec {
  if (space === "sss") return shapeTinyNetwork(parseChannels(arch), classNum, inputChannels);
  return tinyNetwork(size.channel ?? DEFAULT_CHANNEL, size.numCells ?? DEFAULT_NUM_CELLS, arch, classNum, inputChannels);
}
