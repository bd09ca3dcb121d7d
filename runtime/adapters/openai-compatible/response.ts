/**
 * A 2xx non-streamed OpenAI-compatible body: already canonical, so it is relayed as
 * is. Only its `usage` object is parsed (found by key, not by parsing the body), and
 * the generated characters counted. Some servers (OpenRouter) answer 200 with an
 * `{"error":…}` body: that is returned as the error it is; an empty or truncated 200
 * is a failure too (the next target is tried), never relayed as a success.
 */
import type { DecodedResponse } from "../adapter.js";
import type { ProviderError } from "../../canonical/provider-error.js";
import { classifyEmbeddedError } from "./errors.js";
import { newJsonFacts, scanJson } from "./json-scan.js";
import { usageAt } from "./usage.js";

/** A 200 whose body is no answer: empty, cut short, or JSON without `choices`. Falls back like a 5xx. */
function brokenAnswer(what: string): ProviderError {
  return { class: "server", status: 200, message: `the upstream answered 200 with ${what}`, code: null, retryAfterMs: null };
}

/** True when the body's last non-space byte closes an object (a body cut short does not). */
function closes(body: Buffer): boolean {
  let end = body.length - 1;
  while (end >= 0 && (body[end] === 0x20 || body[end] === 0x0a || body[end] === 0x0d || body[end] === 0x09)) end--;
  return end >= 0 && body[end] === 0x7d;
}

/** Implements {@link ChatAdapter.decodeChatResponse} for OpenAI-compatible upstreams. */
export function decodeOpenAIResponse(body: Buffer): DecodedResponse | ProviderError {
  let first = 0;
  while (first < body.length && body[first] !== 0x7b) first++;
  if (first === body.length) return brokenAnswer("an empty body");
  if (!closes(body)) return brokenAnswer("a body cut short");
  if (body[first + 1] === 0x22 && body[first + 2] === 0x65 && body.toString("latin1", first + 1, first + 8) === '"error"') {
    const error = classifyEmbeddedError(body);
    if (error !== null) return error;
  }
  const facts = scanJson(body, first, body.length, newJsonFacts());
  if (!facts.choices) return brokenAnswer("JSON that is not a chat completion (no `choices`)");
  return { body, usage: facts.usageAt === -1 ? null : usageAt(body, facts.usageAt, body.length), outputChars: facts.chars };
}
