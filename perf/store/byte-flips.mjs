// Byte flips inside the pickled floats of real NATS records (pickle still accepts every one of them): how many are
// refused by the range checks, and how many pass with a changed but possible value. Prints a markdown table.
// Usage: npm run build && node perf/store/byte-flips.mjs [cases=600] [seed=1] [sampleDir]
import { Buffer } from "node:buffer";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { bunzip2 } from "../../packages/core/dist/formats/bzip2.js";
import { unpickle } from "../../packages/core/dist/formats/pickle.js";
import { archEntryToRecords } from "../../packages/core/dist/bench/import/arch-results.js";
import { InvalidRecordError } from "../../packages/core/dist/bench/errors.js";
import { FormatError } from "../../packages/core/dist/formats/errors.js";

const cases = Number(process.argv[2] ?? 600);
let seed = Number(process.argv[3] ?? 1);
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const dir = resolve(process.argv[4] ?? join(repoRoot, "test", "fixtures", "reference", "nats-tss-v1_0-3ffb9-simple-sample"));
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed / 2 ** 31);

const files = ["000000", "000011", "000284"].map((name) => {
  const raw = Buffer.from(bunzip2(new Uint8Array(readFileSync(join(dir, `${name}.pickle.pbz2`)))));
  const floats = [];
  // BINFLOAT opcodes: 'G' + 8 bytes; a candidate is kept only if the untouched file decodes (checked below per case)
  for (let i = 0; i + 9 <= raw.length; i++) if (raw[i] === 0x47) floats.push(i);
  return { name, index: Number(name), raw, floats };
});

const out = { refused: 0, format: 0, accepted: 0, crashed: 0, skipped: 0 };
const byField = new Map();
for (let c = 0; c < cases; c++) {
  const f = files[c % files.length];
  const at = f.floats[Math.floor(rand() * f.floats.length)];
  const byte = Math.floor(rand() * 8);
  const bit = 1 << Math.floor(rand() * 8);
  const buf = Buffer.from(f.raw);
  const before = buf.readDoubleBE(at + 1);
  buf[at + 1 + byte] ^= bit;
  const after = buf.readDoubleBE(at + 1);
  if (!Number.isFinite(before)) {
    out.skipped++;
    continue;
  }
  try {
    archEntryToRecords(unpickle(buf, { label: f.name }), { label: f.name, source: "flip", timesEstimated: true }, (k) => k, f.index);
    out.accepted++;
  } catch (e) {
    if (e instanceof InvalidRecordError) {
      out.refused++;
      const field = /: (\S+?)\[\d+\] is /.exec(e.message)?.[1] ?? "other";
      byField.set(field, (byField.get(field) ?? 0) + 1);
    } else if (e instanceof FormatError) out.format++;
    else {
      out.crashed++;
      console.error(`crash at ${f.name}+${at} byte ${byte}: ${before} → ${after}: ${e.stack}`);
    }
  }
}
console.log(`| flips | refused by range checks | FormatError | accepted (value changed but possible) | crashed |`);
console.log(`|---|---|---|---|---|`);
console.log(`| ${cases - out.skipped} | ${out.refused} | ${out.format} | ${out.accepted} | ${out.crashed} |`);
console.log(`\nrefused by field: ${[...byField].map(([k, v]) => `${k} ${v}`).join(", ")}`);
process.exitCode = out.crashed > 0 ? 1 : 0;
