// npm links a workspace package's bin only when it exists at install time; the CLI's main.js is built later, so this
// makes `npx aa-nas` work inside a clone after `npm run build`.
import { chmodSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const target = join(root, "packages", "cli", "dist", "main.js");
const link = join(root, "node_modules", ".bin", "aa-nas");
mkdirSync(dirname(link), { recursive: true });
rmSync(link, { force: true });
symlinkSync(relative(dirname(link), target), link);
chmodSync(target, 0o755);
