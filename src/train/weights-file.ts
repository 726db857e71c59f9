/**
 * Final weights of trained networks: a safetensors file holding each dataset key's network under
 * `<dataset key>/<state-dict name>`, plus `aa_nas.networks` metadata (arch, channel, cells, classes, input planes per
 * key) so `eval-net` can rebuild the network. Every training command writes one file per (arch, seed, dataset key),
 * named by `weightsFileName` next to the record; older train-net files held every key of a seed and still load.
 * PyTorch reads it with `safetensors.torch.load_file`; strip the prefix to get a TinyNetwork state dict.
 */
import { loadSafetensors, saveSafetensors, type Tensor } from "../engine/index.js";
import { UserError, listChoices } from "../errors.js";
import { tinyNetwork } from "../models/structure.js";
import { TinyNetwork } from "../models/tiny-network.js";
import { resolveArch } from "../space/index.js";

export interface NetworkEntry {
  arch: string;
  archIndex: number;
  channel: number;
  numCells: number;
  classNum: number;
  inputChannels: number;
  seed: number;
  hp: string;
}

const META_KEY = "aa_nas.networks";

/** Writes the network of one dataset key (atomically, as every save does). */
export function saveNetwork(path: string, key: string, net: TinyNetwork, entry: NetworkEntry): void {
  const tensors = new Map<string, Tensor>();
  for (const [name, t] of net.stateDict()) tensors.set(`${key}/${name}`, t);
  saveSafetensors(path, tensors, { [META_KEY]: JSON.stringify({ [key]: entry }), format: "aa-nas weights" });
}

/** Rebuilds the network of one dataset key (the only one when `key` is undefined) and loads its weights. */
export function loadNetwork(path: string, key: string | undefined): { net: TinyNetwork; key: string; entry: NetworkEntry } {
  const { tensors, metadata } = loadSafetensors(path);
  try {
    const { entries, prefixed } = describe(path, tensors, metadata);
    const keys = Object.keys(entries);
    const chosen = key ?? (keys.length === 1 ? keys[0]! : undefined);
    if (chosen === undefined || entries[chosen] === undefined) {
      throw new UserError(`${path} holds networks for ${listChoices(keys)}; choose one with --dataset${key === undefined ? "" : ` (not '${key}')`}`);
    }
    const entry = entries[chosen];
    const net = new TinyNetwork(tinyNetwork(entry.channel, entry.numCells, entry.arch, entry.classNum, entry.inputChannels));
    const prefix = prefixed ? `${chosen}/` : "";
    const state = new Map<string, Tensor>();
    for (const [name, t] of tensors) if (name.startsWith(prefix)) state.set(name.slice(prefix.length), t);
    net.loadStateDict(state);
    return { net, key: chosen, entry };
  } finally {
    for (const t of tensors.values()) t.dispose();
  }
}

/**
 * The networks a file holds. Files of older `train --save-weights` runs carry one unprefixed state dict with
 * `arch`/`dataset`/`seed`/`hp` metadata; their network size is read off the tensor shapes (stem conv [C, planes, 3, 3],
 * classifier [classes, 4C], the first reduction cell at index N).
 */
function describe(path: string, tensors: ReadonlyMap<string, Tensor>, metadata: Record<string, string>): { entries: Record<string, NetworkEntry>; prefixed: boolean } {
  const raw = metadata[META_KEY];
  if (raw !== undefined) return { entries: JSON.parse(raw) as Record<string, NetworkEntry>, prefixed: true };
  const { arch, dataset, seed, hp } = metadata;
  const stem = tensors.get("stem.0.weight")?.shape;
  const classifier = tensors.get("classifier.weight")?.shape;
  // the first reduction cell (a ResNet block, the only cells with a `downsample`) is cell N; a cell of parameter-free
  // operations has no tensors, so counting cells would not do
  const reductions = [...tensors.keys()].flatMap((n) => /^cells\.(\d+)\.downsample\./.exec(n)?.[1] ?? []).map(Number);
  if (arch === undefined || dataset === undefined || stem === undefined || classifier === undefined || reductions.length === 0) {
    throw new UserError(`${path} is not an aa-nas weights file (no ${META_KEY} metadata); eval-net reads the .safetensors files that train, train-net and sweep workers write`);
  }
  const entry: NetworkEntry = {
    arch,
    archIndex: resolveArch(arch).index,
    channel: stem[0]!,
    numCells: Math.min(...reductions),
    classNum: classifier[0]!,
    inputChannels: stem[1]!,
    seed: Number(seed),
    hp: hp ?? "",
  };
  return { entries: { [dataset]: entry }, prefixed: false };
}
