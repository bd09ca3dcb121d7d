/**
 * Finds the first generated token in a canonical (OpenAI chat) SSE stream: content or
 * a refusal that is not empty, a tool call, a finish reason, or `[DONE]`; in a Responses
 * API stream passed through, a non-empty `delta` or the response's end. Providers
 * send a role-only chunk (`"delta":{"role":"assistant","content":""}`) or keep-alive
 * comments long before the first token; those do not count, so a first-token timeout
 * and a hedge can still move elsewhere while only they have arrived.
 *
 * Used only while a request is uncommitted and its model has a first-token timeout or
 * hedges; a chunk boundary may split a marker, so the tail of the previous chunk is
 * kept (bounded).
 */

const TOKEN =
  /"(?:content|refusal)"\s*:\s*"(?!")|"tool_calls"\s*:\s*\[|"finish_reason"\s*:\s*"|\[DONE\]|"delta"\s*:\s*"(?!")|"type"\s*:\s*"response\.(?:completed|incomplete|failed)"/;
/** Longer than any marker above with generous whitespace. */
const CARRY = 48;

export class FirstTokenWatch {
  #tail = "";

  /** True when `chunk` (following the chunks seen before) holds the first token. */
  push(chunk: Buffer): boolean {
    const text = this.#tail + chunk.toString("latin1");
    if (TOKEN.test(text)) return true;
    this.#tail = text.length > CARRY ? text.slice(-CARRY) : text;
    return false;
  }
}
