/** The chat request's validation and its read-only view: typed reads, no writes to the client's body. */
import { describe, expect, it } from "vitest";
import { validateChatRequest, type ChatRequestView } from "./chat-request.js";

function view(body: Record<string, unknown>, templated = false): ChatRequestView {
  const checked = validateChatRequest(body, templated);
  if (!checked.ok) throw new Error(checked.message);
  return checked.request;
}

describe("validateChatRequest", () => {
  it("refuses what the gateway cannot route, naming the parameter", () => {
    expect(validateChatRequest([])).toMatchObject({ ok: false, param: null });
    expect(validateChatRequest({ messages: [{ role: "user", content: "x" }] })).toMatchObject({ ok: false, param: "model" });
    expect(validateChatRequest({ model: "m".repeat(257), messages: [{ role: "user" }] })).toMatchObject({ ok: false, param: "model" });
    expect(validateChatRequest({ model: "m" })).toMatchObject({ ok: false, param: "messages" });
    expect(validateChatRequest({ model: "m", messages: [] })).toMatchObject({ ok: false, param: "messages" });
    expect(validateChatRequest({ model: "m", messages: [{ role: "user" }, { content: "x" }] })).toMatchObject({ ok: false, param: "messages[1]" });
    expect(validateChatRequest({ model: "m", messages: [{ role: "user" }], stream: "yes" })).toMatchObject({ ok: false, param: "stream" });
  });

  it("reads the request without copying or writing the body", () => {
    const body = { model: "gpt", messages: [{ role: "user", content: "hi" }], stream: true, extra: { kept: 1 } };
    const before = structuredClone(body);
    const request = view(body);
    expect(request.body).toBe(body);
    expect(request.messages).toBe(body.messages);
    expect([request.model, request.stream]).toEqual(["gpt", true]);
    expect(body).toEqual(before);
  });

  it("leaves a templated request without messages as it came: its view has none", () => {
    const body = { model: "m", template: "greet", variables: { name: "x" } };
    const before = structuredClone(body);
    for (const request of [view(body), view({ model: "m" }, true)]) expect(request.messages).toEqual([]);
    expect(body).toEqual(before);
    expect("messages" in body).toBe(false);
  });
});

describe("ChatRequestView", () => {
  const base = { model: "m", messages: [{ role: "user", content: "hi" }] };

  it("types the common fields: max tokens, temperature, the stream usage request", () => {
    expect(view({ ...base, max_tokens: 50 }).maxTokens).toBe(50);
    expect(view({ ...base, max_tokens: 50, max_completion_tokens: 70 }).maxTokens).toBe(70);
    expect(view({ ...base, max_tokens: 50, max_completion_tokens: 0 }).maxTokens).toBe(50);
    expect(view({ ...base, max_tokens: 1.5 }).maxTokens).toBeUndefined();
    expect(view({ ...base, max_tokens: "9" }).maxTokens).toBeUndefined();
    expect(view({ ...base, temperature: 0.2 }).temperature).toBe(0.2);
    expect(view({ ...base, temperature: "hot" }).temperature).toBeUndefined();
    expect(view({ ...base, stream: true, stream_options: { include_usage: true } }).includeUsage).toBe(true);
    expect(view({ ...base, stream_options: { include_usage: true } }).includeUsage).toBe(false);
    expect(view({ ...base, stream: true }).includeUsage).toBe(false);
  });

  it("changes copy on write: the new request has the messages and not the dropped fields; the old one and its body are unchanged", () => {
    const body = { ...base, template: "t", temperature: 0 };
    const request = view(body);
    const messages = [{ role: "system", content: "S" }, ...request.messages];
    const next = request.with(messages, ["template"]);
    expect(next.body).toEqual({ model: "m", messages, temperature: 0 });
    expect(next.messages).toBe(messages);
    expect(next.temperature).toBe(0);
    expect(request.body).toBe(body);
    expect(body).toEqual({ ...base, template: "t", temperature: 0 });
  });
});
