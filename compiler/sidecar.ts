/**
 * What a compilation produces besides the plan and its diagnostics, and must never
 * put into the plan: where each plan entry was written (for the source map) and the
 * policy tests with their results. Passes fill it through `ctx.sidecar`. Keeping it
 * out of the IR that flows into `lower` is what guarantees that tests and file
 * positions cannot change the plan's bytes.
 */
import type { Plan } from "../schemas/plan/plan.js";
import type { PolicyTestCase, PolicyTestResult } from "./policy-tests/policy-test-case.js";
import type { SourceFacts } from "./sourcemap/source-facts.js";

/** The side outputs of one compilation. */
export class Sidecar {
  /** Where the policy wrote each entry the plan will hold (set by record-sources). */
  sourceFacts: SourceFacts | null = null;
  /** The policy tests of every document (set by collect-tests). */
  tests: readonly PolicyTestCase[] = [];
  /** The outcome of each test against the finished plan (set by run-tests). */
  testResults: readonly PolicyTestResult[] = [];
  /** The finished plan the tests ran against (set by run-tests, also when a test fails). */
  testedPlan: Plan | null = null;
}
