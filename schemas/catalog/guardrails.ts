/**
 * Guardrail vocabulary shared by the authoring schema, the compiler and the runtime:
 * plain constants, no imports, so the runtime may import it.
 */

/**
 * The built-in PII detectors, in the order the runtime tries them at one position of
 * the text (the most specific first: a key with a known prefix before an e-mail, an
 * 18-digit resident ID before a card number). The compiler emits a route's detectors
 * in this order.
 */
export const PII_DETECTORS = ["credential", "email", "iban", "cn_id", "card", "us_ssn", "phone", "ip"] as const;
export type PiiDetectorId = (typeof PII_DETECTORS)[number];

/** What a guardrail does with a finding, from the least to the most severe. */
export const GUARDRAIL_ACTIONS = ["flag", "mask", "redact", "block"] as const;
export type GuardrailAction = (typeof GUARDRAIL_ACTIONS)[number];

/** The stricter of two actions (merging guardrail sets never weakens a check). */
export function stricterAction(a: GuardrailAction, b: GuardrailAction): GuardrailAction {
  return GUARDRAIL_ACTIONS.indexOf(a) >= GUARDRAIL_ACTIONS.indexOf(b) ? a : b;
}

/** Which side of the exchange a check looks at. */
export type GuardrailDirection = "input" | "output";
