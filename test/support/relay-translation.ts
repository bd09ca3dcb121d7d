/** Helpers for adapters' relay translation tests: the translation or its answer, failing the test on a refusal. */
import type { RelayAnswer, RelayTranslation } from "../../runtime/adapters/adapter.js";
import type { ProviderError } from "../../runtime/canonical/provider-error.js";
import { isProviderError } from "../../runtime/canonical/provider-error.js";

/** The translation, or a thrown error naming the refusal. */
export function okTranslation(t: RelayTranslation | ProviderError): RelayTranslation {
  if (isProviderError(t)) throw new Error(t.message);
  return t;
}

/** The OpenAI answer for the upstream's answers (one JSON value per call), or a thrown error naming why it could not be read. */
export function answerOf(t: RelayTranslation, ...upstream: unknown[]): RelayAnswer {
  const a = t.answer(upstream.map((u) => Buffer.from(JSON.stringify(u))));
  if (isProviderError(a)) throw new Error(a.message);
  return a;
}
