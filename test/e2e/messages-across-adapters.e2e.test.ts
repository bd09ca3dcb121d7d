/**
 * The official `@anthropic-ai/sdk` against the gateway's `POST /v1/messages`, routed to
 * every adapter setup of the conformance harness (OpenAI-compatible, Azure, Anthropic,
 * Bedrock, Gemini, Vertex; all through the mock), on both listeners: messages, streams,
 * tool round trips, and usage equal three times over (the mock's numbers, what the client
 * sees, and the gateway's own `tollgate_tokens_total`).
 */
import Anthropic from "@anthropic-ai/sdk";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { completionText, estimatePromptTokens } from "../../tools/mock-upstream/content.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import { ADAPTER_SETUPS, type AdapterSetup } from "../conformance/adapter-setups.js";
import { compileYaml, sha256Hex } from "../support/compile.js";
import { parsePrometheusText } from "../support/prometheus-text.js";
import { LISTENERS } from "../support/listeners.js";

const CLIENT_KEY = "sk-tg-messages";
/** Protocols whose mock can end a 200 stream with an in-stream error (`streamerror`). */
const IN_STREAM_ERRORS = new Set(["anthropic", "bedrock", "gemini", "vertex"]);

function policy(setup: AdapterSetup, mock: MockUpstream): string {
  return `apiVersion: tollgate/v1
listener: { metrics: true }
providers:
${setup.provider(mock)}models:
  - { name: text, targets: [{ provider: up, model: "echo+tokens=5" }] }
  - name: shaky
    targets: [{ provider: up, model: "echo+tokens=4+streamerror=0" }]
    fallbacks: [{ provider: up, model: "echo+tokens=3" }]
consumers:
  - name: c
    keys: [{ sha256: ${sha256Hex(CLIENT_KEY)} }]
`;
}

const USER = "Say something, please.";
const WEATHER = { name: "get_weather", description: "Weather for a city", input_schema: { type: "object" as const, properties: { city: { type: "string" } }, required: ["city"] } };

describe.each(ADAPTER_SETUPS.flatMap((setup) => LISTENERS.map((server) => [setup.name, server, setup] as const)))(
  "Anthropic SDK → /v1/messages → %s (%s listener)",
  (name, server, setup) => {
    let mock: MockUpstream;
    let gw: Gateway;
    let client: Anthropic;

    beforeAll(async () => {
      setQuietLogs(true);
      mock = await startMockUpstream(setup.mockKey === undefined ? {} : { requireApiKey: setup.mockKey });
      gw = await startGateway({ plan: compileYaml(policy(setup, mock)), port: 0, server, env: { ...setup.env } });
      client = new Anthropic({ baseURL: gw.url, apiKey: CLIENT_KEY, maxRetries: 0 });
    });
    afterAll(async () => {
      await gw?.close();
      await mock?.close();
    });

    async function tokens(): Promise<Record<string, number>> {
      const res = await request(`${gw.url}/metrics`);
      const out: Record<string, number> = {};
      for (const s of parsePrometheusText(await res.body.text())) {
        if (s.name === "tollgate_tokens_total" && s.labels["gen_ai_request_model"] === "text") out[s.labels["gen_ai_token_type"]!] = s.value;
      }
      return out;
    }

    async function accounted<T>(call: () => Promise<T>): Promise<{ result: T; input: number; output: number }> {
      const before = await tokens();
      const result = await call();
      await new Promise((r) => setTimeout(r, 20));
      const after = await tokens();
      return { result, input: (after["input"] ?? 0) - (before["input"] ?? 0), output: (after["output"] ?? 0) - (before["output"] ?? 0) };
    }

    const prompt = estimatePromptTokens([{ content: USER }]);

    it("a message: text, stop reason, and usage equal to the upstream's and the gateway's accounting", async () => {
      const { result, input, output } = await accounted(() => client.messages.create({ model: "text", max_tokens: 64, messages: [{ role: "user", content: USER }] }));
      expect(result.content).toEqual([expect.objectContaining({ type: "text", text: completionText(5) })]);
      expect(result.stop_reason).toBe("end_turn");
      expect(result.usage).toMatchObject({ input_tokens: prompt, output_tokens: 5 });
      expect({ input, output }).toEqual({ input: prompt, output: 5 });
    });

    it("a stream: the event sequence, the text, and usage in message_delta equal to the accounting", async () => {
      const { result, input, output } = await accounted(async () => {
        const stream = client.messages.stream({ model: "text", max_tokens: 64, messages: [{ role: "user", content: USER }] });
        const types: string[] = [];
        for await (const e of stream) types.push(e.type);
        return { types, final: await stream.finalMessage() };
      });
      expect(result.types[0]).toBe("message_start");
      expect(result.types.slice(-2)).toEqual(["message_delta", "message_stop"]);
      expect(result.final.content).toEqual([expect.objectContaining({ type: "text", text: completionText(5) })]);
      expect(result.final.usage).toMatchObject({ input_tokens: prompt, output_tokens: 5 });
      expect({ input, output }).toEqual({ input: prompt, output: 5 });
    });

    it("tools: a tool_use block with parsed input, then text after the tool_result", async () => {
      const first = await client.messages.create({ model: "text", max_tokens: 64, tools: [WEATHER], messages: [{ role: "user", content: USER }] });
      expect(first.stop_reason).toBe("tool_use");
      const use = first.content.find((b) => b.type === "tool_use");
      expect(use).toMatchObject({ type: "tool_use", name: "get_weather", input: { city: "mock" } });
      const streamed = await client.messages.stream({ model: "text", max_tokens: 64, tools: [WEATHER], messages: [{ role: "user", content: USER }] }).finalMessage();
      expect(streamed.content.find((b) => b.type === "tool_use")).toMatchObject({ name: "get_weather", input: { city: "mock" } });
      const second = await client.messages.create({
        model: "text",
        max_tokens: 64,
        tools: [WEATHER],
        messages: [
          { role: "user", content: USER },
          { role: "assistant", content: first.content },
          { role: "user", content: [{ type: "tool_result", tool_use_id: (use as { id: string }).id, content: '{"temp":21}' }] },
        ],
      });
      expect(second.content).toEqual([expect.objectContaining({ type: "text", text: completionText(5) })]);
    });

    // Only protocols with in-stream error events get this case (registered, not skipped, for the others).
    if (IN_STREAM_ERRORS.has(name.split(" ")[0]!)) {
      it("an error inside the provider's 200 stream, before any content, falls back to the next target", async () => {
        const final = await client.messages.stream({ model: "shaky", max_tokens: 64, messages: [{ role: "user", content: USER }] }).finalMessage();
        expect(final.content).toEqual([expect.objectContaining({ type: "text", text: completionText(3) })]);
      });
    }
  },
);
