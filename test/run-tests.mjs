#!/usr/bin/env node
/**
 * The one test command (`npm test`): builds dist/ (CLI tests run the real binary),
 * runs every vitest suite, then runs the end-to-end, conformance and serving suites
 * again on Node 22 (the other supported LTS line: test/support/node22.mjs fetches a
 * pinned binary from the npm registry), and ends with one plain line
 * `N passed, N failed` (`, N skipped` when any), summed from vitest's JSON reports.
 * `npm test -- <paths or options>` runs only what it is given, on this Node.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { NODE22_SUITES, node22Binary } from "./support/node22.mjs";

mkdirSync(".tmp", { recursive: true });

const build = spawnSync("npm", ["run", "build", "--silent"], { stdio: "inherit" });
if (build.status !== 0) {
  console.log("0 passed, 1 failed");
  process.exit(1);
}

/** Runs vitest with `node` on `args`; returns its counts (a run that wrote no report counts as one failure). */
function vitest(node, report, args) {
  rmSync(report, { force: true });
  const run = spawnSync(node, ["node_modules/vitest/vitest.mjs", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...args], { stdio: "inherit" });
  try {
    const r = JSON.parse(readFileSync(report, "utf8"));
    const failed = r.numFailedTests + (r.numFailedTestSuites > 0 && r.numFailedTests === 0 ? r.numFailedTestSuites : 0);
    return { ok: run.status === 0 && failed === 0, passed: r.numPassedTests, failed, skipped: r.numPendingTests + r.numTodoTests };
  } catch {
    return { ok: false, passed: 0, failed: 1, skipped: 0 };
  }
}

const args = process.argv.slice(2);
const runs = [vitest(process.execPath, ".tmp/vitest-report.json", args)];

if (args.length === 0 && !process.versions.node.startsWith("22.")) {
  const node22 = node22Binary((line) => console.log(`npm test: ${line}`));
  if (typeof node22 === "string") {
    console.log(`\nnpm test: the end-to-end, conformance and serving suites again on Node 22 (${node22})\n`);
    const again = vitest(node22, ".tmp/vitest-report-node22.json", NODE22_SUITES);
    console.log(`Node 22: ${again.passed} passed, ${again.failed} failed`);
    runs.push(again);
  } else {
    console.log(`npm test: no Node 22 to run the suites on: ${node22.error}`);
    runs.push({ ok: false, passed: 0, failed: 1, skipped: 0 });
  }
}

const sum = (k) => runs.reduce((n, r) => n + r[k], 0);
const skipped = sum("skipped");
console.log(`${sum("passed")} passed, ${sum("failed")} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(runs.every((r) => r.ok) ? 0 : 1);
