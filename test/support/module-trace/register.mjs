// `node --import <this file> …` logs the URL of every ES module (and CommonJS module imported from one) that the
// process loads, one a line, to the file named by AA_NAS_MODULE_TRACE; structure tests use it to see what a CLI
// command pulls in. Requires CommonJS modules make among themselves are not seen (ESM loader hooks only).
import { register } from "node:module";

if (process.env.AA_NAS_MODULE_TRACE) {
  register("./hooks.mjs", import.meta.url, { data: { out: process.env.AA_NAS_MODULE_TRACE } });
}
