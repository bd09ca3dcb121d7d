/** The mock's audio endpoints and tool calls, as the official OpenAI client uses them. */
import OpenAI, { toFile } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOCK_TRANSCRIPT, speechBytes } from "./audio.js";
import { startMockUpstream, type MockUpstream } from "./index.js";

let mock: MockUpstream;
let client: OpenAI;

beforeAll(async () => {
  mock = await startMockUpstream();
  client = new OpenAI({ baseURL: mock.url, apiKey: "sk-test", maxRetries: 0 });
});
afterAll(() => mock.close());

describe("audio", () => {
  it("transcribes an upload: text and seconds of audio (json and verbose_json)", async () => {
    const file = await toFile(Buffer.alloc(33_000, 1), "a.wav", { type: "audio/wav" });
    const json = await client.audio.transcriptions.create({ model: "whisper-1", file });
    expect(json.text).toBe(MOCK_TRANSCRIPT);
    expect((json as unknown as { usage: unknown }).usage).toEqual({ type: "duration", seconds: 3 });
    const verbose = await client.audio.transcriptions.create({ model: "whisper-1", file: await toFile(Buffer.alloc(100), "a.wav"), response_format: "verbose_json" });
    expect(verbose.duration).toBe(1);
  });

  it("speaks: audio bytes with the format's content-type", async () => {
    const res = await client.audio.speech.create({ model: "tts-1", voice: "alloy", input: "hello", response_format: "wav" });
    expect(res.headers.get("content-type")).toBe("audio/wav");
    expect(Buffer.from(await res.arrayBuffer()).equals(speechBytes(5))).toBe(true);
  });

  it("scripts failures by model directive, as for chat", async () => {
    const err = await client.audio.speech.create({ model: "tts-1+status=503", voice: "alloy", input: "x" }).catch((e: unknown) => e);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
  });
});

describe("tool calls", () => {
  const tools = [{ type: "function" as const, function: { name: "lookup", parameters: { type: "object", properties: { q: { type: "string" }, unit: { enum: ["c", "f"] } } } } }];

  it("calls the offered tool (or the one tool_choice names), then answers text after its result", async () => {
    const first = await client.chat.completions.create({ model: "echo", messages: [{ role: "user", content: "x" }], tools });
    const call = first.choices[0]!.message.tool_calls![0]!;
    expect(first.choices[0]!.finish_reason).toBe("tool_calls");
    expect(call.type === "function" && JSON.parse(call.function.arguments)).toEqual({ q: "mock", unit: "c" });
    const none = await client.chat.completions.create({ model: "echo", messages: [{ role: "user", content: "x" }], tools, tool_choice: "none" });
    expect(none.choices[0]!.finish_reason).toBe("stop");
  });
});
