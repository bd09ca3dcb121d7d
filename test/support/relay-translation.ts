/** Helpers for adapters' relay translation tests: the translation or its answer, failing the test on a refusal. */
import type { ProviderError, RelayAnswer, RelayTranslation } from "../../runtime/adapters/adapter.js";
import { isError } from "../../runtime/canonical/read-request.js";

/** The translation, or a thrown error naming the refusal. */
export function okTranslation(t: RelayTranslation | ProviderError): RelayTranslation {
  if (isError(t)) throw new Error(t.message);
  return t;
}

/** The OpenAI answer for the upstream's answers (one JSON value per call), or a thrown error naming why it could not be read. */
export function answerOf(t: RelayTranslation, ...upstream: unknown[]): RelayAnswer {
  const a = t.answer(upstream.map((u) => Buffer.from(JSON.stringify(u))));
  if (isError(a)) throw new Error(a.message);
  return a;
}
