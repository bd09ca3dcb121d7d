/**
 * Recorded OpenAI (and Azure OpenAI) traffic replayed through the gateway: the client
 * gets the provider's bytes exactly (bodies, streams, error fields), the gateway asks
 * for stream usage upstream without the client seeing any difference, and its
 * accounting equals the usage the provider reported.
 */
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normalizeOpenAIUsage } from "../../runtime/adapters/openai-compatible/usage.js";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import { loadCassette, startReplayUpstream, type Cassette, type ReplayUpstream } from "../support/cassettes.js";
import { compileYaml, sha256Hex } from "../support/compile.js";
import { parsePrometheusText } from "../support/prometheus-text.js";
import { sseData } from "../support/sse.js";
import { LISTENERS } from "../support/listeners.js";

const KEY = "sk-tg-cassettes";
const OK_BODIES = [
  "chat-basic",
  "chat-detailed-usage",
  "chat-json-mode",
  "chat-multiturn",
  "chat-multimodal",
  "chat-tools",
  "chat-parallel-tools",
  "chat-reasoning",
  "chat-image-to-text",
  "chat-web-search",
  "chat-openai-agents-python",
];
const STREAMS = ["chat-streaming", "chat-streaming-detailed-usage", "chat-streaming-web-search"];
const ERRORS = ["chat-bad-request", "chat-unknown-model"];

function modelsOf(names: readonly string[]): string[] {
  return [...new Set(names.map((n) => (JSON.parse(loadCassette(n).request.body) as { model: string }).model))];
}

describe.each(LISTENERS)("recorded provider traffic through the gateway (%s listener)", (server) => {
  let replay: ReplayUpstream;
  let gw: Gateway;

  beforeAll(async () => {
    setQuietLogs(true);
    replay = await startReplayUpstream();
    const models = modelsOf([...OK_BODIES, ...STREAMS, ...ERRORS, "azure-chat-basic"]);
    const policy = `apiVersion: tollgate/v1
listener: { metrics: true }
providers:
  - { name: openai, kind: openai, baseUrl: "${replay.url}/v1", apiKeys: [env:OPENAI_KEY] }
  - { name: azure, kind: azure-openai, baseUrl: "${replay.url}", apiKeys: [env:AZURE_KEY], azure: { apiVersion: "2025-01-01-preview" } }
models:
${models.map((m) => `  - { name: ${JSON.stringify(m)}, targets: [{ provider: openai }] }`).join("\n")}
  - { name: azure-gpt, targets: [{ provider: azure, model: my-deployment }] }
consumers:
  - { name: c, keys: [{ sha256: ${sha256Hex(KEY)} }] }
`;
    gw = await startGateway({ plan: compileYaml(policy), port: 0, server, env: { OPENAI_KEY: "sk-openai", AZURE_KEY: "azure-key" } });
  });
  afterAll(async () => {
    await gw?.close();
    await replay?.close();
  });

  async function tokens(model: string): Promise<Record<string, number>> {
    const res = await request(`${gw.url}/metrics`);
    const out: Record<string, number> = {};
    for (const s of parsePrometheusText(await res.body.text())) {
      if (s.name === "tollgate_tokens_total" && s.labels["gen_ai_request_model"] === model) out[s.labels["gen_ai_token_type"]!] = s.value;
    }
    return out;
  }

  async function replayThrough(c: Cassette, body = c.request.body): Promise<{ status: number; text: string; accounted: Record<string, number> }> {
    replay.play(c);
    const model = (JSON.parse(body) as { model: string }).model;
    const before = await tokens(model);
    const res = await request(`${gw.url}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" }, body });
    const text = await res.body.text();
    await new Promise((r) => setTimeout(r, 20));
    const after = await tokens(model);
    const accounted = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]));
    return { status: res.statusCode, text, accounted };
  }

  function expectedTokens(usage: unknown): Record<string, number> {
    const u = normalizeOpenAIUsage(usage)!;
    return { input: u.inputTokens, output: u.outputTokens, cached_input: u.cachedInputTokens, cache_creation: u.cacheCreationTokens, reasoning: u.reasoningTokens };
  }

  it.each(OK_BODIES)("%s: the recorded body, byte for byte, and its usage accounted", async (name) => {
    const c = loadCassette(name);
    const { status, text, accounted } = await replayThrough(c);
    expect(status).toBe(200);
    expect(text).toBe(c.response.body);
    expect(replay.received.at(-1)!.body).toBe(c.request.body);
    expect(accounted).toEqual(expectedTokens((JSON.parse(c.response.body) as { usage: unknown }).usage));
  });

  it.each(STREAMS)("%s: the recorded stream, byte for byte, usage requested upstream and accounted", async (name) => {
    const c = loadCassette(name);
    const { status, text, accounted } = await replayThrough(c);
    expect(status).toBe(200);
    expect(text).toBe(c.response.body);
    const sent = JSON.parse(replay.received.at(-1)!.body) as { stream_options?: { include_usage?: boolean } };
    expect(sent.stream_options?.include_usage).toBe(true);
    const usageChunk = sseData(c.response.body)
      .filter((d) => d !== "[DONE]")
      .map((d) => JSON.parse(d) as { usage?: unknown })
      .find((chunk) => chunk.usage !== null && chunk.usage !== undefined);
    // A recording made without include_usage has no usage to account: then none is invented.
    if (usageChunk !== undefined) expect(accounted).toEqual(expectedTokens(usageChunk.usage));
    else expect(accounted["input"] ?? 0).toBe(0);
  });

  it.each(ERRORS)("%s: the provider's status and error fields reach the client, with no retry", async (name) => {
    const c = loadCassette(name);
    const before = replay.received.length;
    const { status, text } = await replayThrough(c);
    expect(status).toBe(c.response.status);
    expect(JSON.parse(text)).toEqual({ error: { ...(JSON.parse(c.response.body) as { error: object }).error } });
    expect(replay.received.length - before).toBe(1);
  });

  it("azure-chat-basic: the deployment URL, api-version and api-key, the recorded body back", async () => {
    const c = loadCassette("azure-chat-basic");
    const body = JSON.stringify({ ...(JSON.parse(c.request.body) as object), model: "azure-gpt" });
    const { status, text, accounted } = await replayThrough(c, body);
    expect(status).toBe(200);
    expect(text).toBe(c.response.body);
    const seen = replay.received.at(-1)!;
    expect(seen.path).toBe("/openai/deployments/my-deployment/chat/completions?api-version=2025-01-01-preview");
    expect(seen.headers["api-key"]).toBe("azure-key");
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.body).toBe(body);
    expect(accounted).toEqual(expectedTokens((JSON.parse(c.response.body) as { usage: unknown }).usage));
  });
});
