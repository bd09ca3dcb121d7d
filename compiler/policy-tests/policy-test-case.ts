/** A policy test as the compiler carries it, and its outcome. */
import type { PolicyTest } from "../../schemas/policy/policy-test.js";
import type { Decision } from "../decision/decide.js";
import type { Origin } from "../ir.js";
import type { SourceLocation } from "../sourcemap/plan-source-map.js";

/** A test with where it was written. */
export interface PolicyTestCase {
  readonly test: PolicyTest;
  readonly at: Origin;
}

/** One expectation that did not hold: which `expect` field, and why. */
export interface TestFailure {
  readonly field: "route" | "model" | "target" | "reject";
  readonly reason: string;
}

/** The outcome of one test. */
export interface PolicyTestResult {
  readonly name: string;
  readonly at: SourceLocation;
  /** Null when the test could not run (it names something the policy does not have). */
  readonly decision: Decision | null;
  readonly failures: readonly TestFailure[];
}
