/**
 * The plan format version. The runtime refuses a plan whose `planVersion` differs:
 * a plan is the only contract between compiler and runtime, so any change to its
 * shape or meaning bumps this number. Imports nothing, so the runtime may import it.
 */
export const PLAN_VERSION = 2 as const;

/** Why a plan cannot be served by this runtime, or null when it can. */
export function planVersionProblem(planVersion: unknown): string | null {
  if (planVersion === PLAN_VERSION) return null;
  return `plan has planVersion ${JSON.stringify(planVersion)} but this runtime serves planVersion ${PLAN_VERSION}; recompile the policy with a matching tollgate`;
}
