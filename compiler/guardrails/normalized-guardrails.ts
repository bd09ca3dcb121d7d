/** The IR of guardrails between apply-defaults and lower (types only). */
import type { GuardrailSet } from "../../schemas/policy/guardrail.js";
import type { Origin } from "../ir.js";

export interface NormalizedGuardrailSet {
  readonly name: string;
  readonly at: Origin;
  readonly value: GuardrailSet;
  /** Provider index of the moderation check, or null (none, or an unknown provider already reported). */
  readonly moderationProvider: number | null;
  readonly moderationTimeoutMs: number;
  /** The same for the output moderation check. */
  readonly outputModerationProvider: number | null;
  readonly outputModerationTimeoutMs: number;
}

export interface NormalizedGuardrails {
  readonly sets: readonly NormalizedGuardrailSet[];
  /** byRoute[i]: the sets attached to route i of `NormalizedPolicy.routes` (model's first, then the route's), each once. */
  readonly byRoute: readonly (readonly number[])[];
}
