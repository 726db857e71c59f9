/**
 * Final weights of a train-net run: one safetensors file per seed holding every dataset key's network under
 * `<dataset key>/<state-dict name>`, plus `aa_nas.networks` metadata (arch, channel, cells, classes, input planes per key)
 * so `eval-net` can rebuild the network. PyTorch reads it with `safetensors.torch.load_file`; strip the prefix to get
 * a TinyNetwork state dict.
 */
import { loadSafetensors, saveSafetensors, type Tensor } from "../engine/index.js";
import { UserError, listChoices } from "../errors.js";
import { tinyNetwork } from "../models/structure.js";
import { TinyNetwork } from "../models/tiny-network.js";

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

export function saveNetworks(path: string, nets: ReadonlyMap<string, { net: TinyNetwork; entry: NetworkEntry }>): void {
  const tensors = new Map<string, Tensor>();
  const meta: Record<string, NetworkEntry> = {};
  for (const [key, { net, entry }] of nets) {
    for (const [name, t] of net.stateDict()) tensors.set(`${key}/${name}`, t);
    meta[key] = entry;
  }
  saveSafetensors(path, tensors, { [META_KEY]: JSON.stringify(meta), format: "aa-nas train-net weights" });
}

export function networkKeys(path: string): Record<string, NetworkEntry> {
  const { metadata } = loadSafetensors(path);
  const raw = metadata[META_KEY];
  if (raw === undefined) throw new UserError(`${path} is not an aa-nas train-net weights file (no ${META_KEY} metadata)`);
  return JSON.parse(raw) as Record<string, NetworkEntry>;
}

/** Rebuilds the network of one dataset key and loads its weights. */
export function loadNetwork(path: string, key: string | undefined): { net: TinyNetwork; key: string; entry: NetworkEntry } {
  const { tensors, metadata } = loadSafetensors(path);
  const raw = metadata[META_KEY];
  if (raw === undefined) throw new UserError(`${path} is not an aa-nas train-net weights file (no ${META_KEY} metadata)`);
  const entries = JSON.parse(raw) as Record<string, NetworkEntry>;
  const keys = Object.keys(entries);
  const chosen = key ?? (keys.length === 1 ? keys[0]! : undefined);
  if (chosen === undefined || entries[chosen] === undefined) {
    throw new UserError(`${path} holds networks for ${listChoices(keys)}; choose one with --dataset${key === undefined ? "" : ` (not '${key}')`}`);
  }
  const entry = entries[chosen];
  const net = new TinyNetwork(tinyNetwork(entry.channel, entry.numCells, entry.arch, entry.classNum, entry.inputChannels));
  const state = new Map<string, Tensor>();
  const prefix = `${chosen}/`;
  for (const [name, t] of tensors) if (name.startsWith(prefix)) state.set(name.slice(prefix.length), t);
  net.loadStateDict(state);
  for (const t of tensors.values()) t.dispose();
  return { net, key: chosen, entry };
}
