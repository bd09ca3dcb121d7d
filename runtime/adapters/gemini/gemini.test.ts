import { describe, expect, it } from "vitest";
import { isProviderError } from "../../canonical/provider-error.js";
import { classifyGeminiError } from "./errors.js";
import { geminiModelPath, geminiRequestBody, generateMethod } from "./request.js";
import { decodeGeminiResponse } from "./response.js";
import { GeminiStreamDecoder } from "./stream.js";
import { chatRequest } from "../../../test/support/chat-request.js";

function build(body: Record<string, unknown>): Record<string, unknown> {
  const out = geminiRequestBody(chatRequest(body), "gemini");
  if (isProviderError(out)) throw new Error(out.message);
  return out;
}

function chunks(out: string): { choices: { delta: Record<string, unknown>; finish_reason: string | null }[]; usage?: unknown }[] {
  return out
    .split("\n\n")
    .filter((l) => l.startsWith("data: ") && l !== "data: [DONE]")
    .map((l) => JSON.parse(l.slice(6)));
}

describe("gemini request", () => {
  it("maps system, roles, tool calls and named function responses", () => {
    const out = build({
      model: "m",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Weather?" },
        { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "weather", arguments: '{"city":"Paris"}' } }] },
        { role: "tool", tool_call_id: "c1", content: '{"sky":"sunny"}' },
        { role: "tool", tool_call_id: "c1", content: "plain" },
      ],
      tools: [{ type: "function", function: { name: "weather", description: "W", parameters: { type: "object" } } }],
      tool_choice: "required",
      max_tokens: 64,
      temperature: 0.1,
      stop: "END",
      response_format: { type: "json_schema", json_schema: { name: "x", schema: { type: "object" } } },
      reasoning_effort: "low",
    });
    expect(out).toEqual({
      contents: [
        { role: "user", parts: [{ text: "Weather?" }] },
        { role: "model", parts: [{ functionCall: { name: "weather", args: { city: "Paris" } } }] },
        { role: "user", parts: [{ functionResponse: { name: "weather", response: { sky: "sunny" } } }, { functionResponse: { name: "weather", response: { content: "plain" } } }] },
      ],
      systemInstruction: { parts: [{ text: "Be brief." }] },
      generationConfig: {
        maxOutputTokens: 64,
        temperature: 0.1,
        stopSequences: ["END"],
        responseMimeType: "application/json",
        responseJsonSchema: { type: "object" },
        thinkingConfig: { thinkingBudget: 1024 },
      },
      tools: [{ functionDeclarations: [{ name: "weather", description: "W", parametersJsonSchema: { type: "object" } }] }],
      toolConfig: { functionCallingConfig: { mode: "ANY" } },
    });
    expect(geminiModelPath("gemini-2.5-flash") + generateMethod(true)).toBe("models/gemini-2.5-flash:streamGenerateContent?alt=sse");
  });

  it("refuses a tool result that answers no known call", () => {
    const out = geminiRequestBody(
      chatRequest({
        model: "m",
        messages: [
          { role: "user", content: "x" },
          { role: "tool", tool_call_id: "nope", content: "r" },
        ],
      }),
      "gemini",
    );
    expect(isProviderError(out) && out.class === "bad_request").toBe(true);
  });
});

describe("gemini response", () => {
  it("maps text, function calls, thoughts and usage (thoughts count as output)", () => {
    const out = decodeGeminiResponse(
      Buffer.from(
        JSON.stringify({
          candidates: [
            { content: { role: "model", parts: [{ text: "hmm", thought: true }, { text: "ok" }, { functionCall: { name: "f", args: { a: 1 } } }] }, finishReason: "STOP" },
          ],
          usageMetadata: { promptTokenCount: 20, candidatesTokenCount: 5, thoughtsTokenCount: 3, cachedContentTokenCount: 10, totalTokenCount: 28 },
          modelVersion: "gemini-x",
          responseId: "r1",
        }),
      ),
      "m",
      "req",
      "gemini",
    );
    if (isProviderError(out)) throw new Error(out.message);
    expect(out.usage).toEqual({ inputTokens: 20, outputTokens: 8, cachedInputTokens: 10, cacheCreationTokens: 0, reasoningTokens: 3, source: "upstream" });
    const json = JSON.parse(out.body.toString());
    expect(json.choices[0]).toMatchObject({
      finish_reason: "tool_calls",
      message: { content: "ok", reasoning_content: "hmm", tool_calls: [{ id: "call_req_0", function: { name: "f", arguments: '{"a":1}' } }] },
    });
  });

  it("turns a blocked prompt into content_filtered and SAFETY into content_filter", () => {
    const blocked = decodeGeminiResponse(Buffer.from(JSON.stringify({ promptFeedback: { blockReason: "SAFETY" }, usageMetadata: { promptTokenCount: 3 } })), "m", "r", "gemini");
    expect(isProviderError(blocked) && blocked.class === "content_filtered" && blocked.code === "content_filter").toBe(true);
    const safety = decodeGeminiResponse(Buffer.from(JSON.stringify({ candidates: [{ content: { parts: [] }, finishReason: "SAFETY" }] })), "m", "r", "gemini");
    if (isProviderError(safety)) throw new Error(safety.message);
    expect(JSON.parse(safety.body.toString()).choices[0].finish_reason).toBe("content_filter");
  });
});

describe("gemini stream", () => {
  const events = [
    {
      candidates: [{ content: { role: "model", parts: [{ text: "Hel" }] } }],
      usageMetadata: { promptTokenCount: 7, candidatesTokenCount: 1 },
      modelVersion: "gemini-x",
      responseId: "r1",
    },
    { candidates: [{ content: { role: "model", parts: [{ text: "lo" }] } }], usageMetadata: { promptTokenCount: 7, candidatesTokenCount: 2 } },
    {
      candidates: [{ content: { role: "model", parts: [{ functionCall: { name: "f", args: { a: 1 } } }] }, finishReason: "STOP" }],
      usageMetadata: { promptTokenCount: 7, candidatesTokenCount: 9, totalTokenCount: 16 },
    },
  ];
  const bytes = Buffer.from(events.map((e) => `data: ${JSON.stringify(e)}\r\n\r\n`).join(""));

  it("translates SSE events split at every byte and ends with usage and [DONE]", () => {
    const d = new GeminiStreamDecoder("m", "req", true, "gemini");
    let out = "";
    for (let i = 0; i < bytes.length; i++) out += d.push(bytes.subarray(i, i + 1))?.toString() ?? "";
    expect(d.complete).toBe(false);
    out += d.end()?.toString() ?? "";
    expect(d.complete).toBe(true);
    expect(out.endsWith("data: [DONE]\n\n")).toBe(true);
    const cs = chunks(out);
    expect(cs.map((c) => c.choices[0]?.delta ?? null)).toEqual([
      { role: "assistant", content: "" },
      { content: "Hel" },
      { content: "lo" },
      { tool_calls: [{ index: 0, id: "call_req_0", type: "function", function: { name: "f", arguments: '{"a":1}' } }] },
      {},
      null,
    ]);
    expect(cs[4]!.choices[0]!.finish_reason).toBe("tool_calls");
    expect(cs[5]!.usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 9, total_tokens: 16 });
  });

  it("classifies an error event inside the 200 stream, and a stream cut before its finish is incomplete", () => {
    const d = new GeminiStreamDecoder("m", "req", false, "gemini");
    d.push(Buffer.from(`data: ${JSON.stringify(events[0])}\n\ndata: {"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}\n\n`));
    expect(d.error).toMatchObject({ class: "overloaded", status: 200, code: "UNAVAILABLE" });
    const cut = new GeminiStreamDecoder("m", "req", false, "gemini");
    cut.push(Buffer.from(`data: ${JSON.stringify(events[0])}\n\n`));
    cut.end();
    expect(cut.complete).toBe(false);
    expect(cut.outputChars).toBe(3);
  });
});

describe("gemini errors", () => {
  const cls = (status: number, error: unknown) => classifyGeminiError(status, {}, Buffer.from(JSON.stringify(error)));
  it("classifies by Google status and reason", () => {
    expect(cls(429, { error: { code: 429, message: "quota", status: "RESOURCE_EXHAUSTED" } }).class).toBe("rate_limited");
    expect(
      cls(400, {
        error: {
          code: 400,
          message: "API key not valid.",
          status: "INVALID_ARGUMENT",
          details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID" }],
        },
      }).class,
    ).toBe("auth");
    expect(
      cls(400, { error: { code: 400, message: "The input token count (2000000) exceeds the maximum number of tokens allowed (1048576).", status: "INVALID_ARGUMENT" } }).class,
    ).toBe("context_too_long");
    expect(cls(503, [{ error: { code: 503, message: "overloaded", status: "UNAVAILABLE" } }]).class).toBe("overloaded");
    expect(cls(404, { error: { code: 404, message: "no model", status: "NOT_FOUND" } }).class).toBe("bad_request");
    expect(cls(500, { error: { code: 500, message: "x", status: "INTERNAL" } }).class).toBe("server");
  });
});
