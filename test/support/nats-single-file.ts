/**
 * The single-file NATS-Bench layout (`NATS-{tss,sss}-v1_0-*.pickle.pbz2`: meta_archs, total_archs, arch2infos,
 * evaluated_indexes), written by CPython from a sample directory's meta and arch files, so importers meet the real
 * pickler's output (protocol 4, bz2, shared memo across archs).
 */
import { spawnSync } from "node:child_process";
import { PYTHON, requireSystem } from "./system.js";

const SCRIPT = `
import bz2, pickle, sys
d, out, total = sys.argv[1], sys.argv[2], int(sys.argv[3])
meta = pickle.loads(bz2.decompress(open(d + '/meta.pickle.pbz2', 'rb').read()))
infos = {i: pickle.loads(bz2.decompress(open(d + '/%06d.pickle.pbz2' % i, 'rb').read())) for i in (0, 11, 284)}
obj = {'meta_archs': meta['meta_archs'], 'total_archs': total, 'arch2infos': infos, 'evaluated_indexes': set(infos)}
with bz2.BZ2File(out, 'wb') as f:
    pickle.dump(obj, f, protocol=4)`;

/** Writes `out` from the sample directory `sampleDir` (archs 0, 11, 284); `totalArchs` is the space's size. */
export function writeNatsSingleFile(sampleDir: string, out: string, totalArchs: number): void {
  requireSystem("numpy");
  const r = spawnSync(PYTHON, ["-c", SCRIPT, sampleDir, out, String(totalArchs)], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`writing the single NATS file failed: ${r.stderr}`);
}
