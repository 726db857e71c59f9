/**
 * The size search space's architecture string, `"C1:C2:C3:C4:C5"` (spec nats-sss §1), read into the five widths the
 * network is built from. Kept to this one function so that the core space module's parser can replace it.
 */
import { showInput, UserError } from "@aa-nas/core/errors.js";

/** The widths each of the five positions takes (8..64 in steps of 8). */
export const SSS_CHANNEL_CANDIDATES: readonly number[] = [8, 16, 24, 32, 40, 48, 56, 64];
export const SSS_NUM_LAYERS = 5;

export class ChannelsStringError extends UserError {}

/** `"8:16:24:32:40"` → `[8, 16, 24, 32, 40]`; throws ChannelsStringError naming what was wrong and what is valid. */
export function parseChannels(text: string): number[] {
  const fields = text.split(":");
  const valid = `expected ${SSS_NUM_LAYERS} widths from ${SSS_CHANNEL_CANDIDATES.join(", ")} joined by ':' (e.g. 8:16:24:32:40)`;
  if (fields.length !== SSS_NUM_LAYERS) {
    throw new ChannelsStringError(`size-space arch '${showInput(text, 60)}' has ${fields.length} field(s): ${valid}`);
  }
  return fields.map((f, i) => {
    // decimal digits only, as the original writes them: no sign, spaces, padding or exponent
    const c = /^[1-9][0-9]{0,2}$/.test(f) ? Number(f) : NaN;
    if (!SSS_CHANNEL_CANDIDATES.includes(c)) {
      throw new ChannelsStringError(`size-space arch '${showInput(text, 60)}': position ${i + 1} is '${showInput(f, 20)}', not a width; ${valid}`);
    }
    return c;
  });
}

export const SSS_NUM_ARCHS = SSS_CHANNEL_CANDIDATES.length ** SSS_NUM_LAYERS; // 32,768

/** The benchmark index of a config: the original's nested-loop order, the last position varying fastest. */
export function sssIndexOf(channels: readonly number[]): number {
  return channels.reduce((index, c) => index * SSS_CHANNEL_CANDIDATES.length + SSS_CHANNEL_CANDIDATES.indexOf(c), 0);
}

/** The config string at a benchmark index 0..32767; throws ChannelsStringError otherwise. */
export function sssArchAt(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= SSS_NUM_ARCHS) {
    throw new ChannelsStringError(`size-space arch index ${index} is out of range: expected an integer 0..${SSS_NUM_ARCHS - 1}`);
  }
  const n = SSS_CHANNEL_CANDIDATES.length;
  return Array.from({ length: SSS_NUM_LAYERS }, (_, k) => SSS_CHANNEL_CANDIDATES[Math.floor(index / n ** (SSS_NUM_LAYERS - 1 - k)) % n]).join(":");
}
