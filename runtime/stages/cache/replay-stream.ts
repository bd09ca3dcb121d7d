/**
 * A stored `chat.completion` replayed as an OpenAI stream: a role chunk, the content
 * (and tool calls) per choice, a finish chunk, a usage chunk when the client asked
 * for `stream_options.include_usage`, then `data: [DONE]`. Each event is one
 * `data: …\n\n` frame, as OpenAI sends them.
 */

type Json = Record<string, unknown>;

/** Content is split into pieces of this many characters, so clients see a real stream. */
const PIECE = 64;

export function replayAsStream(answer: Json, includeUsage: boolean): string {
  const base = { id: answer["id"], object: "chat.completion.chunk", created: answer["created"], model: answer["model"] };
  const fingerprint = answer["system_fingerprint"];
  const frames: string[] = [];
  const emit = (choices: unknown[], extra: Json = {}): void => {
    const chunk: Json = { ...base, ...(fingerprint !== undefined ? { system_fingerprint: fingerprint } : {}), choices, ...extra };
    frames.push(`data: ${JSON.stringify(chunk)}\n\n`);
  };
  const choices = (answer["choices"] ?? []) as Json[];
  for (const c of choices) {
    const index = c["index"] ?? 0;
    const message = (c["message"] ?? {}) as Json;
    emit([{ index, delta: { role: message["role"] ?? "assistant", content: "" }, logprobs: null, finish_reason: null }]);
    const content = typeof message["content"] === "string" ? message["content"] : "";
    for (let i = 0; i < content.length; i += PIECE) {
      emit([{ index, delta: { content: content.slice(i, i + PIECE) }, logprobs: null, finish_reason: null }]);
    }
    if (typeof message["refusal"] === "string") emit([{ index, delta: { refusal: message["refusal"] }, logprobs: null, finish_reason: null }]);
    const calls = Array.isArray(message["tool_calls"]) ? (message["tool_calls"] as Json[]) : [];
    calls.forEach((call, ti) => {
      emit([{ index, delta: { tool_calls: [{ index: ti, ...call }] }, logprobs: null, finish_reason: null }]);
    });
    emit([{ index, delta: {}, logprobs: null, finish_reason: c["finish_reason"] }]);
  }
  if (includeUsage && answer["usage"] !== undefined) emit([], { usage: answer["usage"] });
  frames.push("data: [DONE]\n\n");
  return frames.join("");
}
