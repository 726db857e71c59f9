/**
 * What the tests need from the machine. scripts/system-deps.sh installs all of it (the README's first command runs it),
 * so a missing piece fails the tests that need it with a message naming the Debian package; it never skips them.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export const PYTHON = "/usr/bin/python3";
export const CHROMIUM = process.env.AA_NAS_CHROMIUM ?? "/usr/bin/chromium";

export type SystemNeed = "python3" | "numpy" | "torch" | "PIL" | "bzip2" | "chromium";

const PACKAGE: Readonly<Record<SystemNeed, string>> = {
  python3: "python3",
  numpy: "python3-numpy",
  torch: "python3-torch",
  PIL: "python3-pil",
  bzip2: "bzip2",
  chromium: "chromium",
};

function present(need: SystemNeed): boolean {
  switch (need) {
    case "python3":
      return existsSync(PYTHON);
    case "numpy":
    case "torch":
    case "PIL":
      return existsSync(PYTHON) && spawnSync(PYTHON, ["-c", `import ${need}`]).status === 0;
    case "bzip2":
      return spawnSync("bzip2", ["--help"]).status === 0;
    case "chromium":
      return existsSync(CHROMIUM);
  }
}

const checked = new Map<SystemNeed, boolean>();

/** Throws one clear error unless every need is installed. */
export function requireSystem(...needs: SystemNeed[]): void {
  for (const need of needs) {
    let ok = checked.get(need);
    if (ok === undefined) checked.set(need, (ok = present(need)));
    if (!ok) {
      throw new Error(`this test needs ${need} (Debian package ${PACKAGE[need]}), which is not installed: run scripts/system-deps.sh`);
    }
  }
}
