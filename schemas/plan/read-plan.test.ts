import { describe, expect, it } from "vitest";
import { canonicalJson, planHash } from "./canonical.js";
import { parsePlan, PlanError } from "./read-plan.js";

function minimalPlan(): Record<string, unknown> {
  const plan: Record<string, unknown> = {
    planVersion: 2,
    compilerVersion: "0.0.0-test",
    hash: "",
    listener: { maxBodyBytes: 1024, maxJsonDepth: 8, requestTimeoutMs: 60000, shutdown: { graceMs: 0, deadlineMs: 0 }, metrics: false, admin: null, audit: null },
    upstreams: [],
    targets: [],
    models: [],
    routing: { routes: [], exact: {}, globs: [] },
    consumers: [],
    publicModels: [],
  };
  plan.hash = planHash(plan);
  return plan;
}

describe("parsePlan", () => {
  it("accepts a well-formed plan whose hash matches", () => {
    expect(parsePlan(canonicalJson(minimalPlan())).planVersion).toBe(2);
  });
  it("refuses an edited plan: the hash no longer matches", () => {
    const plan = minimalPlan();
    (plan.listener as { maxBodyBytes: number }).maxBodyBytes = 999_999;
    expect(() => parsePlan(JSON.stringify(plan), "p.json")).toThrow(/p\.json: hash mismatch.*recompile/);
  });
  it("refuses another plan version with the fix in the message", () => {
    const plan = { ...minimalPlan(), planVersion: 1 };
    expect(() => parsePlan(JSON.stringify(plan))).toThrow(/planVersion 1 .* serves planVersion 2/);
  });
  it("refuses a plan of the wrong shape, naming where", () => {
    const plan = minimalPlan();
    plan.upstreams = [{ name: "x" }];
    expect(() => parsePlan(JSON.stringify(plan))).toThrow(PlanError);
    expect(() => parsePlan(JSON.stringify(plan))).toThrow(/\/upstreams\/0/);
  });
  it("refuses text that is not JSON", () => {
    expect(() => parsePlan("{nope")).toThrow(/not valid JSON/);
  });
});
