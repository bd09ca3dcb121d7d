/**
 * A 2xx non-streamed OpenAI-compatible body: already canonical, so it is relayed as
 * is. Only its `usage` object is parsed (found by key, not by parsing the body), and
 * the generated characters counted. Some servers (OpenRouter) answer 200 with an
 * `{"error":…}` body: that is returned as the error it is.
 */
import type { DecodedResponse, ProviderError } from "../adapter.js";
import { classifyEmbeddedError } from "./errors.js";
import { generatedChars, usageOfBody } from "./usage.js";

const ERROR_KEY = Buffer.from('"error"');

/** Implements {@link ChatAdapter.decodeChatResponse} for OpenAI-compatible upstreams. */
export function decodeOpenAIResponse(body: Buffer): DecodedResponse | ProviderError {
  let first = 0;
  while (first < body.length && body[first] !== 0x7b) first++;
  if (body.indexOf(ERROR_KEY, first) === first + 1) {
    const error = classifyEmbeddedError(body);
    if (error !== null) return error;
  }
  return { body, usage: usageOfBody(body), outputChars: generatedChars(body, 0, body.length) };
}
