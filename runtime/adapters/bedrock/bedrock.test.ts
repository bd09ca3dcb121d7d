import { describe, expect, it } from "vitest";
import { isProviderError } from "../../canonical/provider-error.js";
import { classifyBedrockError } from "./errors.js";
import { encodeFrame } from "./event-stream.js";
import { conversePath, converseRequestBody } from "./request.js";
import { decodeConverseResponse } from "./response.js";
import { signBedrockRequest } from "./sigv4.js";
import { ConverseStreamDecoder } from "./stream.js";
import { chatRequest } from "../../../test/support/chat-request.js";

function build(body: Record<string, unknown>): Record<string, unknown> {
  const out = converseRequestBody(chatRequest(body));
  if (isProviderError(out)) throw new Error(out.message);
  return out;
}

function frames(list: [string, unknown][], exception = false): Buffer {
  return Buffer.concat(list.map(([t, p]) => Buffer.from(encodeFrame(exception ? "exception" : "event", t, p))));
}

function chunks(out: string): { choices: { delta: Record<string, unknown>; finish_reason: string | null }[]; usage?: unknown }[] {
  return out
    .split("\n\n")
    .filter((l) => l.startsWith("data: ") && l !== "data: [DONE]")
    .map((l) => JSON.parse(l.slice(6)));
}

describe("bedrock request", () => {
  it("maps system, multi-turn, tools, tool results and inference config", () => {
    const out = build({
      model: "m",
      messages: [
        { role: "system", content: "Be brief." },
        {
          role: "user",
          content: [
            { type: "text", text: "Weather?" },
            { type: "image_url", image_url: { url: "data:image/jpeg;base64,AAAA" } },
          ],
        },
        { role: "assistant", content: "", tool_calls: [{ id: "t1", type: "function", function: { name: "weather", arguments: '{"city":"Paris"}' } }] },
        { role: "tool", tool_call_id: "t1", content: "sunny" },
      ],
      tools: [{ type: "function", function: { name: "weather", parameters: { type: "object" } } }],
      tool_choice: { type: "function", function: { name: "weather" } },
      max_completion_tokens: 50,
      temperature: 0.5,
      top_p: 0.9,
      stop: ["X"],
    });
    expect(out).toEqual({
      messages: [
        { role: "user", content: [{ text: "Weather?" }, { image: { format: "jpeg", source: { bytes: "AAAA" } } }] },
        { role: "assistant", content: [{ toolUse: { toolUseId: "t1", name: "weather", input: { city: "Paris" } } }] },
        { role: "user", content: [{ toolResult: { toolUseId: "t1", content: [{ text: "sunny" }] } }] },
      ],
      system: [{ text: "Be brief." }],
      inferenceConfig: { maxTokens: 50, temperature: 0.5, topP: 0.9, stopSequences: ["X"] },
      toolConfig: { tools: [{ toolSpec: { name: "weather", inputSchema: { json: { type: "object" } } } }], toolChoice: { tool: { name: "weather" } } },
    });
    expect(conversePath("arn:aws:bedrock:us-east-1::foundation-model/x", true)).toBe("/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A%3Afoundation-model%2Fx/converse-stream");
  });

  it("refuses JSON mode and remote images with a clear 400", () => {
    const json = converseRequestBody(chatRequest({ model: "m", messages: [{ role: "user", content: "x" }], response_format: { type: "json_object" } }));
    expect(isProviderError(json) && json.class === "bad_request" && /JSON mode/.test(json.message)).toBe(true);
    const url = converseRequestBody(chatRequest({ model: "m", messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://x/y.png" } }] }] }));
    expect(isProviderError(url) && /data URLs/.test(url.message)).toBe(true);
  });

  it("signs with SigV4 for service bedrock", async () => {
    const headers = await signBedrockRequest(
      { host: "bedrock-runtime.us-east-1.amazonaws.com", path: conversePath("m:1", false), headers: { "content-type": "application/json" }, body: "{}" },
      "us-east-1",
      { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret", sessionToken: "tok" },
    );
    expect(headers["authorization"]).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/bedrock\/aws4_request, SignedHeaders=[^,]*host[^,]*, Signature=[0-9a-f]{64}$/,
    );
    expect(headers["x-amz-security-token"]).toBe("tok");
    expect(headers["x-amz-date"]).toMatch(/^\d{8}T\d{6}Z$/);
  });
});

describe("bedrock response", () => {
  it("maps text, toolUse, stopReason and usage", () => {
    const out = decodeConverseResponse(
      Buffer.from(
        JSON.stringify({
          output: { message: { role: "assistant", content: [{ text: "ok" }, { toolUse: { toolUseId: "t1", name: "f", input: { a: 1 } } }] } },
          stopReason: "tool_use",
          usage: { inputTokens: 10, outputTokens: 4, totalTokens: 24, cacheReadInputTokens: 8, cacheWriteInputTokens: 2 },
        }),
      ),
      "m",
      "r1",
    );
    if (isProviderError(out)) throw new Error(out.message);
    expect(out.usage).toEqual({ inputTokens: 20, outputTokens: 4, cachedInputTokens: 8, cacheCreationTokens: 2, reasoningTokens: 0, source: "upstream" });
    const json = JSON.parse(out.body.toString());
    expect(json.choices[0]).toMatchObject({ finish_reason: "tool_calls", message: { content: "ok", tool_calls: [{ id: "t1", function: { name: "f", arguments: '{"a":1}' } }] } });
  });

  it("maps guardrail stops to content_filter", () => {
    const out = decodeConverseResponse(
      Buffer.from(JSON.stringify({ output: { message: { content: [] } }, stopReason: "guardrail_intervened", usage: { inputTokens: 1, outputTokens: 0, totalTokens: 1 } })),
      "m",
      "r",
    );
    if (isProviderError(out)) throw new Error(out.message);
    expect(JSON.parse(out.body.toString()).choices[0].finish_reason).toBe("content_filter");
  });
});

describe("bedrock stream", () => {
  const events: [string, unknown][] = [
    ["messageStart", { role: "assistant", p: "abc" }],
    ["contentBlockDelta", { contentBlockIndex: 0, delta: { text: "Hi " } }],
    ["contentBlockDelta", { contentBlockIndex: 0, delta: { text: "there" } }],
    ["contentBlockStop", { contentBlockIndex: 0 }],
    ["contentBlockStart", { contentBlockIndex: 1, start: { toolUse: { toolUseId: "t1", name: "f" } } }],
    ["contentBlockDelta", { contentBlockIndex: 1, delta: { toolUse: { input: '{"a":' } } }],
    ["contentBlockDelta", { contentBlockIndex: 1, delta: { toolUse: { input: "1}" } } }],
    ["contentBlockStop", { contentBlockIndex: 1 }],
    ["messageStop", { stopReason: "tool_use" }],
    ["metadata", { usage: { inputTokens: 9, outputTokens: 6, totalTokens: 15 }, metrics: { latencyMs: 5 } }],
  ];

  it("decodes binary frames split at every byte into OpenAI chunks", () => {
    const d = new ConverseStreamDecoder("m", "r1", true);
    const bytes = frames(events);
    let out = "";
    for (let i = 0; i < bytes.length; i++) out += d.push(bytes.subarray(i, i + 1))?.toString() ?? "";
    out += d.end()?.toString() ?? "";
    expect(d.complete).toBe(true);
    expect(out.endsWith("data: [DONE]\n\n")).toBe(true);
    const cs = chunks(out);
    expect(cs.map((c) => c.choices[0]?.delta ?? null)).toEqual([
      { role: "assistant", content: "" },
      { content: "Hi " },
      { content: "there" },
      { tool_calls: [{ index: 0, id: "t1", type: "function", function: { name: "f", arguments: "" } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"a":' } }] },
      { tool_calls: [{ index: 0, function: { arguments: "1}" } }] },
      {},
      null,
    ]);
    expect(cs[6]!.choices[0]!.finish_reason).toBe("tool_calls");
    expect(cs[7]!.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 6, total_tokens: 15 });
    expect(d.outputChars).toBe(8 + 7);
  });

  it("classifies an exception frame inside the 200 stream", () => {
    const d = new ConverseStreamDecoder("m", "r1", false);
    d.push(Buffer.concat([frames(events.slice(0, 2)), frames([["throttlingException", { message: "Too many requests" }]], true)]));
    expect(d.error).toMatchObject({ class: "rate_limited", status: 200, code: "throttlingException" });
    expect(d.complete).toBe(false);
  });

  it("rejects a frame whose CRC does not match", () => {
    const d = new ConverseStreamDecoder("m", "r1", false);
    const bytes = Buffer.from(frames(events.slice(0, 1)));
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 6) ^ 0xff, bytes.length - 6);
    d.push(bytes);
    expect(d.error?.class).toBe("server");
    expect(d.error?.message).toMatch(/corrupt/);
  });

  it("is incomplete when cut before messageStop", () => {
    const d = new ConverseStreamDecoder("m", "r1", false);
    d.push(frames(events.slice(0, 3)));
    expect(d.end()).toBeNull();
    expect(d.complete).toBe(false);
  });
});

describe("bedrock errors", () => {
  it("classifies by x-amzn-errortype", () => {
    const body = (m: string) => Buffer.from(JSON.stringify({ message: m }));
    expect(classifyBedrockError(429, { "x-amzn-errortype": "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/" }, body("Too many"))).toMatchObject({
      class: "rate_limited",
      code: "ThrottlingException",
    });
    expect(classifyBedrockError(400, { "x-amzn-errortype": "ValidationException" }, body("Input is too long for requested model.")).class).toBe("context_too_long");
    expect(classifyBedrockError(400, { "x-amzn-errortype": "ValidationException" }, body("Malformed input request")).class).toBe("bad_request");
    expect(classifyBedrockError(403, { "x-amzn-errortype": "AccessDeniedException" }, body("denied")).class).toBe("auth");
    expect(classifyBedrockError(503, {}, body("unavailable")).class).toBe("overloaded");
    expect(classifyBedrockError(424, { "x-amzn-errortype": "ModelErrorException" }, body("x")).class).toBe("server");
  });
});
