/**
 * Policy test results as JUnit XML, the report CI systems show as a test tab (GitHub
 * Actions test reporters, GitLab, Jenkins, Azure Pipelines): one suite, one test case
 * per policy test (its `classname` the file, its `file` and `line` where it is
 * written), a `<failure>` per broken expectation, an `<error>` for a test that could
 * not run. When the policy has errors and no test ran, one errored case says so.
 */
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { PolicyTestResult } from "./policy-test-case.js";

/** XML text and attribute escaping (also of characters XML 1.0 does not allow). */
function xml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/** The JUnit report of a `tollgate test` run. */
export function renderJunit(tests: readonly PolicyTestResult[], errors: readonly Diagnostic[]): string {
  const cases: string[] = [];
  let failures = 0;
  let errored = 0;
  for (const t of tests) {
    const attrs = `name="${xml(t.name)}" classname="${xml(t.at.file)}" file="${xml(t.at.file)}" line="${t.at.line}"`;
    if (t.decision === null) {
      errored++;
      cases.push(
        `    <testcase ${attrs}>\n      <error message="it names something the policy does not define">${xml(`${t.at.file}:${t.at.line}:${t.at.col}`)}</error>\n    </testcase>`,
      );
    } else if (t.failures.length > 0) {
      failures++;
      const body = t.failures
        .map((f) => `      <failure message="${xml(f.reason)}" type="${xml(f.field)}">${xml(`${t.at.file}:${t.at.line}:${t.at.col}: ${f.field}: ${f.reason}`)}</failure>`)
        .join("\n");
      cases.push(`    <testcase ${attrs}>\n${body}\n    </testcase>`);
    } else cases.push(`    <testcase ${attrs}/>`);
  }
  if (tests.length === 0 && errors.length > 0) {
    errored++;
    const text = errors.map((d) => `${d.file}:${d.line}:${d.col}: ${d.code}: ${d.message}`).join("\n");
    cases.push(`    <testcase name="the policy compiles" classname="tollgate">\n      <error message="the policy has errors; no test ran">${xml(text)}</error>\n    </testcase>`);
  }
  const count = Math.max(tests.length, cases.length);
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="tollgate" tests="${count}" failures="${failures}" errors="${errored}">`,
    `  <testsuite name="policy tests" tests="${count}" failures="${failures}" errors="${errored}" skipped="0">`,
    ...cases,
    `  </testsuite>`,
    `</testsuites>`,
    "",
  ].join("\n");
}
