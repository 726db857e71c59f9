/**
 * Final weights of trained networks: a safetensors file holding each dataset key's network under
 * `<dataset key>/<state-dict name>`, plus `aa_nas.networks` metadata (arch, channel, cells, classes, input planes per
 * key) so `eval-net` can rebuild the network. Every training command writes one file per (arch, seed, dataset key),
 * named by `weightsFileName` next to the record; older train-net files held every key of a seed and still load.
 * PyTorch reads it with `safetensors.torch.load_file`; strip the prefix to get a TinyNetwork state dict.
 */
import { loadSafetensors, saveSafetensors, type Tensor } from "../tensor/index.js";
import { UserError, listChoices, showInput } from "@aa-nas/core/errors.js";
import { checkNetworkSize, checkNetworkValues, describeSize, stateEntries, type TinyNetworkSpec } from "../models/structure.js";
import { SPACE_NAMES, type SpaceName } from "@aa-nas/core/space/index.js";
import { resolveSpaceArch, spaceNetworkSpec } from "../models/space-network.js";
import { TinyNetwork } from "../models/tiny-network.js";

export interface NetworkEntry {
  arch: string;
  archIndex: number;
  /** the search space of `arch`; files written before sss support have none (tss) */
  space?: SpaceName;
  channel: number;
  numCells: number;
  classNum: number;
  inputChannels: number;
  seed: number;
  hp: string;
}

const META_KEY = "aa_nas.networks";

/** Writes the network of one dataset key (atomically, as every save does), with a SHA-256 of its tensor bytes. */
export function saveNetwork(path: string, key: string, net: TinyNetwork, entry: NetworkEntry): void {
  const tensors = new Map<string, Tensor>();
  for (const [name, t] of net.stateDict()) tensors.set(`${key}/${name}`, t);
  saveSafetensors(path, tensors, { [META_KEY]: JSON.stringify({ [key]: entry }), format: "aa-nas weights" }, { checksum: true });
}

/** A weights file whose metadata does not describe a network this program can build. */
export class WeightsFileError extends UserError {}

export interface LoadedNetwork {
  net: TinyNetwork;
  key: string;
  entry: NetworkEntry;
  /** whether the tensor bytes were checked against the checksum the file carries (files before it carry none) */
  checksum: "verified" | "absent";
}

/** Rebuilds the network of one dataset key (the only one when `key` is undefined) and loads its weights. */
export function loadNetwork(path: string, key: string | undefined): LoadedNetwork {
  const { tensors, metadata, checksum } = loadSafetensors(path);
  try {
    const { entries, prefixed } = describe(path, tensors, metadata);
    const keys = Object.keys(entries);
    const chosen = key ?? (keys.length === 1 ? keys[0]! : undefined);
    if (chosen === undefined || !Object.hasOwn(entries, chosen)) {
      throw new WeightsFileError(
        `${showInput(path, 200)} holds networks for ${listChoices(keys.slice(0, 10).map((k) => showInput(k, 40)))}; choose one with --dataset${key === undefined ? "" : ` (not '${showInput(key, 40)}')`}`,
      );
    }
    const entry = checkEntry(path, chosen, entries[chosen]);
    const spec = spaceNetworkSpec(entry.space ?? "tss", entry.arch, entry.classNum, entry.inputChannels, entry);
    const prefix = prefixed ? `${chosen}/` : "";
    const state = new Map<string, Tensor>();
    for (const [name, t] of tensors) if (name.startsWith(prefix)) state.set(name.slice(prefix.length), t);
    // the file must hold every tensor of the network it describes, in its shape, before the network is built: what
    // is allocated then stays bounded by the file's own size, whatever sizes its metadata claims
    const where = `${showInput(path, 200)}: network '${showInput(chosen, 40)}'`;
    checkNetworkValues(spec, where);
    checkTensors(where, spec, state);
    const net = new TinyNetwork(spec);
    try {
      net.loadStateDict(state);
    } catch (err) {
      net.dispose();
      throw err;
    }
    return { net, key: chosen, entry, checksum };
  } finally {
    for (const t of tensors.values()) t.dispose();
  }
}

function checkTensors(where: string, spec: TinyNetworkSpec, state: ReadonlyMap<string, Tensor>): void {
  const expected = stateEntries(spec);
  const names = new Set(expected.map((e) => e.name));
  const missing = expected.filter((e) => !state.has(e.name)).map((e) => e.name);
  const unexpected = [...state.keys()].filter((n) => !names.has(n));
  const reshaped = expected.flatMap((e) => {
    const shape = state.get(e.name)?.shape;
    return shape === undefined || (shape.length === e.shape.length && shape.every((d, i) => d === e.shape[i]))
      ? []
      : [`${e.name} [${shape.join(", ")}] (expected [${e.shape.join(", ")}])`];
  });
  if (missing.length + unexpected.length + reshaped.length === 0) return;
  const list = (what: string, items: string[]): string[] =>
    items.length === 0 ? [] : [`${items.length} ${what} (${items.slice(0, 3).map((n) => showInput(n, 80)).join(", ")}${items.length > 3 ? ", …" : ""})`];
  throw new WeightsFileError(
    `${where}: its tensors do not fit the network its metadata describes (${describeSize(spec)}, ${spec.numClasses} classes, ${spec.inputChannels} planes): ` +
      [...list("missing", missing), ...list("unexpected", unexpected), ...list("of another shape", reshaped)].join("; "),
  );
}

/** The entry of `key` with every field checked: sizes within NETWORK_LIMITS (checked before anything is allocated). */
function checkEntry(path: string, key: string, raw: unknown): NetworkEntry {
  const where = `${showInput(path, 200)}: network '${showInput(key, 40)}'`;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new WeightsFileError(`${where} is ${raw === null ? "null" : typeof raw} in ${META_KEY}, expected an object`);
  const e = raw as Record<string, unknown>;
  if (typeof e.arch !== "string") throw new WeightsFileError(`${where} has no arch string`);
  if (e.space !== undefined && !(SPACE_NAMES as readonly unknown[]).includes(e.space)) {
    throw new WeightsFileError(`${where} has search space '${showInput(String(e.space), 40)}'; expected ${listChoices(SPACE_NAMES)}`);
  }
  const space = (e.space ?? "tss") as SpaceName;
  let arch: { index: number; arch: string };
  try {
    arch = resolveSpaceArch(space, e.arch);
  } catch {
    const example =
      space === "tss" ? "a NAS-Bench-201 cell (e.g. |nor_conv_3x3~0|+|nor_conv_3x3~0|none~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|)" : "a size-space config (e.g. 8:16:24:32:40)";
    throw new WeightsFileError(`${where} has arch '${showInput(e.arch, 80)}', not ${example}`);
  }
  checkNetworkSize(e, where);
  return {
    arch: arch.arch,
    archIndex: arch.index,
    ...(space === "tss" ? {} : { space }),
    channel: e.channel as number,
    numCells: e.numCells as number,
    classNum: e.classNum as number,
    inputChannels: e.inputChannels as number,
    seed: typeof e.seed === "number" ? e.seed : NaN,
    hp: typeof e.hp === "string" ? e.hp : "",
  };
}

/**
 * The networks a file holds. Files of older `train --save-weights` runs carry one unprefixed state dict with
 * `arch`/`dataset`/`seed`/`hp` metadata; their network size is read off the tensor shapes (stem conv [C, planes, 3, 3],
 * classifier [classes, 4C], the first reduction cell at index N).
 */
function describe(path: string, tensors: ReadonlyMap<string, Tensor>, metadata: Record<string, string>): { entries: Record<string, unknown>; prefixed: boolean } {
  const raw = metadata[META_KEY];
  if (raw !== undefined) {
    let entries: unknown;
    try {
      entries = JSON.parse(raw);
    } catch {
      throw new WeightsFileError(`${showInput(path, 200)}: its ${META_KEY} metadata is not JSON (starts '${showInput(raw, 40)}')`);
    }
    if (typeof entries !== "object" || entries === null || Array.isArray(entries)) {
      throw new WeightsFileError(`${showInput(path, 200)}: its ${META_KEY} metadata is not an object of networks by dataset key`);
    }
    return { entries: entries as Record<string, unknown>, prefixed: true };
  }
  const { arch, dataset, seed, hp } = metadata;
  const stem = tensors.get("stem.0.weight")?.shape;
  const classifier = tensors.get("classifier.weight")?.shape;
  // the first reduction cell (a ResNet block, the only cells with a `downsample`) is cell N; a cell of parameter-free
  // operations has no tensors, so counting cells would not do
  const reductions = [...tensors.keys()].flatMap((n) => /^cells\.(\d+)\.downsample\./.exec(n)?.[1] ?? []).map(Number);
  if (arch === undefined || dataset === undefined || stem === undefined || classifier === undefined || reductions.length === 0) {
    throw new WeightsFileError(`${showInput(path, 200)} is not an aa-nas weights file (no ${META_KEY} metadata); eval-net reads the .safetensors files that train, train-net and sweep workers write`);
  }
  const entry = {
    arch,
    channel: stem[0]!,
    numCells: Math.min(...reductions),
    classNum: classifier[0]!,
    inputChannels: stem[1]!,
    seed: Number(seed),
    hp: hp ?? "",
  };
  return { entries: { [dataset]: entry }, prefixed: false };
}
