/** The mock as the official OpenAI SDK sees it: shapes, streaming, usage, max_tokens. */
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { completionText } from "./content.js";
import { startMockUpstream, type MockUpstream } from "./index.js";

let mock: MockUpstream;
let client: OpenAI;

beforeAll(async () => {
  mock = await startMockUpstream({ defaults: { tokens: 5 } });
  client = new OpenAI({ baseURL: mock.url, apiKey: "sk-test", maxRetries: 0 });
});
afterAll(() => mock.close());

const messages = [
  { role: "system" as const, content: "You are terse." },
  { role: "user" as const, content: "Say something." },
];

describe("chat completions", () => {
  it("answers a non-streaming request in the chat.completion shape", async () => {
    const completion = await client.chat.completions.create({ model: "echo", messages });
    expect(completion).toMatchObject({
      id: expect.stringMatching(/^chatcmpl-mock-\d+$/),
      object: "chat.completion",
      model: "echo",
      system_fingerprint: null,
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: completionText(5), refusal: null },
          logprobs: null,
          finish_reason: "stop",
        },
      ],
      // 28 characters of content / 4.
      usage: { prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 },
    });
    expect(completion.choices[0]?.message.content).toBe("Tollgate mock says: the quick ");
  });

  it("streams tokens + 2 chunks with one id, ending in finish_reason stop", async () => {
    const stream = await client.chat.completions.create({ model: "echo+tokens=7", messages, stream: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks).toHaveLength(7 + 2);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks.every((c) => c.model === "echo" && c.object === "chat.completion.chunk")).toBe(true);
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: "assistant", content: "", refusal: null });
    expect(chunks.at(-1)?.choices[0]).toEqual({ index: 0, delta: {}, logprobs: null, finish_reason: "stop" });
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe(completionText(7));
    expect(chunks.some((c) => "usage" in c)).toBe(false);
  });

  it("adds the include_usage chunk and usage:null on every earlier chunk", async () => {
    const stream = await client.chat.completions.create({
      model: "echo",
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks).toHaveLength(5 + 3);
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 },
    });
  });

  it("caps the completion at max_tokens with finish_reason length", async () => {
    const completion = await client.chat.completions.create({ model: "echo", messages, max_completion_tokens: 2 });
    expect(completion.choices[0]).toMatchObject({ finish_reason: "length", message: { content: completionText(2) } });
    const stream = await client.chat.completions.create({ model: "echo", messages, max_tokens: 3, stream: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks).toHaveLength(3 + 2);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("length");
  });

  it("paces a stream by ttft and tps, delta by delta", async () => {
    const started = performance.now();
    const stream = await client.chat.completions.create({ model: "slow+ttft=30+tps=100+tokens=4", messages, stream: true });
    const arrivals: number[] = [];
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content) arrivals.push(performance.now() - started);
    expect(arrivals).toHaveLength(4);
    // ttft 30 ms, then 10 ms per token: ~30, 40, 50, 60 (timers only promise "not earlier").
    expect(arrivals[0]).toBeGreaterThanOrEqual(28);
    expect((arrivals[3] ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThanOrEqual(28);
  });

  it("serves the model list and deterministic embeddings", async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain("echo");
    const a = await client.embeddings.create({ model: "embed", input: ["hello", "world"] });
    const b = await client.embeddings.create({ model: "embed", input: "hello" });
    expect(a.data).toHaveLength(2);
    expect(a.data[0]?.embedding).toHaveLength(8);
    expect(b.data[0]?.embedding).toEqual(a.data[0]?.embedding);
    expect(a.data[1]?.embedding).not.toEqual(a.data[0]?.embedding);
  });

  it("records requests with their body", async () => {
    await client.chat.completions.create({ model: "echo+tokens=1", messages });
    const last = mock.requests.at(-1);
    expect(last).toMatchObject({ method: "POST", path: "/v1/chat/completions" });
    expect(last?.headers.authorization).toBe("Bearer sk-test");
    expect(JSON.parse(last?.body ?? "{}")).toMatchObject({ model: "echo+tokens=1" });
  });
});
