/**
 * A 2xx non-streamed OpenAI-compatible body: already canonical, so it is relayed as
 * is. Only its `usage` object is parsed (found by key, not by parsing the body), and
 * the generated characters counted. Some servers (OpenRouter) answer 200 with an
 * `{"error":…}` body: that is returned as the error it is.
 */
import type { DecodedResponse } from "../adapter.js";
import type { ProviderError } from "../../canonical/provider-error.js";
import { classifyEmbeddedError } from "./errors.js";
import { newJsonFacts, scanJson } from "./json-scan.js";
import { usageAt } from "./usage.js";

/** Implements {@link ChatAdapter.decodeChatResponse} for OpenAI-compatible upstreams. */
export function decodeOpenAIResponse(body: Buffer): DecodedResponse | ProviderError {
  let first = 0;
  while (first < body.length && body[first] !== 0x7b) first++;
  if (body[first + 1] === 0x22 && body[first + 2] === 0x65 && body.toString("latin1", first + 1, first + 8) === '"error"') {
    const error = classifyEmbeddedError(body);
    if (error !== null) return error;
  }
  const facts = scanJson(body, first, body.length, newJsonFacts());
  return { body, usage: facts.usageAt === -1 ? null : usageAt(body, facts.usageAt, body.length), outputChars: facts.chars };
}
