/**
 * `POST /v1/responses` end to end with the official `openai` client (`responses.create`,
 * `responses.stream`): passed through to OpenAI and Azure OpenAI (the request as sent,
 * the provider's stateful features intact), translated to and from chat for Anthropic,
 * Bedrock and Gemini (text, tools, usage), with chat's routing, guardrails, quotas,
 * fallbacks and accounting; a stateful request a translated provider cannot honour gets
 * a clear 400 (or goes to a target that speaks the API natively).
 */
import OpenAI from "openai";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LISTENERS } from "../support/listeners.js";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import { completionText } from "../../tools/mock-upstream/content.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { compileYaml, sha256Hex } from "../support/compile.js";
import { parsePrometheusText } from "../support/prometheus-text.js";

const KEY = "sk-tg-responses";
const QUOTA_KEY = "sk-tg-responses-quota";
const UP = "sk-upstream";

function policy(mock: MockUpstream): string {
  const root = mock.url.replace(/\/v1$/, "");
  return `apiVersion: tollgate/v1
listener: { metrics: true }
providers:
  - { name: oai, kind: openai, baseUrl: "${mock.url}", apiKeys: [env:UP] }
  - { name: az1, kind: azure-openai, baseUrl: "${root}", apiKeys: [env:UP], azure: { apiVersion: v1 } }
  - { name: azd, kind: azure-openai, baseUrl: "${root}", apiKeys: [env:UP], azure: { apiVersion: "2025-04-01-preview" } }
  - { name: claude, kind: anthropic, baseUrl: "${mock.url}", apiKeys: [env:UP] }
  - { name: aws, kind: bedrock, baseUrl: "${root}", bedrock: { region: us-east-1, accessKeyId: env:UP, secretAccessKey: env:SECRET } }
  - { name: gem, kind: gemini, baseUrl: "${root}/v1beta", apiKeys: [env:UP] }
models:
  - { name: gpt, targets: [{ provider: oai, model: "echo+tokens=6" }] }
  - { name: azure-v1, targets: [{ provider: az1, model: "dep+tokens=4" }] }
  - { name: azure-dated, targets: [{ provider: azd, model: "dep+tokens=4" }] }
  - { name: claude, targets: [{ provider: claude, model: "echo+tokens=5" }] }
  - { name: nova, targets: [{ provider: aws, model: "echo+tokens=5" }] }
  - { name: gemini, targets: [{ provider: gem, model: "echo+tokens=5" }] }
  - { name: claude-or-gpt, targets: [{ provider: claude, model: "echo+tokens=3" }], fallbacks: [{ provider: oai, model: "echo+tokens=3" }] }
  - { name: broken-claude, targets: [{ provider: claude, model: "echo+status=500" }], fallbacks: [{ provider: oai, model: "echo+tokens=2" }] }
  - name: guarded
    targets: [{ provider: claude, model: "echo+tokens=3" }]
    guardrails: [no-falcon]
  - { name: metered, targets: [{ provider: claude, model: "echo+tokens=3" }] }
guardrails:
  - name: no-falcon
    input:
      denyTerms: [{ terms: [project falcon], action: block }]
consumers:
  - { name: c, keys: [{ sha256: ${sha256Hex(KEY)} }] }
  - { name: q, keys: [{ sha256: ${sha256Hex(QUOTA_KEY)} }] }
quotas:
  - { name: two-a-minute, unit: requests, limit: 2, per: minute, scope: consumer, match: { consumers: [q] } }
`;
}

describe.each(LISTENERS)("the Responses API through the gateway (%s listener)", (server) => {
  let mock: MockUpstream;
  let gw: Gateway;
  let client: OpenAI;

  beforeAll(async () => {
    setQuietLogs(true);
    mock = await startMockUpstream({ requireApiKey: UP });
    gw = await startGateway({ plan: compileYaml(policy(mock)), port: 0, server, env: { UP, SECRET: "s" } });
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: KEY, maxRetries: 0 });
  });
  afterAll(async () => {
    await gw?.close();
    await mock?.close();
  });

  const last = () => mock.requests.at(-1)!;

  async function tokens(model: string): Promise<Record<string, number>> {
    const res = await request(`${gw.url}/metrics`);
    const out: Record<string, number> = {};
    for (const s of parsePrometheusText(await res.body.text())) {
      if (s.name === "tollgate_tokens_total" && s.labels["gen_ai_request_model"] === model)
        out[s.labels["gen_ai_token_type"]!] = (out[s.labels["gen_ai_token_type"]!] ?? 0) + s.value;
    }
    return out;
  }

  describe("passed through to OpenAI and Azure OpenAI", () => {
    it("responses.create: the request as sent (model renamed), the provider's response as it is, usage accounted", async () => {
      const before = await tokens("gpt");
      const res = await client.responses.create({ model: "gpt", instructions: "Be brief.", input: "Say something." });
      expect(res.object).toBe("response");
      expect(res.id).toMatch(/^resp_mock/);
      expect(res.output_text).toBe(completionText(6));
      const sent = last();
      expect(sent.path).toBe("/v1/responses");
      expect(JSON.parse(sent.body)).toEqual({ model: "echo+tokens=6", instructions: "Be brief.", input: "Say something." });
      await new Promise((r) => setTimeout(r, 20));
      const after = await tokens("gpt");
      expect((after["output"] ?? 0) - (before["output"] ?? 0)).toBe(6);
      expect((after["input"] ?? 0) - (before["input"] ?? 0)).toBe(res.usage!.input_tokens);
    });

    it("responses.stream: the provider's events as they are, the final response assembled by the SDK", async () => {
      const stream = client.responses.stream({ model: "gpt", input: "Stream please." });
      const types = new Set<string>();
      for await (const event of stream) types.add(event.type);
      const final = await stream.finalResponse();
      expect(final.output_text).toBe(completionText(6));
      expect(final.usage?.output_tokens).toBe(6);
      expect([...types]).toEqual(expect.arrayContaining(["response.created", "response.output_text.delta", "response.completed"]));
    });

    it("stateful features pass through: previous_response_id and store reach OpenAI", async () => {
      const res = await client.responses.create({ model: "gpt", input: "And then?", previous_response_id: "resp_earlier", store: true });
      expect(res.previous_response_id).toBe("resp_earlier");
      expect(JSON.parse(last().body)).toMatchObject({ previous_response_id: "resp_earlier", store: true });
    });

    it("Azure OpenAI at its own URLs: /openai/v1/responses and /openai/responses?api-version, the deployment as model, api-key", async () => {
      const v1 = await client.responses.create({ model: "azure-v1", input: "Hi" });
      expect(v1.output_text).toBe(completionText(4));
      expect(last().path).toBe("/openai/v1/responses");
      expect(last().headers["api-key"]).toBe(UP);
      expect(JSON.parse(last().body).model).toBe("dep+tokens=4");
      const dated = await client.responses.create({ model: "azure-dated", input: "Hi" });
      expect(dated.output_text).toBe(completionText(4));
      expect(last().path).toBe("/openai/responses?api-version=2025-04-01-preview");
    });
  });

  describe.each([
    ["claude", "/v1/messages"],
    ["nova", "/model/echo%2Btokens%3D5/converse"],
    ["gemini", "/v1beta/models/echo%2Btokens%3D5:generateContent"],
  ])("translated to and from chat: %s", (model, path) => {
    it("responses.create: text, usage, and the chat translation upstream", async () => {
      const before = await tokens(model);
      const res = await client.responses.create({ model, instructions: "Be brief.", input: "Say something.", max_output_tokens: 50 });
      expect(res.object).toBe("response");
      expect(res.status).toBe("completed");
      expect(res.output_text).toBe(completionText(5));
      expect(res.output[0]).toMatchObject({ type: "message", role: "assistant", content: [{ type: "output_text", text: completionText(5) }] });
      expect(res.usage).toMatchObject({ output_tokens: 5 });
      expect(res.usage!.input_tokens).toBeGreaterThan(0);
      expect(last().path).toBe(path);
      expect(last().body).toContain("Be brief.");
      await new Promise((r) => setTimeout(r, 20));
      const after = await tokens(model);
      expect((after["output"] ?? 0) - (before["output"] ?? 0)).toBe(5);
      expect((after["input"] ?? 0) - (before["input"] ?? 0)).toBe(res.usage!.input_tokens);
    });

    it("responses.stream: Responses events the SDK assembles, usage in response.completed", async () => {
      const stream = client.responses.stream({ model, input: "Stream please." });
      const types: string[] = [];
      let deltas = "";
      for await (const event of stream) {
        types.push(event.type);
        if (event.type === "response.output_text.delta") deltas += event.delta;
      }
      const final = await stream.finalResponse();
      expect(deltas).toBe(completionText(5));
      expect(final.output_text).toBe(completionText(5));
      expect(final.usage).toMatchObject({ output_tokens: 5 });
      expect(types[0]).toBe("response.created");
      expect(types.at(-1)).toBe("response.completed");
      expect(types).toEqual(expect.arrayContaining(["response.output_item.added", "response.content_part.added", "response.output_text.done", "response.output_item.done"]));
    });

    it("tools: a function call item with JSON arguments, created and streamed; its output sent back as a tool result", async () => {
      const tools = [
        {
          type: "function" as const,
          name: "get_weather",
          description: "Weather",
          parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
          strict: false,
        },
      ];
      const res = await client.responses.create({ model, input: "Weather in Paris?", tools });
      const call = res.output.find((o) => o.type === "function_call");
      expect(call).toMatchObject({ type: "function_call", name: "get_weather" });
      expect(JSON.parse((call as { arguments: string }).arguments)).toEqual({ city: "mock" });
      const stream = client.responses.stream({ model, input: "Weather in Paris?", tools });
      const final = await stream.finalResponse();
      const streamed = final.output.find((o) => o.type === "function_call") as { arguments: string; call_id: string } | undefined;
      expect(JSON.parse(streamed!.arguments)).toEqual({ city: "mock" });
      const callId = (call as { call_id: string }).call_id;
      const followUp = await client.responses.create({
        model,
        tools,
        input: [
          { role: "user", content: "Weather in Paris?" },
          { type: "function_call", call_id: callId, name: "get_weather", arguments: '{"city":"Paris"}' },
          { type: "function_call_output", call_id: callId, output: "sunny, 21 °C" },
        ],
      });
      expect(followUp.output_text).toBe(completionText(5));
      expect(last().body).toContain("sunny, 21 °C");
    });

    it("stateful features the gateway cannot honour here get a clear 400", async () => {
      for (const extra of [{ previous_response_id: "resp_x" }, { store: true }] as const) {
        const err = await client.responses.create({ model, input: "Hi", ...extra }).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(OpenAI.BadRequestError);
        const e = err as InstanceType<typeof OpenAI.BadRequestError>;
        expect(e.error).toMatchObject({ param: Object.keys(extra)[0], type: "invalid_request_error" });
        expect(e.message).toMatch(/keeps responses/);
      }
    });
  });

  describe("chat's routing, reliability, guardrails and quotas", () => {
    it("a stateful request skips a translated target for one that speaks the API", async () => {
      const res = await client.responses.create({ model: "claude-or-gpt", input: "Hi", previous_response_id: "resp_earlier" }).withResponse();
      expect(res.data.previous_response_id).toBe("resp_earlier");
      expect(last().path).toBe("/v1/responses");
      const plain = await client.responses.create({ model: "claude-or-gpt", input: "Hi" });
      expect(plain.output_text).toBe(completionText(3));
      expect(last().path).toBe("/v1/messages");
    });

    it("falls back like chat: a failing translated target, then a passthrough one", async () => {
      const res = await client.responses.create({ model: "broken-claude", input: "Hi" }).withResponse();
      expect(res.data.output_text).toBe(completionText(2));
      expect(res.response.headers.get("x-tollgate-attempts")).toBe("2");
    });

    it("input guardrails check the Responses input", async () => {
      const err = await client.responses.create({ model: "guarded", input: [{ role: "user", content: [{ type: "input_text", text: "Tell me about Project Falcon." }] }] }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      expect((err as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({ code: "content_blocked" });
    });

    it("quotas count Responses requests", async () => {
      const limited = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: QUOTA_KEY, maxRetries: 0 });
      await limited.responses.create({ model: "metered", input: "1" });
      await limited.responses.create({ model: "metered", input: "2" });
      await expect(limited.responses.create({ model: "metered", input: "3" })).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    });

    it("stored responses are not the gateway's: GET /v1/responses/{id} is a clear 400", async () => {
      const err = await client.responses.retrieve("resp_abc").then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      expect((err as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({ code: "responses_not_stored" });
    });

    it("a request that is not a Responses request gets a 400 naming the field", async () => {
      const res = await request(`${gw.url}/v1/responses`, {
        method: "POST",
        headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "claude", input: [{ type: "computer_call", id: "x" }] }),
      });
      expect(res.statusCode).toBe(400);
      expect(((await res.body.json()) as { error: { param: string } }).error.param).toBe("input[0].type");
    });
  });
});
