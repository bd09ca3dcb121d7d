/**
 * `tollgate test [paths…] [--format human|json|github|junit]`: compiles the policy
 * (with its `tests:` and any `*.policy-test.yaml` files) and reports each policy test
 * as PASS or FAIL, with the reason and the test's file:line:col (`junit`: JUnit XML on
 * stdout, for CI test reports). Other diagnostics are printed as `check` prints them.
 * Exit 0 when every test passes and the policy has no errors, 1 otherwise, 2 on usage
 * errors. Paths default to the current directory.
 */
import { diagnosticCodes } from "../diagnostics/codes.js";
import { countDiagnostics } from "../diagnostics/diagnostic.js";
import { renderDiagnostics } from "../diagnostics/render.js";
import type { PolicyTestResult } from "../policy-tests/policy-test-case.js";
import { formatLocation } from "../sourcemap/plan-source-map.js";
import { renderJunit } from "../policy-tests/render-junit.js";
import { colorOnStderr, usage } from "./plan-input.js";
import { EXIT, runCompiler } from "./run-compiler.js";

const TEST_FAILED = diagnosticCodes["test-failed"].code;

/** Runs `tollgate test`; returns the exit code. */
export async function testCommand(paths: string[], opts: { format: string; include?: string[] }): Promise<number> {
  const junit = opts.format === "junit";
  if (!["human", "json", "github", "junit"].includes(opts.format)) return usage("test", `unknown --format \`${opts.format}\`; use human, json, github or junit`);
  const run = await runCompiler("test", paths.length > 0 ? paths : ["."], junit ? "human" : opts.format, opts.include === undefined ? {} : { include: opts.include });
  if (typeof run === "number") return run;
  const { diagnostics, tests } = run.result;
  const { errors } = countDiagnostics(diagnostics);
  const passed = tests.filter((t) => t.decision !== null && t.failures.length === 0).length;

  if (junit) {
    process.stdout.write(
      renderJunit(
        tests,
        diagnostics.filter((d) => d.severity === "error" && d.code !== TEST_FAILED),
      ),
    );
    const others = diagnostics.filter((d) => d.code !== TEST_FAILED);
    if (others.length > 0) process.stderr.write(renderDiagnostics(others, { format: "human", color: colorOnStderr(), sources: run.sources }));
  } else if (run.format === "json") {
    const results = tests.map((t) => ({ name: t.name, at: formatLocation(t.at), passed: t.decision !== null && t.failures.length === 0, failures: t.failures }));
    process.stdout.write(JSON.stringify({ tests: results, passed, failed: tests.length - passed, diagnostics }, null, 2) + "\n");
  } else if (run.format === "github") {
    if (diagnostics.length > 0) process.stdout.write(renderDiagnostics(diagnostics, { format: "github" }));
    process.stdout.write(summary(tests.length, passed) + "\n");
  } else {
    // Test failures are listed below with their reasons; other findings print as `check` prints them.
    const others = diagnostics.filter((d) => d.code !== TEST_FAILED);
    if (others.length > 0) process.stderr.write(renderDiagnostics(others, { format: "human", color: colorOnStderr(), sources: run.sources }));
    process.stdout.write(renderResults(tests, errors > 0 && tests.length === 0));
  }
  return errors === 0 && passed === tests.length ? EXIT.ok : EXIT.failed;
}

/** One line per test, reasons under failures, then the summary. */
function renderResults(tests: readonly PolicyTestResult[], blocked: boolean): string {
  if (blocked) return "tests did not run: the policy has errors\n";
  if (tests.length === 0) return "no policy tests found (add `tests:` to a policy, or a *.policy-test.yaml file)\n";
  const width = Math.max(...tests.map((t) => t.name.length));
  const lines: string[] = [];
  let passed = 0;
  for (const t of tests) {
    const ok = t.decision !== null && t.failures.length === 0;
    if (ok) passed++;
    lines.push(`${ok ? "PASS" : "FAIL"}  ${t.name.padEnd(width)}  ${formatLocation(t.at)}`);
    for (const f of t.failures) lines.push(`      ${f.field}: ${f.reason}`);
    if (t.decision === null) lines.push("      did not run: it names something the policy does not define (see above)");
  }
  return [...lines, "", summary(tests.length, passed)].join("\n") + "\n";
}

function summary(total: number, passed: number): string {
  return `${total} ${total === 1 ? "test" : "tests"}: ${passed} passed, ${total - passed} failed`;
}
