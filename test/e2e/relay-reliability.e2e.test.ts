/**
 * The relay endpoints (embeddings, audio) run the same attempt loop as chat: retries
 * with backoff, per-class fallback conditions, circuit breakers, key rotation and the
 * attempt header, end to end with the official `openai` client against both listeners
 * and faults scripted in the mock upstream's model names. Attempts are counted from the
 * mock's request log.
 */
import OpenAI, { APIError } from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import { compileYaml, sha256Hex } from "../support/compile.js";
import { LISTENERS } from "../support/listeners.js";

const KEY = "sk-tg-relay-reliability";
const KEY_A = "sk-relay-a";
const KEY_B = "sk-relay-b";

function policy(port: number): string {
  const base = `http://127.0.0.1:${port}/v1`;
  return `apiVersion: tollgate/v1
providers:
  - { name: mock, kind: openai-compatible, baseUrl: "${base}" }
  - { name: keyed, kind: openai-compatible, baseUrl: "${base}", apiKeys: [env:TG_RR_KEY_A, env:TG_RR_KEY_B] }
  - name: sick
    kind: openai-compatible
    baseUrl: "${base}"
    health: { consecutiveFailures: 2, cooldown: 30s, maxCooldown: 1m }
models:
  - name: emb-retrying
    targets: [{ provider: mock, model: "er+status=503+first=2" }]
    retry: { attempts: 2, backoff: { base: 10ms, max: 20ms } }
  - name: emb-context
    targets: [{ provider: mock, model: "es+status=400+code=context_length_exceeded" }]
    fallbacks:
      - { provider: mock, model: eo }
      - { provider: mock, model: el, on: [context_too_long] }
  - name: emb-only-on-context
    targets: [{ provider: mock, model: "ex+status=500" }]
    fallbacks: [{ provider: mock, model: ey, on: [context_too_long] }]
  - name: emb-breaker
    targets: [{ provider: sick, model: "eb+status=500" }]
    fallbacks: [{ provider: mock, model: eb-ok }]
  - name: emb-keys
    targets: [{ provider: keyed, model: "ek+limitkey=${KEY_A}+retry=30" }]
  - name: emb-degraded
    targets: [{ provider: mock, model: "ed+status=503" }]
    degraded: { status: 503, message: "Embeddings are resting." }
consumers:
  - name: c
    keys: [{ sha256: ${sha256Hex(KEY)} }]
`;
}

describe.each(LISTENERS)("relay endpoints under faults (%s listener)", (server) => {
  let mock: MockUpstream;
  let gw: Gateway;
  let client: OpenAI;

  beforeAll(async () => {
    setQuietLogs(true);
    mock = await startMockUpstream({ port: 0 });
    gw = await startGateway({ plan: compileYaml(policy(mock.port)), port: 0, server, env: { TG_RR_KEY_A: KEY_A, TG_RR_KEY_B: KEY_B } });
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: KEY, maxRetries: 0 });
  });
  afterAll(async () => {
    await gw.close();
    await mock.close();
  });
  beforeEach(() => {
    mock.requests.length = 0;
  });

  const calls = (model: string) => mock.requests.filter((r) => r.method === "POST" && r.path === "/v1/embeddings" && (JSON.parse(r.body) as { model: string }).model === model);
  const sent = (model: string): number => calls(model).length;

  it("retries the same target with backoff, exactly as often as the plan says", async () => {
    const res = await client.embeddings.create({ model: "emb-retrying", input: "hello" }).withResponse();
    expect(res.data.data[0]?.embedding.length).toBeGreaterThan(0);
    expect(sent("er+status=503+first=2")).toBe(3);
    expect(res.response.headers.get("x-tollgate-attempts")).toBe("3");
  });

  it("sends context_too_long only to the fallback that names it", async () => {
    const res = await client.embeddings.create({ model: "emb-context", input: "a long text" });
    expect(res.model).toBe("el");
    expect(sent("eo")).toBe(0);
  });

  it("does not fall back on a class the fallback does not name", async () => {
    const err = await client.embeddings.create({ model: "emb-only-on-context", input: "x" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).status).toBe(502);
    expect(sent("ey")).toBe(0);
  });

  it("ejects a failing endpoint: after the threshold no embeddings call reaches it", async () => {
    for (let i = 0; i < 5; i++) expect((await client.embeddings.create({ model: "emb-breaker", input: "x" })).model).toBe("eb-ok");
    expect(sent("eb+status=500")).toBe(2);
    expect(await gw.metrics.render()).toContain('tollgate_upstream_health{gen_ai_provider_name="sick"} 0');
  });

  it("a rate-limited key moves the request to the provider's next key, which the next requests keep using", async () => {
    const model = `ek+limitkey=${KEY_A}+retry=30`;
    await client.embeddings.create({ model: "emb-keys", input: "x" });
    expect(calls(model).map((r) => r.headers.authorization)).toEqual([`Bearer ${KEY_A}`, `Bearer ${KEY_B}`]);
    mock.requests.length = 0;
    for (let i = 0; i < 3; i++) await client.embeddings.create({ model: "emb-keys", input: "x" });
    expect(calls(model).map((r) => r.headers.authorization)).toEqual([`Bearer ${KEY_B}`, `Bearer ${KEY_B}`, `Bearer ${KEY_B}`]);
  });

  it("answers a model's degraded error status when every attempt failed", async () => {
    const err = await client.embeddings.create({ model: "emb-degraded", input: "x" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).status).toBe(503);
    expect((err as APIError).message).toContain("Embeddings are resting.");
    expect((err as APIError).headers?.get("x-tollgate-degraded")).toBe("1");
  });
});
