/**
 * BLOB encodings of the store (docs/format.md):
 * - float curve: IEEE-754 float64 little-endian, one value per element; a curve whose elements are all bitwise equal
 *   may be stored as ONE value (8 bytes) and is then that value repeated to the expected length.
 *   A zero-length BLOB where values are expected (n > 0) means the source did not record this metric.
 * - epoch list: int32 little-endian ascending; a zero-length BLOB means "every epoch 0..n-1".
 */

export function encodeFloats(values: ArrayLike<number>, allowConstant = true): Buffer {
  const n = values.length;
  if (allowConstant && n > 1 && isConstant(values)) {
    const one = Buffer.allocUnsafe(8);
    one.writeDoubleLE(values[0]!, 0);
    return one;
  }
  const buf = Buffer.allocUnsafe(8 * n);
  for (let i = 0; i < n; i++) buf.writeDoubleLE(values[i]!, 8 * i);
  return buf;
}

function isConstant(values: ArrayLike<number>): boolean {
  const first = values[0]!;
  for (let i = 1; i < values.length; i++) if (!Object.is(values[i], first)) return false;
  return true;
}

/** Decodes a float curve of `expected` elements (expands the one-value constant form). Null when the BLOB is malformed. */
export function decodeFloats(blob: Uint8Array, expected: number): Float64Array | null {
  if (blob.length === 8 * expected) {
    // better-sqlite3 returns Buffers that may share a pool: copy into an aligned array.
    const out = new Float64Array(expected);
    new Uint8Array(out.buffer).set(blob);
    return out;
  }
  if (blob.length === 8 && expected > 1) {
    const v = new DataView(blob.buffer, blob.byteOffset, 8).getFloat64(0, true);
    return new Float64Array(expected).fill(v);
  }
  return null;
}

/** Decodes a float list whose length is implied by the BLOB itself (latency). */
export function decodeFloatList(blob: Uint8Array): Float64Array | null {
  if (blob.length % 8 !== 0) return null;
  return decodeFloats(blob, blob.length / 8);
}

export function encodeEpochs(epochs: readonly number[], dense: boolean): Buffer {
  if (dense) return Buffer.alloc(0);
  const buf = Buffer.allocUnsafe(4 * epochs.length);
  for (let i = 0; i < epochs.length; i++) buf.writeInt32LE(epochs[i]!, 4 * i);
  return buf;
}

/** Null epoch list = dense (every epoch 0..n-1). Returns undefined when malformed. */
export function decodeEpochs(blob: Uint8Array): Int32Array | null | undefined {
  if (blob.length === 0) return null;
  if (blob.length % 4 !== 0) return undefined;
  const out = new Int32Array(blob.length / 4);
  new Uint8Array(out.buffer).set(blob);
  return out;
}
