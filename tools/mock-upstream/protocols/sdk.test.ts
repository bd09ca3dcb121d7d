/**
 * The mock's provider protocols as the official SDKs see them: `@anthropic-ai/sdk`,
 * `@aws-sdk/client-bedrock-runtime` (custom endpoint, dummy credentials: its SigV4
 * signer signs, the mock checks the key id) and `@google/genai` (custom base URL).
 * If an SDK parses it, the mock speaks the real format.
 */
import Anthropic from "@anthropic-ai/sdk";
import { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand, InvokeModelCommand, type ConverseStreamOutput } from "@aws-sdk/client-bedrock-runtime";
import { ApiError, GoogleGenAI } from "@google/genai";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { completionText } from "../content.js";
import { embed, embedFor } from "../embeddings.js";
import { startMockUpstream, type MockUpstream } from "../index.js";

let mock: MockUpstream;
let origin: string;
let anthropic: Anthropic;
let bedrock: BedrockRuntimeClient;
let gemini: GoogleGenAI;

beforeAll(async () => {
  mock = await startMockUpstream({ defaults: { tokens: 5 }, requireApiKey: "k-test" });
  origin = `http://127.0.0.1:${mock.port}`;
  anthropic = new Anthropic({ baseURL: origin, apiKey: "k-test", maxRetries: 0 });
  // HTTP/1.1: the SDK's default HTTP/2 handler needs TLS-less h2, which the mock does not speak.
  bedrock = new BedrockRuntimeClient({
    region: "us-east-1",
    endpoint: origin,
    credentials: { accessKeyId: "k-test", secretAccessKey: "dummy" },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler(),
  });
  gemini = new GoogleGenAI({ apiKey: "k-test", httpOptions: { baseUrl: origin } });
});
afterAll(() => mock.close());

const weatherTool = { name: "weather", description: "Weather of a city", input_schema: { type: "object" as const, properties: { query: { type: "string" } } } };

describe("anthropic protocol (@anthropic-ai/sdk)", () => {
  it("answers a message with usage; max_tokens caps it with stop_reason max_tokens", async () => {
    const m = await anthropic.messages.create({ model: "echo+cached=1", max_tokens: 100, system: "Be terse.", messages: [{ role: "user", content: "Say something now." }] });
    expect(m).toMatchObject({ type: "message", role: "assistant", model: "echo", stop_reason: "end_turn", content: [{ type: "text", text: completionText(5) }] });
    // (9 + 17 characters) / 4 → 7 prompt tokens, 1 of them from the cache.
    expect(m.usage).toMatchObject({ input_tokens: 6, cache_read_input_tokens: 1, output_tokens: 5 });
    const capped = await anthropic.messages.create({ model: "echo", max_tokens: 2, messages: [{ role: "user", content: "x" }] });
    expect(capped.stop_reason).toBe("max_tokens");
    expect(capped.usage.output_tokens).toBe(2);
  });

  it("streams the documented event sequence", async () => {
    const stream = anthropic.messages.stream({ model: "echo+tokens=3", max_tokens: 100, messages: [{ role: "user", content: "Hi" }] });
    const types: string[] = [];
    for await (const e of stream) types.push(e.type);
    expect(types).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    const final = await stream.finalMessage();
    expect(final.content).toEqual([expect.objectContaining({ type: "text", text: completionText(3) })]);
    expect(final.usage.output_tokens).toBe(3);
  });

  it("calls a declared tool, streamed and not", async () => {
    const m = await anthropic.messages.create({ model: "echo+tokens=2", max_tokens: 100, tools: [weatherTool], messages: [{ role: "user", content: "Paris?" }] });
    expect(m.stop_reason).toBe("tool_use");
    // Arguments are filled from the schema ("mock" for strings); the call counts (7 + 16) / 4 → 6 tokens.
    expect(m.content).toEqual([expect.objectContaining({ type: "tool_use", name: "weather", input: { query: "mock" } })]);
    expect(m.usage.output_tokens).toBe(6);
    const final = await anthropic.messages
      .stream({ model: "echo+tokens=2", max_tokens: 100, tools: [weatherTool], messages: [{ role: "user", content: "Paris?" }] })
      .finalMessage();
    expect(final.content).toEqual([expect.objectContaining({ type: "tool_use", name: "weather", input: { query: "mock" } })]);
    const after = await anthropic.messages.create({
      model: "echo+tokens=2",
      max_tokens: 100,
      tools: [weatherTool],
      messages: [
        { role: "user", content: "Paris?" },
        { role: "assistant", content: m.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: (m.content[0] as { id: string }).id, content: "sunny" }] },
      ],
    });
    expect(after.content).toEqual([expect.objectContaining({ type: "text", text: completionText(2) })]);
  });

  it("answers scripted errors in Anthropic's error shape, and an error event inside a 200 stream", async () => {
    const err = await anthropic.messages.create({ model: "echo+status=529", max_tokens: 10, messages: [{ role: "user", content: "x" }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
    expect((err as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: "error", error: { type: "overloaded_error" } });
    const limited = await anthropic.messages.create({ model: "echo+status=429", max_tokens: 10, messages: [{ role: "user", content: "x" }] }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    const inStream = await anthropic.messages
      .stream({ model: "echo+streamerror=2", max_tokens: 10, messages: [{ role: "user", content: "x" }] })
      .finalMessage()
      .catch((e: unknown) => e);
    expect(inStream).toBeInstanceOf(Anthropic.APIError);
    expect(String(inStream)).toMatch(/overloaded_error/);
    const bad = await new Anthropic({ baseURL: origin, apiKey: "wrong", maxRetries: 0 }).messages
      .create({ model: "echo", max_tokens: 10, messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(Anthropic.AuthenticationError);
  });
});

describe("bedrock protocol (@aws-sdk/client-bedrock-runtime)", () => {
  const messages = [{ role: "user" as const, content: [{ text: "Say something now." }] }];

  it("answers InvokeModel for Titan and Cohere embedding models in their native bodies", async () => {
    const invoke = async (modelId: string, body: unknown): Promise<Record<string, unknown>> => {
      const r = await bedrock.send(new InvokeModelCommand({ modelId, contentType: "application/json", accept: "application/json", body: JSON.stringify(body) }));
      return JSON.parse(Buffer.from(r.body).toString("utf8")) as Record<string, unknown>;
    };
    const titan = await invoke("amazon.titan-embed-text-v2:0", { inputText: "hello there", dimensions: 256 });
    expect(titan).toMatchObject({ embedding: embedFor("amazon.titan-embed-text-v2:0", "hello there"), inputTextTokenCount: 3 });
    expect(mock.requests.at(-1)?.path).toBe("/model/amazon.titan-embed-text-v2%3A0/invoke");
    const cohere = await invoke("cohere.embed-english-v3", { texts: ["a", "b"], input_type: "search_document" });
    expect(cohere).toMatchObject({ embeddings: [embedFor("cohere.embed-english-v3", "a"), embedFor("cohere.embed-english-v3", "b")], response_type: "embeddings_floats" });
    const bad = await bedrock
      .send(new InvokeModelCommand({ modelId: "amazon.titan-embed-text-v1", body: JSON.stringify({ inputText: "x", dimensions: 256 }) }))
      .catch((e: unknown) => e as { name: string });
    expect(bad).toMatchObject({ name: "ValidationException" });
  });

  it("answers Converse with usage", async () => {
    const r = await bedrock.send(new ConverseCommand({ modelId: "echo+cached=2", messages, system: [{ text: "Be terse." }] }));
    expect(r.output?.message?.content).toEqual([{ text: completionText(5) }]);
    expect(r.stopReason).toBe("end_turn");
    expect(r.usage).toEqual({ inputTokens: 5, outputTokens: 5, totalTokens: 12, cacheReadInputTokens: 2 });
    const capped = await bedrock.send(new ConverseCommand({ modelId: "anthropic.claude-3:0", messages, inferenceConfig: { maxTokens: 2 } }));
    expect(capped.stopReason).toBe("max_tokens");
    expect(mock.requests.at(-1)?.path).toBe("/model/anthropic.claude-3%3A0/converse");
  });

  it("streams binary event-stream frames the SDK decodes (CRCs checked), tool use included", async () => {
    const r = await bedrock.send(
      new ConverseStreamCommand({
        modelId: "echo+tokens=2",
        messages,
        toolConfig: { tools: [{ toolSpec: { name: "weather", inputSchema: { json: { type: "object", properties: { days: { type: "integer" } } } } } }] },
      }),
    );
    const events: ConverseStreamOutput[] = [];
    for await (const e of r.stream!) events.push(e);
    expect(events.map((e) => Object.keys(e).find((k) => k !== "$unknown"))).toEqual([
      "messageStart",
      "contentBlockStart",
      "contentBlockDelta",
      "contentBlockDelta",
      "contentBlockStop",
      "messageStop",
      "metadata",
    ]);
    expect(events[1]?.contentBlockStart?.start?.toolUse).toMatchObject({ name: "weather" });
    expect(
      events
        .slice(2, 4)
        .map((e) => e.contentBlockDelta?.delta?.toolUse?.input)
        .join(""),
    ).toBe('{"days":1}');
    expect(events[5]?.messageStop?.stopReason).toBe("tool_use");
    expect(events[6]?.metadata?.usage).toMatchObject({ outputTokens: 5 });
  });

  it("answers scripted errors with x-amzn-errortype, and an exception frame inside a 200 stream", async () => {
    const err = await bedrock
      .send(new ConverseCommand({ modelId: "echo+status=429", messages }))
      .catch((e: unknown) => e as { name: string; $metadata: { httpStatusCode: number } });
    expect(err).toMatchObject({ name: "ThrottlingException", $metadata: { httpStatusCode: 429 } });
    const r = await bedrock.send(new ConverseStreamCommand({ modelId: "echo+streamerror=1", messages }));
    const seen = await (async () => {
      try {
        for await (const _ of r.stream!) void _;
        return null;
      } catch (e) {
        return e as { name: string };
      }
    })();
    expect(seen?.name).toBe("ModelStreamErrorException");
    const denied = await new BedrockRuntimeClient({
      region: "us-east-1",
      endpoint: origin,
      credentials: { accessKeyId: "other", secretAccessKey: "x" },
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler(),
    })
      .send(new ConverseCommand({ modelId: "echo", messages }))
      .then(
        () => null,
        (e: unknown) => e as { name: string },
      );
    expect(denied?.name).toBe("AccessDeniedException");
  });
});

describe("gemini protocol (@google/genai)", () => {
  it("answers generateContent with usageMetadata", async () => {
    const r = await gemini.models.generateContent({ model: "echo+cached=1", contents: "Say something now.", config: { systemInstruction: "Be terse." } });
    expect(r.text).toBe(completionText(5));
    expect(r.candidates?.[0]?.finishReason).toBe("STOP");
    expect(r.usageMetadata).toMatchObject({ promptTokenCount: 7, candidatesTokenCount: 5, totalTokenCount: 12, cachedContentTokenCount: 1 });
    expect(mock.requests.at(-1)?.path).toMatch(/^\/v1beta\/models\/echo.*:generateContent$/);
  });

  it("streams SSE (alt=sse) and calls declared functions", async () => {
    const stream = await gemini.models.generateContentStream({ model: "echo+tokens=3", contents: "Hi" });
    let text = "";
    let last;
    for await (const c of stream) {
      text += c.text ?? "";
      last = c;
    }
    expect(text).toBe(completionText(3));
    expect(last?.candidates?.[0]?.finishReason).toBe("STOP");
    expect(mock.requests.at(-1)?.path).toMatch(/:streamGenerateContent\?alt=sse$/);
    const tool = await gemini.models.generateContent({
      model: "echo+tokens=0",
      contents: "Paris?",
      config: { tools: [{ functionDeclarations: [{ name: "weather", parametersJsonSchema: { type: "object" } }] }] },
    });
    expect(tool.functionCalls).toEqual([{ name: "weather", args: {} }]);
  });

  it("answers scripted errors as Google errors, and an error object inside a 200 stream", async () => {
    const err = await gemini.models.generateContent({ model: "echo+status=503", contents: "x" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(503);
    expect(String((err as ApiError).message)).toMatch(/UNAVAILABLE/);
    const inStream = await (async () => {
      try {
        for await (const _ of await gemini.models.generateContentStream({ model: "echo+streamerror=1", contents: "x" })) void _;
        return null;
      } catch (e) {
        return e;
      }
    })();
    expect(String(inStream)).toMatch(/overloaded/);
  });

  it("embeds with embedContent and batchEmbedContents", async () => {
    const r = await gemini.models.embedContent({ model: "text-embedding-004", contents: ["a", "b"] });
    expect(r.embeddings).toHaveLength(2);
    expect(r.embeddings?.[0]?.values).toHaveLength(8);
    expect(r.embeddings?.map((e) => e.values)).toEqual([embed("a"), embed("b")]);
  });

  it("embeddings: outputDimensionality truncates from the end; scripted errors are Google errors", async () => {
    const r = await gemini.models.embedContent({ model: "gemini-embedding-001", contents: "hello", config: { outputDimensionality: 3, taskType: "RETRIEVAL_QUERY" } });
    expect(r.embeddings?.[0]?.values).toEqual(embed("hello").slice(0, 3));
    const limited = await gemini.models.embedContent({ model: "gemini-embedding-001+status=429", contents: "x" }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(ApiError);
    expect((limited as ApiError).status).toBe(429);
    expect(String((limited as ApiError).message)).toMatch(/RESOURCE_EXHAUSTED/);
  });
});

describe("vertex text embeddings :predict (@google/genai in Vertex mode)", () => {
  let vertex: GoogleGenAI;
  beforeAll(() => {
    // A fixed bearer token instead of Application Default Credentials (the mock checks the token).
    const authClient = { getRequestHeaders: async () => new Headers({ authorization: "Bearer k-test" }) };
    vertex = new GoogleGenAI({ vertexai: true, project: "p", location: "us-central1", httpOptions: { baseUrl: origin }, googleAuthOptions: { authClient } as never });
  });

  it("answers predictions with values and statistics.token_count, read by the SDK", async () => {
    const r = await vertex.models.embedContent({ model: "text-embedding-005", contents: ["alpha", "beta gamma"], config: { outputDimensionality: 4 } });
    expect(r.embeddings?.map((e) => e.values)).toEqual([embed("alpha").slice(0, 4), embed("beta gamma").slice(0, 4)]);
    expect(r.embeddings?.map((e) => e.statistics?.tokenCount)).toEqual([2, 3]);
    expect(r.metadata?.billableCharacterCount).toBe(15);
  });

  it("refuses a wrong token, and scripts errors in Google's shape", async () => {
    const bad = new GoogleGenAI({
      vertexai: true,
      project: "p",
      location: "us-central1",
      httpOptions: { baseUrl: origin },
      googleAuthOptions: { authClient: { getRequestHeaders: async () => new Headers({ authorization: "Bearer nope" }) } } as never,
    });
    const denied = await bad.models.embedContent({ model: "text-embedding-005", contents: "x" }).catch((e: unknown) => e);
    expect((denied as ApiError).status).toBe(401);
    const down = await vertex.models.embedContent({ model: "text-embedding-005+status=503", contents: "x" }).catch((e: unknown) => e);
    expect((down as ApiError).status).toBe(503);
    expect(String((down as ApiError).message)).toMatch(/UNAVAILABLE/);
  });
});
