/**
 * Rebuilds one `chat.completion` object from the chunks of a stream: content and
 * refusal concatenated, tool calls merged by index (arguments concatenated), the
 * finish reason and usage kept. The cache stores every answer in this one form, so a
 * streamed answer can serve a non-streamed request and the other way round.
 */

interface ToolCallDraft {
  id?: string;
  type?: string;
  function: { name: string; arguments: string };
}

interface ChoiceDraft {
  index: number;
  role: string;
  content: string | null;
  refusal: string | null;
  toolCalls: ToolCallDraft[];
  finishReason: string | null;
}

type Json = Record<string, unknown>;

export class AnswerAssembler {
  #id: unknown = undefined;
  #created: unknown = undefined;
  #model: unknown = undefined;
  #fingerprint: unknown = undefined;
  #usage: unknown = undefined;
  #choices: ChoiceDraft[] = [];

  /** Adds one parsed chunk; false when it is not a chat.completion.chunk. */
  add(chunk: Json): boolean {
    if (!Array.isArray(chunk["choices"])) return false;
    this.#id ??= chunk["id"];
    this.#created ??= chunk["created"];
    this.#model ??= chunk["model"];
    this.#fingerprint ??= chunk["system_fingerprint"];
    if (chunk["usage"] !== undefined && chunk["usage"] !== null) this.#usage = chunk["usage"];
    for (const c of chunk["choices"] as Json[]) {
      const index = typeof c["index"] === "number" ? c["index"] : 0;
      if (index < 0 || index > 128) return false;
      const draft = (this.#choices[index] ??= { index, role: "assistant", content: null, refusal: null, toolCalls: [], finishReason: null });
      const delta = (c["delta"] ?? {}) as Json;
      if (typeof delta["role"] === "string") draft.role = delta["role"];
      if (typeof delta["content"] === "string") draft.content = (draft.content ?? "") + delta["content"];
      if (typeof delta["refusal"] === "string") draft.refusal = (draft.refusal ?? "") + delta["refusal"];
      if (Array.isArray(delta["tool_calls"])) {
        for (const t of delta["tool_calls"] as Json[]) {
          const ti = typeof t["index"] === "number" ? t["index"] : 0;
          if (ti < 0 || ti > 128) return false;
          const call = (draft.toolCalls[ti] ??= { function: { name: "", arguments: "" } });
          if (typeof t["id"] === "string") call.id = t["id"];
          if (typeof t["type"] === "string") call.type = t["type"];
          const fn = (t["function"] ?? {}) as Json;
          if (typeof fn["name"] === "string") call.function.name += fn["name"];
          if (typeof fn["arguments"] === "string") call.function.arguments += fn["arguments"];
        }
      }
      if (typeof c["finish_reason"] === "string") draft.finishReason = c["finish_reason"];
    }
    return true;
  }

  /** The completion, or null when no choice finished (an incomplete answer is never cached). */
  result(): Json | null {
    if (this.#choices.length === 0 || this.#choices.some((c) => c === undefined || c.finishReason === null)) return null;
    const out: Json = {
      id: this.#id ?? "chatcmpl-cached",
      object: "chat.completion",
      created: this.#created ?? Math.floor(Date.now() / 1000),
      model: this.#model ?? "",
      choices: this.#choices.map((c) => {
        const message: Json = { role: c.role, content: c.content, refusal: c.refusal };
        if (c.toolCalls.length > 0) message["tool_calls"] = c.toolCalls.map((t) => ({ id: t.id ?? "", type: t.type ?? "function", function: t.function }));
        return { index: c.index, message, logprobs: null, finish_reason: c.finishReason };
      }),
    };
    if (this.#fingerprint !== undefined) out["system_fingerprint"] = this.#fingerprint;
    if (this.#usage !== undefined) out["usage"] = this.#usage;
    return out;
  }
}

/** Whether a non-streamed body is a complete, successful chat.completion worth storing. */
export function isCompleteAnswer(value: unknown): value is Json {
  if (value === null || typeof value !== "object") return false;
  const choices = (value as Json)["choices"];
  return (
    (value as Json)["object"] === "chat.completion" &&
    Array.isArray(choices) &&
    choices.length > 0 &&
    choices.every((c) => c !== null && typeof c === "object" && typeof (c as Json)["finish_reason"] === "string")
  );
}
