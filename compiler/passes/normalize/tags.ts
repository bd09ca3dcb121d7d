/**
 * Tags and constraints. Tag values are compared as text, so `zdr: true` written as a
 * YAML boolean and `zdr: "true"` mean the same.
 */
import type { Constraint } from "../../../schemas/policy/constraint.js";
import type { Located, NormalizedConstraint, Tags } from "../../ir.js";

/** The policy's tag mapping as name → text. */
export function normalizeTags(tags: Readonly<Record<string, string | number | boolean>> | undefined): Tags {
  return new Map(Object.entries(tags ?? {}).map(([name, value]) => [name, String(value)]));
}

/** A constraint with its selectors as text tags. */
export function normalizeConstraint({ value, at }: Located<Constraint>): NormalizedConstraint {
  return { name: value.name, at, consumerTags: normalizeTags(value.consumers.tags), providerTags: normalizeTags(value.providers.tags) };
}
