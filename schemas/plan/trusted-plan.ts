/**
 * Plan JSON this process has already validated (read-plan.ts) and hands to its own
 * worker threads: parsed and version-checked, not validated again, so a worker never
 * loads the generated validator (~2 MB of source, kept by V8 once imported).
 */
import type { Plan } from "./plan.js";
import { PlanError } from "./plan-error.js";
import { planVersionProblem } from "./version.js";

/** Parses plan JSON that the main thread of this process produced from a validated plan. */
export function parseTrustedPlan(text: string, source = "plan"): Plan {
  const value = JSON.parse(text) as Record<string, unknown>;
  const versionProblem = planVersionProblem(value.planVersion);
  if (versionProblem) throw new PlanError(`${source}: ${versionProblem}`);
  return value as unknown as Plan;
}
