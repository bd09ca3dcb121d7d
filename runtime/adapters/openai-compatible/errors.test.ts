/** Error bodies as OpenAI, Azure and OpenAI-compatible servers send them → error classes. */
import { describe, expect, it } from "vitest";
import { classifyEmbeddedError, classifyOpenAIError } from "./errors.js";

const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));
const classify = (status: number, body: unknown, headers: Record<string, string> = {}) => classifyOpenAIError(status, headers, json(body));

describe("classifyOpenAIError", () => {
  it("keeps a request error's own message, code and param (recorded: chat-bad-request)", () => {
    const e = classify(400, { error: { code: "unsupported_parameter", message: "Unsupported parameter: 'max_tokens'…", param: "max_tokens", type: "invalid_request_error" } });
    expect(e).toMatchObject({ class: "bad_request", status: 400, code: "unsupported_parameter", param: "max_tokens", message: "Unsupported parameter: 'max_tokens'…" });
    expect(classify(404, { error: { message: "The model `x` does not exist", type: "invalid_request_error", param: null, code: "model_not_found" } }).class).toBe("bad_request");
  });

  it("recognizes a prompt over the context window, by code or by message", () => {
    expect(
      classify(400, {
        error: { message: "This model's maximum context length is 128000 tokens…", type: "invalid_request_error", param: "messages", code: "context_length_exceeded" },
      }).class,
    ).toBe("context_too_long");
    // vLLM: no code, the limit in words.
    expect(
      classify(400, { object: "error", message: "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens", type: "BadRequestError", code: 400 })
        .class,
    ).toBe("context_too_long");
  });

  it("recognizes Azure's content filter (code content_filter, inner ResponsibleAIPolicyViolation)", () => {
    const e = classify(400, {
      error: {
        message: "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
        type: null,
        param: "prompt",
        code: "content_filter",
        status: 400,
        innererror: { code: "ResponsibleAIPolicyViolation", content_filter_result: {} },
      },
    });
    expect(e.class).toBe("content_filtered");
  });

  it("sorts statuses: 401/403 auth (message withheld), 429 rate limited with retry-after-ms, 503/529 overloaded, 5xx server, 408/504 timeout", () => {
    const auth = classify(401, { error: { message: "Incorrect API key provided: sk-abc***xyz.", type: "invalid_request_error", param: null, code: "invalid_api_key" } });
    expect(auth.class).toBe("auth");
    expect(auth.message).not.toContain("sk-");
    expect(classify(429, { error: { message: "Rate limit reached", type: "requests", param: null, code: "rate_limit_exceeded" } }, { "retry-after-ms": "1500" })).toMatchObject({
      class: "rate_limited",
      retryAfterMs: 1500,
    });
    expect(
      classify(429, { error: { message: "You exceeded your current quota", type: "insufficient_quota", param: null, code: "insufficient_quota" } }, { "retry-after": "7" }),
    ).toMatchObject({ class: "rate_limited", retryAfterMs: 7000 });
    expect(classify(503, { error: { message: "The engine is currently overloaded", type: "server_error" } }).class).toBe("overloaded");
    expect(classify(529, {}).class).toBe("overloaded");
    expect(classify(500, { error: { message: "internal", type: "server_error" } }).class).toBe("server");
    expect(classify(408, {}).class).toBe("timeout");
    expect(classify(504, {}).class).toBe("timeout");
  });

  it("classifies non-JSON bodies by status alone", () => {
    expect(classifyOpenAIError(502, {}, Buffer.from("<html>Bad gateway</html>")).class).toBe("server");
    expect(classifyOpenAIError(400, {}, Buffer.from("nope")).message).toBe("the provider rejected the request");
  });
});

describe("classifyEmbeddedError (an error inside a 200 body or stream)", () => {
  it("by its numeric code (vLLM) or its words (OpenRouter, Responses-style events)", () => {
    expect(classifyEmbeddedError(json({ error: { message: "bad", type: "BadRequestError", code: 400 } }))?.class).toBe("bad_request");
    expect(classifyEmbeddedError(json({ error: { message: "Provider returned error", code: 502 } }))?.class).toBe("server");
    expect(classifyEmbeddedError(json({ error: { message: "Overloaded", type: "overloaded_error" } }))?.class).toBe("overloaded");
    expect(classifyEmbeddedError(json({ error: { message: "slow down", code: "rate_limit_exceeded" } }))?.class).toBe("rate_limited");
    expect(classifyEmbeddedError(json({ type: "error", code: "server_error", message: "The server had an error", sequence_number: 3 }))?.class).toBe("server");
  });
});
