/**
 * Pass: run-tests. Runs every policy test against the finished plan, so a test checks
 * exactly what the runtime will execute. A test that names a consumer, route, model or
 * provider the policy does not have is a reference error (with a suggestion); a
 * broken expectation is an error at that `expect` field. Results go to
 * `ctx.sidecar.testResults` for `tollgate test`; the plan passes through unchanged.
 */
import type { Plan } from "../../schemas/plan/plan.js";
import { type CompileContext, child } from "../context.js";
import { suggestName } from "../diagnostics/suggest.js";
import type { FinalPlan } from "../ir.js";
import { spanAt } from "../load/source-map.js";
import { evaluateTest } from "./evaluate-test.js";
import type { PolicyTestCase, PolicyTestResult } from "./policy-test-case.js";

/** Runs the collected tests. */
export function runTests(final: FinalPlan, ctx: CompileContext): FinalPlan {
  ctx.sidecar.testedPlan = final.plan;
  ctx.sidecar.testResults = ctx.sidecar.tests.map((testCase) => runOne(final.plan, testCase, ctx));
  return final;
}

function runOne(plan: Plan, { test, at }: PolicyTestCase, ctx: CompileContext): PolicyTestResult {
  const span = spanAt(at);
  const location = { file: span.file, line: span.line, col: span.col };
  if (!namesResolve(plan, { test, at }, ctx)) return { name: test.name, at: location, decision: null, failures: [] };
  const { decision, failures } = evaluateTest(plan, test);
  for (const failure of failures) {
    ctx.report("test-failed", { test: test.name, reason: failure.reason }, child(at, "expect", failure.field), {
      related: [{ at: child(at, "given"), message: "the request under test", part: "key" }],
    });
  }
  return { name: test.name, at: location, decision, failures };
}

/** Reports every name the test uses that the plan lacks; true when there is none. */
function namesResolve(plan: Plan, { test, at }: PolicyTestCase, ctx: CompileContext): boolean {
  const checks: { kind: string; noun: string; name: string | undefined; known: readonly string[]; path: readonly (string | number)[] }[] = [
    { kind: "consumer", noun: "consumers", name: test.given.consumer, known: plan.consumers.map((c) => c.name), path: ["given", "consumer"] },
    { kind: "route", noun: "routes", name: test.expect.route, known: plan.routing.routes.map((r) => r.name), path: ["expect", "route"] },
    { kind: "model", noun: "models", name: test.expect.model, known: plan.models.map((m) => m.name), path: ["expect", "model"] },
    {
      kind: "provider",
      noun: "providers",
      name: test.expect.target?.provider,
      known: plan.upstreams.map((u) => u.name),
      path: ["expect", "target", "provider"],
    },
  ];
  let ok = true;
  for (const { kind, noun, name, known, path } of checks) {
    if (name === undefined || known.includes(name)) continue;
    ok = false;
    ctx.report("test-unknown-name", { test: test.name, kind, name }, child(at, ...path), { suggestion: suggestName(name, known, noun) });
  }
  return ok;
}
