// Prints the plain closing line "tests: N passed, N failed, N skipped" that CI reads, whatever the default reporter
// shows, with the reason of every skip above it. A test that never ran because its module failed to load or a hook of
// its suite threw counts as failed, not skipped: such a run must never look green.
import type { Reporter, TestCase, TestModule, TestSuite } from "vitest/node";

/** Whether a hook of this suite (or, for a module, its import or a top-level hook) threw. */
function ownErrors(s: TestSuite | TestModule): boolean {
  return s.errors().length > 0;
}

function underBrokenSuite(t: TestCase): boolean {
  for (let p: TestSuite | TestModule = t.parent; ; p = p.parent) {
    if (ownErrors(p)) return true;
    if (p.type === "module") return false;
  }
}

export interface RunCounts {
  passed: number;
  failed: number;
  skipped: number;
  /** "<file> > <test>: <reason>" for every skipped test */
  skips: string[];
}

export function countRun(modules: ReadonlyArray<TestModule>, unhandledErrors: number): RunCounts {
  const counts: RunCounts = { passed: 0, failed: unhandledErrors, skipped: 0, skips: [] };
  for (const mod of modules) {
    let failedHere = 0;
    for (const t of mod.children.allTests()) {
      const r = t.result();
      if (r.state === "passed") counts.passed++;
      else if (r.state === "failed" || underBrokenSuite(t)) failedHere++;
      else {
        counts.skipped++;
        const note = r.state === "skipped" && r.note !== undefined ? r.note : `not run (${t.options.mode === "todo" ? "todo" : "skipped without a reason"})`;
        counts.skips.push(`${mod.relativeModuleId} > ${t.fullName}: ${note}`);
      }
    }
    // a module that failed with no failed test of its own (import error, or a suite with no tests whose hook threw)
    const broken = ownErrors(mod) || [...mod.children.allSuites()].some(ownErrors) || mod.state() === "failed";
    if (broken && failedHere === 0) failedHere = 1;
    counts.failed += failedHere;
  }
  return counts;
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    const c = countRun(modules, unhandledErrors.length);
    const skips = c.skips.map((s) => `skipped: ${s}\n`).join("");
    process.stdout.write(`\n${skips}tests: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped\n`);
  }
}
