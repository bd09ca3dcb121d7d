/**
 * Pass: collect-tests. Gathers the `tests` of every document into `ctx.sidecar` (never
 * into the IR that becomes the plan), and reports tests that are malformed beyond
 * what the schema can say: a name used twice, `consumer` and `key` together, nothing
 * expected, a rejection expected together with a route. A `*.policy-test.yaml` file
 * may hold only tests. Returns its input unchanged.
 */
import type { CompileContext } from "../context.js";
import { child } from "../context.js";
import type { Origin, ShapedDocument } from "../ir.js";
import type { PolicyTestCase } from "./policy-test-case.js";

/** Files that hold only policy tests. */
export const POLICY_TEST_FILE = /\.policy-test\.ya?ml$/i;

/** Collects and checks the policy tests. */
export function collectTests(docs: readonly ShapedDocument[], ctx: CompileContext): readonly ShapedDocument[] {
  const cases: PolicyTestCase[] = [];
  for (const { source, policy } of docs) {
    const root: Origin = { doc: source, path: [] };
    if (POLICY_TEST_FILE.test(source.file)) {
      for (const field of Object.keys(policy)) {
        if (field !== "apiVersion" && field !== "tests") ctx.report("test-file-content", { field }, child(root, field), { part: "key" });
      }
    }
    policy.tests?.forEach((test, i) => cases.push({ test, at: child(root, "tests", i) }));
  }

  const firstAt = new Map<string, Origin>();
  for (const { test, at } of cases) {
    const first = firstAt.get(test.name);
    if (first === undefined) firstAt.set(test.name, at);
    else {
      ctx.report("test-duplicate-name", { test: test.name }, child(at, "name"), {
        related: [{ at: child(first, "name"), message: `test \`${test.name}\` is first defined here` }],
      });
    }
    if (test.given.consumer !== undefined && test.given.key !== undefined) ctx.report("test-key-and-consumer", { test: test.name }, child(at, "given", "key"), { part: "key" });
    const { route, model, target, reject } = test.expect;
    if (route === undefined && model === undefined && target === undefined && reject === undefined) {
      ctx.report("test-expects-nothing", { test: test.name }, child(at, "expect"), { part: "key" });
    }
    if (reject !== undefined) {
      for (const field of ["route", "model", "target"] as const) {
        if (test.expect[field] !== undefined) ctx.report("test-reject-and-route", { test: test.name, field }, child(at, "expect", field), { part: "key" });
      }
    }
  }
  ctx.sidecar.tests = cases;
  return docs;
}
