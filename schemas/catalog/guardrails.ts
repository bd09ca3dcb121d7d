/**
 * Guardrail vocabulary of the authoring schema and the compiler. The lists themselves
 * are plan constants (schemas/plan/constants.ts), shared with the runtime.
 */

import { GUARDRAIL_ACTIONS, type GuardrailAction } from "../plan/constants.js";

export { GUARDRAIL_ACTIONS, PII_DETECTORS, type GuardrailAction, type PiiDetectorId } from "../plan/constants.js";

/** The stricter of two actions (merging guardrail sets never weakens a check). */
export function stricterAction(a: GuardrailAction, b: GuardrailAction): GuardrailAction {
  return GUARDRAIL_ACTIONS.indexOf(a) >= GUARDRAIL_ACTIONS.indexOf(b) ? a : b;
}

/** Which side of the exchange a check looks at. */
export type GuardrailDirection = "input" | "output";
