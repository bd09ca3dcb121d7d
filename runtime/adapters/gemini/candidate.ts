/** Reads one Gemini response (a whole answer, or one stream event): parts, finish reason, blocks. */
import type { ProviderError } from "../../canonical/provider-error.js";
import { isRecord } from "../../canonical/provider-error.js";

/** What one response carries, in the order the parts came. */
export interface CandidateParts {
  readonly texts: { text: string; thought: boolean }[];
  readonly calls: { id: string | null; name: string; args: unknown }[];
  /** Null until the model stopped. */
  readonly finishReason: string | null;
}

/** The first candidate's parts; a prompt blocked by safety (no candidates, a blockReason) is an error. */
export function readCandidate(res: Readonly<Record<string, unknown>>, provider: string): CandidateParts | ProviderError {
  const candidates = Array.isArray(res["candidates"]) ? (res["candidates"] as unknown[]) : [];
  const first = candidates[0];
  const feedback = isRecord(res["promptFeedback"]) ? res["promptFeedback"] : {};
  if (!isRecord(first) && typeof feedback["blockReason"] === "string") {
    return {
      class: "content_filtered",
      status: 200,
      message: `${provider}: the prompt was blocked (${feedback["blockReason"].slice(0, 40)})`,
      code: "content_filter",
      retryAfterMs: null,
    };
  }
  const texts: CandidateParts["texts"] = [];
  const calls: CandidateParts["calls"] = [];
  if (!isRecord(first)) return { texts, calls, finishReason: null };
  const content = isRecord(first["content"]) ? first["content"] : {};
  const parts = Array.isArray(content["parts"]) ? (content["parts"] as unknown[]) : [];
  for (const p of parts) {
    if (!isRecord(p)) continue;
    if (typeof p["text"] === "string") texts.push({ text: p["text"], thought: p["thought"] === true });
    else if (isRecord(p["functionCall"])) {
      const fc = p["functionCall"];
      calls.push({ id: typeof fc["id"] === "string" ? fc["id"] : null, name: String(fc["name"] ?? ""), args: fc["args"] ?? {} });
    }
  }
  return { texts, calls, finishReason: typeof first["finishReason"] === "string" ? first["finishReason"] : null };
}
