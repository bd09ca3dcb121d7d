import { describe, expect, it } from "vitest";
import type { ProviderError } from "../../canonical/provider-error.js";
import { isProviderError } from "../../canonical/provider-error.js";
import { classifyAnthropicError } from "./errors.js";
import { anthropicRequestBody } from "./request.js";
import { decodeAnthropicResponse } from "./response.js";
import { AnthropicStreamDecoder } from "./stream.js";
import { chatRequest } from "../../../test/support/chat-request.js";

const opts = 4096;

function build(body: Record<string, unknown>, stream = false): Record<string, unknown> {
  const out = anthropicRequestBody(chatRequest(body), "claude-x", stream, opts);
  if (isProviderError(out)) throw new Error(out.message);
  return out;
}

function refused(body: Record<string, unknown>): ProviderError {
  const out = anthropicRequestBody(chatRequest(body), "claude-x", false, opts);
  if (!isProviderError(out)) throw new Error("expected a refusal");
  return out;
}

function sse(events: [string, unknown][]): Buffer {
  return Buffer.from(events.map(([e, d]) => `event: ${e}\ndata: ${JSON.stringify(d)}\n\n`).join(""));
}

function chunks(out: string): unknown[] {
  return out
    .split("\n\n")
    .filter((l) => l.startsWith("data: ") && l !== "data: [DONE]")
    .map((l) => JSON.parse(l.slice(6)));
}

describe("anthropic request", () => {
  it("maps system prompts, multi-turn, tool calls and tool results", () => {
    const out = build({
      model: "m",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "developer", content: [{ type: "text", text: "Use tools." }] },
        { role: "user", content: "Weather in Paris and Rome?" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "t1", type: "function", function: { name: "weather", arguments: '{"city":"Paris"}' } },
            { id: "t2", type: "function", function: { name: "weather", arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: "tool", tool_call_id: "t1", content: "sunny" },
        { role: "tool", tool_call_id: "t2", content: "rain" },
        {
          role: "user",
          content: [
            { type: "text", text: "And?" },
            { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
          ],
        },
      ],
      tools: [{ type: "function", function: { name: "weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }],
      tool_choice: "required",
      parallel_tool_calls: false,
      max_tokens: 100,
      temperature: 0.2,
      stop: "END",
      user: "u1",
    });
    expect(out).toEqual({
      model: "claude-x",
      system: [
        { type: "text", text: "Be brief." },
        { type: "text", text: "Use tools." },
      ],
      messages: [
        { role: "user", content: [{ type: "text", text: "Weather in Paris and Rome?" }] },
        {
          role: "assistant",
          content: [
            { type: "tool_use", id: "t1", name: "weather", input: { city: "Paris" } },
            { type: "tool_use", id: "t2", name: "weather", input: { city: "Rome" } },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "t1", content: "sunny" },
            { type: "tool_result", tool_use_id: "t2", content: "rain" },
            { type: "text", text: "And?" },
            { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } },
          ],
        },
      ],
      max_tokens: 100,
      stop_sequences: ["END"],
      temperature: 0.2,
      metadata: { user_id: "u1" },
      tools: [{ name: "weather", description: "Weather", input_schema: { type: "object", properties: { city: { type: "string" } } } }],
      tool_choice: { type: "any", disable_parallel_tool_use: true },
    });
  });

  it("uses the default max_tokens, streams, maps json_schema and refuses json_object", () => {
    const out = build(
      { model: "m", messages: [{ role: "user", content: "hi" }], response_format: { type: "json_schema", json_schema: { name: "x", schema: { type: "object" } } } },
      true,
    );
    expect(out["max_tokens"]).toBe(4096);
    expect(out["stream"]).toBe(true);
    expect(out["output_config"]).toEqual({ format: { type: "json_schema", schema: { type: "object" } } });
    const err = refused({ model: "m", messages: [{ role: "user", content: "hi" }], response_format: { type: "json_object" } });
    expect(err.class).toBe("bad_request");
    expect(err.message).toMatch(/json_schema/);
  });

  it("refuses what Anthropic cannot do", () => {
    expect(refused({ model: "m", messages: [{ role: "user", content: "hi" }], n: 2 }).message).toMatch(/`n`/);
    expect(refused({ model: "m", messages: [{ role: "system", content: "only system" }] }).class).toBe("bad_request");
    expect(refused({ model: "m", messages: [{ role: "assistant", content: "x", tool_calls: [{ id: "a", function: { name: "f", arguments: "{bad" } }] }] }).message).toMatch(
      /arguments/,
    );
  });
});

describe("anthropic response", () => {
  it("maps text, tool_use, stop reason and usage (cache tokens added back to input)", () => {
    const body = Buffer.from(
      JSON.stringify({
        id: "msg_1",
        type: "message",
        role: "assistant",
        model: "claude-x",
        content: [
          { type: "text", text: "Let me check." },
          { type: "tool_use", id: "tu_1", name: "weather", input: { city: "Paris" } },
        ],
        stop_reason: "tool_use",
        usage: { input_tokens: 10, output_tokens: 7, cache_read_input_tokens: 100, cache_creation_input_tokens: 5 },
      }),
    );
    const out = decodeAnthropicResponse(body, "claude-x");
    if (isProviderError(out)) throw new Error(out.message);
    expect(out.usage).toEqual({ inputTokens: 115, outputTokens: 7, cachedInputTokens: 100, cacheCreationTokens: 5, reasoningTokens: 0, source: "upstream" });
    const json = JSON.parse(out.body.toString());
    expect(json.choices[0]).toMatchObject({
      finish_reason: "tool_calls",
      message: { role: "assistant", content: "Let me check.", tool_calls: [{ id: "tu_1", type: "function", function: { name: "weather", arguments: '{"city":"Paris"}' } }] },
    });
    expect(json.usage).toMatchObject({ prompt_tokens: 115, completion_tokens: 7, total_tokens: 122, prompt_tokens_details: { cached_tokens: 100, cache_write_tokens: 5 } });
  });

  it("maps refusal to content_filter and max_tokens to length", () => {
    for (const [reason, finish] of [
      ["refusal", "content_filter"],
      ["max_tokens", "length"],
      ["end_turn", "stop"],
      ["stop_sequence", "stop"],
    ]) {
      const out = decodeAnthropicResponse(Buffer.from(JSON.stringify({ type: "message", content: [], stop_reason: reason, usage: { input_tokens: 1, output_tokens: 1 } })), "m");
      if (isProviderError(out)) throw new Error(out.message);
      expect(JSON.parse(out.body.toString()).choices[0].finish_reason).toBe(finish);
    }
  });
});

describe("anthropic stream", () => {
  const events: [string, unknown][] = [
    [
      "message_start",
      {
        type: "message_start",
        message: {
          id: "msg_1",
          type: "message",
          role: "assistant",
          content: [],
          model: "claude-x",
          stop_reason: null,
          usage: { input_tokens: 12, output_tokens: 1, cache_read_input_tokens: 3, cache_creation_input_tokens: 0 },
        },
      },
    ],
    ["content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }],
    ["ping", { type: "ping" }],
    ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hel" } }],
    ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "lo" } }],
    ["content_block_stop", { type: "content_block_stop", index: 0 }],
    ["content_block_start", { type: "content_block_start", index: 1, content_block: { type: "tool_use", id: "tu_1", name: "weather", input: {} } }],
    ["content_block_delta", { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: "" } }],
    ["content_block_delta", { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: '{"city":' } }],
    ["content_block_delta", { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: '"Paris"}' } }],
    ["content_block_stop", { type: "content_block_stop", index: 1 }],
    ["message_delta", { type: "message_delta", delta: { stop_reason: "tool_use", stop_sequence: null }, usage: { output_tokens: 20 } }],
    ["message_stop", { type: "message_stop" }],
  ];

  it("translates the event sequence into OpenAI chunks, split at every byte", () => {
    const d = new AnthropicStreamDecoder("claude-x", true);
    const bytes = sse(events);
    let out = "";
    for (let i = 0; i < bytes.length; i++) out += d.push(bytes.subarray(i, i + 1))?.toString() ?? "";
    out += d.end()?.toString() ?? "";
    expect(d.complete).toBe(true);
    expect(d.error).toBeNull();
    expect(out.endsWith("data: [DONE]\n\n")).toBe(true);
    const cs = chunks(out) as { choices: { delta: Record<string, unknown>; finish_reason: string | null }[]; usage: unknown }[];
    expect(cs.map((c) => c.choices[0]?.delta ?? null)).toEqual([
      { role: "assistant", content: "" },
      { content: "Hel" },
      { content: "lo" },
      { tool_calls: [{ index: 0, id: "tu_1", type: "function", function: { name: "weather", arguments: "" } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] },
      {},
      null,
    ]);
    expect(cs[6]!.choices[0]!.finish_reason).toBe("tool_calls");
    expect(cs[7]!.usage).toMatchObject({ prompt_tokens: 15, completion_tokens: 20, total_tokens: 35, prompt_tokens_details: { cached_tokens: 3 } });
    expect(d.usage).toEqual({ inputTokens: 15, outputTokens: 20, cachedInputTokens: 3, cacheCreationTokens: 0, reasoningTokens: 0, source: "upstream" });
    expect(d.outputChars).toBe(5 + 16);
  });

  it("hides the usage chunk when the client did not ask, but still reports usage", () => {
    const d = new AnthropicStreamDecoder("claude-x", false);
    const out = (d.push(sse(events))?.toString() ?? "") + (d.end()?.toString() ?? "");
    expect(out).not.toContain('"usage"');
    expect(d.usage?.outputTokens).toBe(20);
  });

  it("classifies an error event inside a 200 stream", () => {
    const d = new AnthropicStreamDecoder("claude-x", false);
    d.push(sse([events[0]!, ["error", { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }]]));
    expect(d.complete).toBe(false);
    expect(d.error).toMatchObject({ class: "overloaded", status: 200, code: "overloaded_error" });
  });

  it("is incomplete when the stream is cut before message_stop", () => {
    const d = new AnthropicStreamDecoder("claude-x", false);
    d.push(sse(events.slice(0, 5)));
    d.end();
    expect(d.complete).toBe(false);
    expect(d.outputChars).toBe(5);
  });
});

describe("anthropic errors", () => {
  const cls = (status: number, type: string, message = "x", headers = {}) =>
    classifyAnthropicError(status, headers, Buffer.from(JSON.stringify({ type: "error", error: { type, message } })));
  it("classifies by error type", () => {
    expect(cls(429, "rate_limit_error", "slow down", { "retry-after": "3" })).toMatchObject({ class: "rate_limited", retryAfterMs: 3000 });
    expect(cls(529, "overloaded_error").class).toBe("overloaded");
    expect(cls(401, "authentication_error").class).toBe("auth");
    expect(cls(400, "invalid_request_error", "prompt is too long: 210000 tokens > 200000 maximum").class).toBe("context_too_long");
    expect(cls(400, "invalid_request_error", "messages: field required").class).toBe("bad_request");
    expect(cls(500, "api_error").class).toBe("server");
    expect(classifyAnthropicError(502, {}, Buffer.from("<html>bad gateway</html>")).class).toBe("server");
  });
});
