/**
 * Which network an arch of a search space trains as: tss (NAS-Bench-201 cells, TinyNetwork(C, N, cell)) or sss
 * (NATS-Bench size configs, the fixed cell at five widths). The spaces themselves (names, index order, arch strings)
 * are core's; training, its replicas and the weights files name a space and go through here for the network, so that
 * nothing else branches on it.
 */
import { parseSizeArch, resolveIn, searchSpace, type SpaceName } from "@aa-nas/core/space/index.js";
import { DEFAULT_CHANNEL, DEFAULT_NUM_CELLS, shapeTinyNetwork, tinyNetwork, type TinyNetworkSpec } from "./structure.js";

/** An arch of `space` by benchmark index (number or decimal string) or string → its index and canonical string. */
export function resolveSpaceArch(space: SpaceName, arch: number | string): { index: number; arch: string } {
  return resolveIn(searchSpace(space), arch);
}

/**
 * The network description of a resolved arch. `channel` / `numCells` size a tss network only (defaults 16 / 5); an
 * sss arch fixes every width itself.
 */
export function spaceNetworkSpec(
  space: SpaceName,
  arch: string,
  classNum: number,
  inputChannels: number,
  size: { channel?: number; numCells?: number } = {},
): TinyNetworkSpec {
  if (space === "sss") return shapeTinyNetwork(parseSizeArch(arch), classNum, inputChannels);
  return tinyNetwork(size.channel ?? DEFAULT_CHANNEL, size.numCells ?? DEFAULT_NUM_CELLS, arch, classNum, inputChannels);
}
