// Loader hooks for register.mjs (they run on the loader thread, so they write the log themselves).
import { appendFileSync } from "node:fs";

let out = "";

export function initialize(data) {
  out = data.out;
}

export async function load(url, context, nextLoad) {
  appendFileSync(out, `${url}\n`);
  return nextLoad(url, context);
}
