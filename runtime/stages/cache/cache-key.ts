/**
 * Cache keys. A key is the SHA-256 of the canonical JSON (sorted keys) of what decides
 * the answer: the public model and the request body without the fields that only
 * change delivery or bookkeeping (stream flags, end-user ids, metadata). Two requests
 * that differ only in key order or in those fields share an entry.
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "../../../schemas/plan/canonical.js";

/** Body fields that do not change the answer's content. */
const DELIVERY_FIELDS: ReadonlySet<string> = new Set([
  "stream",
  "stream_options",
  "user",
  "metadata",
  "store",
  "service_tier",
  "safety_identifier",
  "prompt_cache_key",
  "prompt_cache_retention",
]);

/** The body without delivery fields (a shallow copy). */
export function answerFields(body: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(body)) if (!DELIVERY_FIELDS.has(key)) out[key] = body[key];
  return out;
}

/** Hex SHA-256 of the scope, the model and the answer-deciding fields. */
export function exactKey(scope: string, model: string, body: Readonly<Record<string, unknown>>): string {
  const fields = answerFields(body);
  delete fields["model"];
  return createHash("sha256").update(scope).update("\0").update(model).update("\0").update(canonicalJson(fields)).digest("hex");
}

/** Whether the request's sampling `temperature` allows caching: absent counts as OpenAI's default, 1. */
export function temperatureAllows(temperature: number | undefined, max: number | null): boolean {
  return max === null || (temperature ?? 1) <= max;
}
