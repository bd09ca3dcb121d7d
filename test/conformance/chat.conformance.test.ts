/**
 * The adapter conformance suite: the same cases (plain text, multi-turn, system prompt,
 * tools, streaming with and without usage, errors, usage accounting) against every
 * adapter setup in adapter-setups.ts, through the gateway, with the official `openai`
 * client. Usage must be the same three times: what the mock reported, what the client
 * sees, and what the gateway accounted (its `tollgate_tokens_total` counters).
 */
import OpenAI from "openai";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { completionText, estimatePromptTokens } from "../../tools/mock-upstream/content.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import { compileYaml, sha256Hex } from "../support/compile.js";
import { assertConforms } from "../support/openai-spec.js";
import { parsePrometheusText } from "../support/prometheus-text.js";
import { ADAPTER_SETUPS, type AdapterSetup } from "./adapter-setups.js";
import { LISTENERS } from "../support/listeners.js";

const CLIENT_KEY = "sk-tg-conformance";

function policy(setup: AdapterSetup, mock: MockUpstream): string {
  return `apiVersion: tollgate/v1
listener: { metrics: true }
providers:
${setup.provider(mock)}models:
  - { name: text, targets: [{ provider: up, model: "echo+tokens=5" }] }
  - { name: limited, targets: [{ provider: up, model: "echo+status=429+retry=3" }] }
  - { name: rejecting, targets: [{ provider: up, model: "echo+status=400" }] }
  - { name: failing, targets: [{ provider: up, model: "echo+status=500" }] }
consumers:
  - name: c
    keys: [{ sha256: ${sha256Hex(CLIENT_KEY)} }]
`;
}

const SYSTEM = { role: "system" as const, content: "You are a terse assistant that answers in one line." };
const USER = { role: "user" as const, content: "Say something." };
const WEATHER_TOOL = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Weather for a city",
    parameters: { type: "object", properties: { city: { type: "string" }, days: { type: "integer" } }, required: ["city"] },
  },
};

describe.each(ADAPTER_SETUPS.flatMap((setup) => LISTENERS.map((server) => [setup.name, server, setup] as const)))(
  "adapter conformance: %s (%s listener)",
  (_name, server, setup) => {
    let mock: MockUpstream;
    let gw: Gateway;
    let client: OpenAI;

    beforeAll(async () => {
      setQuietLogs(true);
      mock = await startMockUpstream(setup.mockKey === undefined ? {} : { requireApiKey: setup.mockKey });
      gw = await startGateway({ plan: compileYaml(policy(setup, mock)), port: 0, server, env: { ...setup.env } });
      client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: CLIENT_KEY, maxRetries: 0 });
    });
    afterAll(async () => {
      await gw?.close();
      await mock?.close();
    });

    /** Token counters of model `text`, by type. */
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
      // The record is finished when the response ends; give the observer its turn.
      await new Promise((r) => setTimeout(r, 20));
      const after = await tokens();
      return { result, input: (after["input"] ?? 0) - (before["input"] ?? 0), output: (after["output"] ?? 0) - (before["output"] ?? 0) };
    }

    it("plain text: the completion, its shape, and usage equal to the upstream's and the gateway's accounting", async () => {
      const { result, input, output } = await accounted(() => client.chat.completions.create({ model: "text", messages: [USER] }));
      assertConforms("CreateChatCompletionResponse", JSON.parse(JSON.stringify(result)));
      expect(result.choices[0]?.message.content).toBe(completionText(5));
      expect(result.choices[0]?.finish_reason).toBe("stop");
      const prompt = estimatePromptTokens([USER]);
      expect(result.usage).toMatchObject({ prompt_tokens: prompt, completion_tokens: 5, total_tokens: prompt + 5 });
      expect({ input, output }).toEqual({ input: prompt, output: 5 });
    });

    it("system prompt and multi-turn: every message reaches the model", async () => {
      const messages = [SYSTEM, USER, { role: "assistant" as const, content: "Something." }, { role: "user" as const, content: "Again, longer." }];
      const result = await client.chat.completions.create({ model: "text", messages });
      expect(result.choices[0]?.message.content).toBe(completionText(5));
      expect(result.usage?.prompt_tokens).toBe(estimatePromptTokens(messages));
    });

    it("tools: a tool call with parseable arguments, then text after the tool result", async () => {
      const first = await client.chat.completions.create({ model: "text", messages: [USER], tools: [WEATHER_TOOL] });
      const choice = first.choices[0]!;
      expect(choice.finish_reason).toBe("tool_calls");
      const call = choice.message.tool_calls?.[0];
      expect(call?.type).toBe("function");
      if (call?.type !== "function") throw new Error("no function call");
      expect(call.function.name).toBe("get_weather");
      expect(JSON.parse(call.function.arguments)).toEqual({ city: "mock", days: 1 });
      const second = await client.chat.completions.create({
        model: "text",
        tools: [WEATHER_TOOL],
        messages: [USER, choice.message, { role: "tool", tool_call_id: call.id, content: '{"temp":21}' }],
      });
      expect(second.choices[0]?.message.content).toBe(completionText(5));
    });

    it("tools, streamed: the call arrives in fragments the client reassembles", async () => {
      const stream = await client.chat.completions.create({ model: "text", messages: [USER], tools: [WEATHER_TOOL], stream: true });
      let name = "";
      let args = "";
      let finish: string | null = null;
      for await (const chunk of stream) {
        const delta = chunk.choices[0]?.delta;
        name += delta?.tool_calls?.[0]?.function?.name ?? "";
        args += delta?.tool_calls?.[0]?.function?.arguments ?? "";
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      expect(name).toBe("get_weather");
      expect(JSON.parse(args)).toEqual({ city: "mock", days: 1 });
      expect(finish).toBe("tool_calls");
    });

    it("streaming without include_usage: the text, no usage chunk, yet the gateway accounts the upstream's usage", async () => {
      const {
        result: chunks,
        input,
        output,
      } = await accounted(async () => {
        const stream = await client.chat.completions.create({ model: "text", messages: [USER], stream: true });
        const all = [];
        for await (const chunk of stream) all.push(chunk);
        return all;
      });
      for (const c of chunks) assertConforms("CreateChatCompletionStreamResponse", JSON.parse(JSON.stringify(c)));
      expect(chunks.map((c) => c.choices[0]?.delta?.content ?? "").join("")).toBe(completionText(5));
      expect(chunks.every((c) => c.choices.length === 1 && !("usage" in c))).toBe(true);
      expect({ input, output }).toEqual({ input: estimatePromptTokens([USER]), output: 5 });
    });

    it("streaming with include_usage: the client gets the usage chunk, equal to the gateway's accounting", async () => {
      const {
        result: usage,
        input,
        output,
      } = await accounted(async () => {
        const stream = await client.chat.completions.create({ model: "text", messages: [USER], stream: true, stream_options: { include_usage: true } });
        let last = null;
        for await (const chunk of stream) if (chunk.usage) last = chunk.usage;
        return last;
      });
      const prompt = estimatePromptTokens([USER]);
      expect(usage).toMatchObject({ prompt_tokens: prompt, completion_tokens: 5, total_tokens: prompt + 5 });
      expect({ input, output }).toEqual({ input: prompt, output: 5 });
    });

    it("errors: a provider 429 reaches the client as 429 with retry-after", async () => {
      const err = await client.chat.completions.create({ model: "limited", messages: [USER] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.RateLimitError);
      expect((err as InstanceType<typeof OpenAI.RateLimitError>).headers?.get("retry-after")).toBe("3");
    });

    it("errors: a provider 400 (the request's fault) reaches the client as 400", async () => {
      const err = await client.chat.completions.create({ model: "rejecting", messages: [USER] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    });

    it("errors: a provider 500 becomes the gateway's 502, in the OpenAI shape, naming no internals", async () => {
      const err = await client.chat.completions.create({ model: "failing", messages: [USER] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.InternalServerError);
      expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
      expect(JSON.stringify((err as InstanceType<typeof OpenAI.APIError>).error)).not.toMatch(/127\.0\.0\.1|sk-upstream/);
    });
  },
);
