/**
 * Reliability end to end, with the official `openai` client against both listeners and
 * faults injected through the mock upstream's model-name directives: retries with
 * backoff and retry-after, fallback conditions per error class, key rotation and key
 * ejection, the circuit breaker (no traffic while ejected, one trial when half-open),
 * the attempt budget, the degraded answer, the first-token timeout before and after the
 * commit point, and hedging. Attempts are counted from the mock's request log.
 */
import OpenAI, { APIError } from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import { compileYaml, sha256Hex } from "../support/compile.js";
import { LISTENERS } from "../support/listeners.js";

const KEY = "sk-tg-reliability";
const KEY_A = "sk-rel-a";
const KEY_B = "sk-rel-b";
const messages = [{ role: "user" as const, content: "Hello" }];

function policy(port: number): string {
  const base = `http://127.0.0.1:${port}/v1`;
  return `apiVersion: tollgate/v1
providers:
  - { name: mock, kind: openai-compatible, baseUrl: "${base}", timeouts: { connect: 1s, firstByte: 6s, idle: 6s, total: 10s } }
  - { name: keyed, kind: openai-compatible, baseUrl: "${base}", apiKeys: [env:TG_REL_KEY_A, env:TG_REL_KEY_B] }
  - { name: keyed2, kind: openai-compatible, baseUrl: "${base}", apiKeys: [env:TG_REL_KEY_A, env:TG_REL_KEY_B] }
  - name: sick
    kind: openai-compatible
    baseUrl: "${base}"
    health: { consecutiveFailures: 2, cooldown: 700ms, maxCooldown: 10s }
  - name: sick2
    kind: openai-compatible
    baseUrl: "${base}"
    health: { consecutiveFailures: 1, cooldown: 30s, maxCooldown: 1m }
  - name: probed
    kind: openai-compatible
    baseUrl: "${base}"
    health: { consecutiveFailures: 1, cooldown: 30s, maxCooldown: 1m, probe: { interval: 150ms, timeout: 100ms } }
  - { name: quick, kind: openai-compatible, baseUrl: "${base}", timeouts: { firstToken: 400ms, total: 10s } }
models:
  - name: retrying
    targets: [{ provider: mock, model: "r1+status=503+first=2" }]
    retry: { attempts: 2, backoff: { base: 20ms, max: 50ms } }
  - name: retry-after
    targets: [{ provider: mock, model: "ra+status=429+retry=1+first=1" }]
    retry: { attempts: 1 }
  - name: retry-after-too-long
    targets: [{ provider: mock, model: "rb+status=429+retry=9" }]
    fallbacks: [{ provider: mock, model: rb-fallback }]
    retry: { attempts: 1, maxRetryAfter: 2s }
  - name: context
    targets: [{ provider: mock, model: "small+status=400+code=context_length_exceeded" }]
    fallbacks:
      - { provider: mock, model: other }
      - { provider: mock, model: large, on: [context_too_long] }
  - name: filtered
    targets: [{ provider: mock, model: "strict+status=400+code=content_filter" }]
    fallbacks:
      - { provider: mock, model: "never-for-filter" }
      - { provider: mock, model: lenient, on: [content_filtered] }
  - name: keys429
    targets: [{ provider: keyed, model: "k1+limitkey=${KEY_A}+retry=30" }]
  - name: keys401
    targets: [{ provider: keyed2, model: "k2+badkey=${KEY_A}" }]
  - name: breaker
    targets: [{ provider: sick, model: "b+status=500" }]
    fallbacks: [{ provider: mock, model: b-ok }]
  - name: split
    targets: [{ provider: sick2, model: "sp+status=500", weight: 1 }, { provider: mock, model: sp-ok, weight: 1 }]
  - name: probed-model
    targets: [{ provider: probed, model: "p+status=500+first=1" }]
    fallbacks: [{ provider: mock, model: p-ok }]
  - name: budget
    targets: [{ provider: mock, model: "bu1+status=500" }]
    fallbacks: [{ provider: mock, model: "bu2+status=500" }, { provider: mock, model: bu3 }]
    retry: { attempts: 1, backoff: { base: 10ms, max: 10ms } }
    maxAttempts: 3
  - name: degraded
    targets: [{ provider: mock, model: "d+status=503" }]
    degraded: { status: 200, message: "We are busy; here is a placeholder answer." }
  - name: degraded-error
    targets: [{ provider: mock, model: "d2+status=500" }]
    degraded: { status: 503, message: "Come back later." }
  - name: ttft
    targets: [{ provider: quick, model: "t1+ttft=4000" }]
    fallbacks: [{ provider: mock, model: t-ok }]
  - name: ttft-late
    targets: [{ provider: quick, model: "t2+pad=9000+ttft=4000" }]
    fallbacks: [{ provider: mock, model: t-unused }]
  - name: hedged
    targets: [{ provider: mock, model: "h-slow+ttft=5000" }]
    fallbacks: [{ provider: mock, model: h-fast }]
    hedge: { delay: 200ms }
  - name: hedged-json
    targets: [{ provider: mock, model: "hj-slow+latency=5000" }]
    fallbacks: [{ provider: mock, model: hj-fast }]
    hedge: { delay: 200ms }
consumers:
  - name: c
    keys: [{ sha256: ${sha256Hex(KEY)} }]
`;
}

describe.each(LISTENERS)("reliability (%s listener)", (server) => {
  let mock: MockUpstream;
  let gw: Gateway;
  let client: OpenAI;

  beforeAll(async () => {
    setQuietLogs(true);
    mock = await startMockUpstream({ port: 0, defaults: { tokens: 5 } });
    gw = await startGateway({ plan: compileYaml(policy(mock.port)), port: 0, server, env: { TG_REL_KEY_A: KEY_A, TG_REL_KEY_B: KEY_B } });
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: KEY, maxRetries: 0 });
  });
  afterAll(async () => {
    await gw.close();
    await mock.close();
  });
  beforeEach(() => {
    mock.requests.length = 0;
  });

  /** The chat requests the mock received for a model string (probes and other GETs have no body). */
  const chats = (model: string) => mock.requests.filter((r) => r.method === "POST" && (JSON.parse(r.body) as { model: string }).model === model);
  const sent = (model: string): number => chats(model).length;
  const keysUsed = (model: string): string[] => chats(model).map((r) => String(r.headers.authorization));

  it("retries the same target with backoff until it answers, exactly as often as the plan says", async () => {
    const res = await client.chat.completions.create({ model: "retrying", messages }).withResponse();
    expect(res.data.choices[0]?.message.content).toBeTruthy();
    expect(sent("r1+status=503+first=2")).toBe(3);
    expect(res.response.headers.get("x-tollgate-attempts")).toBe("3");
  });

  it("honours retry-after before retrying", async () => {
    const started = performance.now();
    const res = await client.chat.completions.create({ model: "retry-after", messages });
    expect(res.choices[0]?.message.content).toBeTruthy();
    expect(sent("ra+status=429+retry=1+first=1")).toBe(2);
    // A lower bound only: the gateway waited the 1 s the upstream asked for.
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("moves on at once when retry-after is longer than the policy allows", async () => {
    const res = await client.chat.completions.create({ model: "retry-after-too-long", messages });
    expect(res.model).toBe("rb-fallback");
    expect(sent("rb+status=429+retry=9")).toBe(1);
  });

  it("sends context_too_long only to the fallback that names it, and content_filtered to its alternative", async () => {
    const long = await client.chat.completions.create({ model: "context", messages });
    expect(long.model).toBe("large");
    expect(sent("other")).toBe(0);
    const filtered = await client.chat.completions.create({ model: "filtered", messages });
    expect(filtered.model).toBe("lenient");
    expect(sent("never-for-filter")).toBe(0);
  });

  it("a rate-limited key moves the request to the next key of the same provider", async () => {
    const res = await client.chat.completions.create({ model: "keys429", messages });
    expect(res.choices[0]?.message.content).toBeTruthy();
    const model = `k1+limitkey=${KEY_A}+retry=30`;
    expect(keysUsed(model)).toEqual([`Bearer ${KEY_A}`, `Bearer ${KEY_B}`]);
    // Key A rests for its retry-after: the next requests use key B only.
    mock.requests.length = 0;
    for (let i = 0; i < 3; i++) await client.chat.completions.create({ model: "keys429", messages });
    expect(keysUsed(model)).toEqual([`Bearer ${KEY_B}`, `Bearer ${KEY_B}`, `Bearer ${KEY_B}`]);
  });

  it("a key answered with 401 is taken out, reported, and gets no more traffic", async () => {
    const model = `k2+badkey=${KEY_A}`;
    for (let i = 0; i < 4; i++) {
      const res = await client.chat.completions.create({ model: "keys401", messages });
      expect(res.choices[0]?.message.content).toBeTruthy();
    }
    expect(keysUsed(model).filter((k) => k === `Bearer ${KEY_A}`)).toHaveLength(1);
    expect(keysUsed(model).filter((k) => k === `Bearer ${KEY_B}`)).toHaveLength(4);
    const metrics = await gw.metrics.render();
    expect(metrics).toMatch(/tollgate_upstream_ejections_total\{gen_ai_provider_name="keyed2",scope="key"\} [1-9]/);
  });

  it("ejects a failing endpoint: no traffic until half-open, one trial, then ejected for longer", async () => {
    const sick = "b+status=500";
    for (let i = 0; i < 2; i++) expect((await client.chat.completions.create({ model: "breaker", messages })).model).toBe("b-ok");
    expect(sent(sick)).toBe(2);
    for (let i = 0; i < 3; i++) expect((await client.chat.completions.create({ model: "breaker", messages })).model).toBe("b-ok");
    expect(sent(sick)).toBe(2); // open: nothing reached it
    expect(await gw.metrics.render()).toContain('tollgate_upstream_health{gen_ai_provider_name="sick"} 0');
    await new Promise((r) => setTimeout(r, 800));
    expect((await client.chat.completions.create({ model: "breaker", messages })).model).toBe("b-ok");
    expect(sent(sick)).toBe(3); // the half-open trial
    for (let i = 0; i < 3; i++) await client.chat.completions.create({ model: "breaker", messages });
    expect(sent(sick)).toBe(3); // open again, for twice as long
    expect(await gw.metrics.render()).toMatch(/tollgate_upstream_ejections_total\{gen_ai_provider_name="sick",scope="endpoint"\} 2/);
  });

  it("an ejected target leaves the first pick: its weight goes to the healthy target, with no failed attempt first", async () => {
    const sick = "sp+status=500";
    // Draw until the sick target has been picked once and ejected (1 failure).
    for (let i = 0; i < 40 && sent(sick) === 0; i++) await client.chat.completions.create({ model: "split", messages });
    expect(sent(sick)).toBe(1);
    for (let i = 0; i < 20; i++) {
      const res = await client.chat.completions.create({ model: "split", messages }).withResponse();
      expect(res.data.model).toBe("sp-ok");
      expect(res.response.headers.get("x-tollgate-attempts")).toBe("1");
    }
    expect(sent(sick)).toBe(1);
  });

  it("an active probe brings an ejected endpoint back before its cool-down ends", async () => {
    const model = "p+status=500+first=1";
    expect((await client.chat.completions.create({ model: "probed-model", messages })).model).toBe("p-ok");
    expect(sent(model)).toBe(1); // failed once: ejected for 30 s
    await expect.poll(() => mock.requests.filter((r) => r.method === "GET" && r.path === "/v1/models").length, { timeout: 5000 }).toBeGreaterThan(0);
    await expect.poll(async () => (await gw.metrics.render()).includes('tollgate_upstream_health{gen_ai_provider_name="probed"} 1'), { timeout: 5000 }).toBe(true);
    expect((await client.chat.completions.create({ model: "probed-model", messages })).model).toBe("p");
    expect(sent(model)).toBe(2);
  });

  it("stops at the attempt budget", async () => {
    const error = await client.chat.completions.create({ model: "budget", messages }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect(sent("bu1+status=500") + sent("bu2+status=500") + sent("bu3")).toBe(3);
    expect(sent("bu3")).toBe(0);
  });

  it("serves the degraded answer as an assistant message, streamed or not, and as an error with its status", async () => {
    const res = await client.chat.completions.create({ model: "degraded", messages }).withResponse();
    expect(res.data.choices[0]?.message.content).toBe("We are busy; here is a placeholder answer.");
    expect(res.response.headers.get("x-tollgate-degraded")).toBe("1");
    const stream = await client.chat.completions.create({ model: "degraded", messages, stream: true });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("We are busy; here is a placeholder answer.");
    const error = await client.chat.completions.create({ model: "degraded-error", messages }).catch((e: unknown) => e);
    expect((error as APIError).status).toBe(503);
    expect((error as APIError).message).toContain("Come back later.");
    expect(await gw.metrics.render()).toMatch(/tollgate_degraded_responses_total\{gen_ai_request_model="degraded"\} 2/);
  });

  it("a first-token timeout before the commit point falls back", async () => {
    const stream = await client.chat.completions.create({ model: "ttft", messages, stream: true });
    let model = "";
    let text = "";
    for await (const chunk of stream) {
      model = chunk.model;
      text += chunk.choices[0]?.delta.content ?? "";
    }
    expect(model).toBe("t-ok");
    expect(text.length).toBeGreaterThan(0);
    expect(sent("t1+ttft=4000")).toBe(1);
  });

  it("a first-token timeout after the commit point ends the stream with an error event", async () => {
    const stream = await client.chat.completions.create({ model: "ttft-late", messages, stream: true });
    const drain = async (): Promise<void> => {
      for await (const _ of stream) {
        /* drain */
      }
    };
    await expect(drain()).rejects.toThrow(/no token in time/);
    expect(sent("t-unused")).toBe(0);
  });

  it("hedges a slow stream: the faster answer is relayed and the slow attempt is cancelled", async () => {
    const stream = await client.chat.completions.create({ model: "hedged", messages, stream: true });
    let model = "";
    for await (const chunk of stream) model = chunk.model;
    expect(model).toBe("h-fast");
    const slow = chats("h-slow+ttft=5000")[0];
    expect(slow).toBeDefined();
    await expect.poll(() => slow?.closedEarly === true).toBe(true);
  });

  it("hedges a slow non-streamed request the same way", async () => {
    const res = await client.chat.completions.create({ model: "hedged-json", messages });
    expect(res.model).toBe("hj-fast");
    const slow = chats("hj-slow+latency=5000")[0];
    await expect.poll(() => slow?.closedEarly === true).toBe(true);
    expect(await gw.metrics.render()).toMatch(/tollgate_hedged_requests_total\{gen_ai_request_model="hedged-json",winner="hedge"\} 1/);
  });
});
