/**
 * The most bytes each input of an import can legitimately hold, derived from the benchmark: decompressing or reading
 * beyond them is a FormatError naming the file, so a crafted few-KB file cannot exhaust memory.
 *
 * One arch's NATS-Bench file holds ≤ 2 hps × 4 datasets × 3 seeds = 24 runs of ≤ 200 epochs; a run's pickled metrics
 * (13 dicts of ≤ 200 entries) are under 100 KB, and the real `simple` files decompress to 326 KB. 64 MiB leaves room
 * for the larger `full` variant while bounding memory. The meta file lists 15,625 arch strings (≤ 100 bytes each;
 * 1.4 MB real). A NAS-Bench-201 per-arch `-FULL.pth` may carry network weights (≤ 24 nets of ≤ 1.6 M float32
 * parameters ≈ 160 MB), so its limit is larger.
 */
import type { DecompressLimit } from "../../formats/bzip2.js";

const MiB = 1 << 20;

export const NATS_ARCH_FILE_LIMIT: DecompressLimit = { bytes: 64 * MiB, what: "one arch's NATS-Bench results file" };
export const NATS_META_LIMIT: DecompressLimit = { bytes: 32 * MiB, what: "the NATS-Bench meta file" };
export const NB201_ARCH_FILE_LIMIT: DecompressLimit = { bytes: 256 * MiB, what: "one arch's NAS-Bench-201 -FULL.pth file" };

/**
 * Largest string or bytes object in a benchmark pickle (arch strings, dataset names; storages are out of band). A
 * length field claiming more is corruption, so a streamed multi-GB file cannot make the reader buffer a gigabyte.
 */
export const MAX_PICKLE_ITEM_BYTES = 16 * MiB;
