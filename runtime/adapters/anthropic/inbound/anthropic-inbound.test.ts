import { describe, expect, it } from "vitest";
import { decodeMessagesRequest } from "./decode-request.js";
import { encodeMessage } from "./encode-response.js";
import { AnthropicStreamEncoder } from "./encode-stream.js";

describe("inbound Anthropic request → canonical", () => {
  it("maps system, tool_use, tool_result (before the rest of the user turn), images, tool choice and streams", () => {
    const out = decodeMessagesRequest({
      model: "m",
      max_tokens: 50,
      system: [{ type: "text", text: "Be terse." }],
      messages: [
        { role: "user", content: "Weather?" },
        {
          role: "assistant",
          content: [
            { type: "text", text: "Checking." },
            { type: "tool_use", id: "tu1", name: "weather", input: { city: "Paris" } },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "tu1", content: [{ type: "text", text: "sunny" }] },
            { type: "text", text: "And now?" },
            { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } },
          ],
        },
      ],
      tools: [{ name: "weather", description: "W", input_schema: { type: "object" } }],
      tool_choice: { type: "any", disable_parallel_tool_use: true },
      stop_sequences: ["END"],
      metadata: { user_id: "u1" },
      stream: true,
    });
    expect(out).toEqual({
      ok: true,
      body: {
        model: "m",
        max_tokens: 50,
        messages: [
          { role: "system", content: "Be terse." },
          { role: "user", content: "Weather?" },
          { role: "assistant", content: "Checking.", tool_calls: [{ id: "tu1", type: "function", function: { name: "weather", arguments: '{"city":"Paris"}' } }] },
          { role: "tool", tool_call_id: "tu1", content: "sunny" },
          {
            role: "user",
            content: [
              { type: "text", text: "And now?" },
              { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
            ],
          },
        ],
        stop: ["END"],
        user: "u1",
        tools: [{ type: "function", function: { name: "weather", parameters: { type: "object" }, description: "W" } }],
        tool_choice: "required",
        parallel_tool_calls: false,
        stream: true,
        stream_options: { include_usage: true },
      },
    });
  });

  it("refuses what is not a Messages request", () => {
    expect(decodeMessagesRequest({ model: "m", messages: [{ role: "user", content: "x" }] })).toMatchObject({ ok: false, message: expect.stringMatching(/max_tokens/) });
    expect(decodeMessagesRequest({ model: "m", max_tokens: 1, messages: [{ role: "system", content: "x" }] })).toMatchObject({ ok: false });
    expect(
      decodeMessagesRequest({ model: "m", max_tokens: 1, messages: [{ role: "user", content: "x" }], tools: [{ type: "web_search_20250305", name: "web_search" }] }),
    ).toMatchObject({ ok: false });
  });
});

describe("canonical answers → Anthropic", () => {
  it("encodes a completion with tool calls and cache usage", () => {
    const m = encodeMessage({
      id: "chatcmpl-1",
      model: "gpt-x",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "ok", tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: '{"a":1}' } }] },
          finish_reason: "tool_calls",
        },
      ],
      usage: { prompt_tokens: 100, completion_tokens: 5, total_tokens: 105, prompt_tokens_details: { cached_tokens: 60, cache_write_tokens: 10 } },
    });
    expect(m).toEqual({
      id: "msg_chatcmpl-1",
      type: "message",
      role: "assistant",
      model: "gpt-x",
      content: [
        { type: "text", text: "ok" },
        { type: "tool_use", id: "c1", name: "f", input: { a: 1 } },
      ],
      stop_reason: "tool_use",
      stop_sequence: null,
      usage: { input_tokens: 30, cache_creation_input_tokens: 10, cache_read_input_tokens: 60, output_tokens: 5 },
    });
  });

  it("encodes a stream with text, two tool calls and usage, split anywhere", () => {
    const head = '{"id":"c","object":"chat.completion.chunk","created":1,"model":"x","choices":[';
    const lines = [
      `${head}{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}`,
      `${head}{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}`,
      `${head}{"index":0,"delta":{"tool_calls":[{"index":0,"id":"a","type":"function","function":{"name":"f","arguments":""}}]},"finish_reason":null}]}`,
      `${head}{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{}"}}]},"finish_reason":null}]}`,
      `${head}{"index":0,"delta":{"tool_calls":[{"index":1,"id":"b","type":"function","function":{"name":"g","arguments":"{\\"x\\":1}"}}]},"finish_reason":null}]}`,
      `${head}{"index":0,"delta":{},"finish_reason":"tool_calls"}]}`,
      `${head}],"usage":{"prompt_tokens":9,"completion_tokens":4,"total_tokens":13}}`,
      "[DONE]",
    ];
    const bytes = Buffer.from(lines.map((l) => `data: ${l}\n\n`).join(""));
    const enc = new AnthropicStreamEncoder();
    let out = "";
    for (let i = 0; i < bytes.length; i += 7) out += enc.push(bytes.subarray(i, i + 7));
    out += enc.end();
    const events = out
      .split("\n\n")
      .filter((e) => e !== "")
      .map((e) => {
        const [ev, data] = e.split("\n");
        return { ev: ev!.slice(7), data: JSON.parse(data!.slice(6)) };
      });
    expect(events.map((e) => e.ev)).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_stop",
      "content_block_start",
      "content_block_delta",
      "content_block_stop",
      "content_block_start",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(events.every((e) => e.data.type === e.ev)).toBe(true);
    expect(events[4]!.data).toMatchObject({ index: 1, content_block: { type: "tool_use", id: "a", name: "f" } });
    expect(events[8]!.data).toMatchObject({ index: 2, delta: { type: "input_json_delta", partial_json: '{"x":1}' } });
    expect(events[10]!.data).toEqual({
      type: "message_delta",
      delta: { stop_reason: "tool_use", stop_sequence: null },
      usage: { input_tokens: 9, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 4 },
    });
    expect(enc.finished).toBe(true);
  });

  it("turns a canonical error event into event: error", () => {
    const enc = new AnthropicStreamEncoder();
    const out = enc.push(
      'data: {"id":"c","model":"x","choices":[{"index":0,"delta":{"content":"a"}}]}\n\ndata: {"error":{"message":"cut","type":"server_error","param":null,"code":"upstream_stream_interrupted"}}\n\n',
    );
    expect(out).toMatch(/event: error\ndata: \{"type":"error","error":\{"type":"overloaded_error","message":"cut"\}\}\n\n$/);
  });
});
