/**
 * Quotas end to end, against both listeners: the mock upstream behind priced models,
 * the official `openai` client and raw undici, an injected clock (windows roll over
 * without sleeping). Admission answers 429 in the OpenAI shape with `retry-after`
 * and the `x-ratelimit-*` headers; successes carry the headers too; a downgrade
 * serves the cheaper model; upstream errors refund; the usage ledger and the budget
 * projection are on the admin listener.
 */
import OpenAI from "openai";
import { request } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import type { UsageReport } from "../../runtime/ops/usage-report.js";
import { compileYaml } from "../support/compile.js";
import { ADMIN_TOKEN, ADMIN_TOKEN_ENV, KEY_A, KEY_A2, KEY_B, quotaPolicy } from "../support/quota-policy.js";
import { LISTENERS } from "../support/listeners.js";

const HELLO = [{ role: "user" as const, content: "Hello!" }];
// 2030-03-10 12:00:15 UTC: 45 s left in the minute, 12 h in the day.
const T0 = Date.UTC(2030, 2, 10, 12, 0, 15);

describe.each(LISTENERS)("quotas end to end (%s listener)", (server) => {
  let mock: MockUpstream;
  let gw: Gateway | null = null;
  let now = T0;

  beforeAll(async () => {
    setQuietLogs(true);
    mock = await startMockUpstream({ port: 0 });
  });
  afterAll(async () => {
    await mock?.close();
  });
  afterEach(async () => {
    await gw?.close();
    gw = null;
  });

  async function start(quotas: string): Promise<Gateway> {
    now = T0;
    gw = await startGateway({ plan: compileYaml(quotaPolicy(mock.port, quotas)), port: 0, server, env: { [ADMIN_TOKEN_ENV]: ADMIN_TOKEN }, quotaClock: () => now });
    return gw;
  }

  const post = (g: Gateway, body: Record<string, unknown>, key = KEY_A, headers: Record<string, string> = {}) =>
    request(`${g.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });

  const usage = async (g: Gateway): Promise<UsageReport> => {
    const res = await request(`${g.adminUrl}/admin/usage`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.statusCode).toBe(200);
    return (await res.body.json()) as UsageReport;
  };

  it("refuses past a request limit with 429 in the OpenAI shape, retry-after and x-ratelimit headers; the next window admits again", async () => {
    const g = await start(`  - { name: three-a-minute, unit: requests, limit: 3, per: minute, scope: consumer }`);
    for (let i = 0; i < 3; i++) {
      const res = await post(g, { model: "pricey", messages: HELLO });
      expect(res.statusCode).toBe(200);
      expect(res.headers["x-ratelimit-limit-requests"]).toBe("3");
      expect(res.headers["x-ratelimit-remaining-requests"]).toBe(String(2 - i));
      expect(res.headers["x-ratelimit-reset-requests"]).toBe("45s");
      await res.body.text();
    }
    const refused = await post(g, { model: "pricey", messages: HELLO });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers["retry-after"]).toBe("45");
    expect(refused.headers["retry-after-ms"]).toBe("45000");
    expect(refused.headers["x-ratelimit-remaining-requests"]).toBe("0");
    const body = (await refused.body.json()) as { error: Record<string, unknown> };
    expect(Object.keys(body.error).sort()).toEqual(["code", "message", "param", "type"]);
    expect(body.error.code).toBe("rate_limit_exceeded");
    expect(body.error.message).toMatch(/quota `three-a-minute` is exhausted/);
    // Another consumer has its own counter.
    expect((await post(g, { model: "pricey", messages: HELLO }, KEY_B)).statusCode).toBe(200);
    // The official client sees a RateLimitError.
    const client = new OpenAI({ baseURL: `${g.url}/v1`, apiKey: KEY_A, maxRetries: 0 });
    await expect(client.chat.completions.create({ model: "pricey", messages: HELLO })).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    // The next minute.
    now = T0 + 45_000;
    expect((await post(g, { model: "pricey", messages: HELLO })).statusCode).toBe(200);
  });

  it("reserves prompt + max_tokens on a token limit and reports what remains", async () => {
    const g = await start(`  - { name: team-tokens, limit: 1000, per: day, scope: team }`);
    const res = await post(g, { model: "pricey", max_tokens: 300, messages: HELLO });
    expect(res.statusCode).toBe(200);
    expect(res.headers["x-ratelimit-limit-tokens"]).toBe("1000");
    const remaining = Number(res.headers["x-ratelimit-remaining-tokens"]);
    // Hello! is a few tokens plus the chat format's overhead; 300 reserved for output.
    expect(1000 - remaining - 300).toBeGreaterThan(5);
    expect(1000 - remaining - 300).toBeLessThan(20);
    expect(res.headers["x-ratelimit-reset-tokens"]).toBe("11h59m45s");
    await res.body.text();
    // Another member of team-a shares the counter: 700 output tokens cannot fit any more.
    const refused = await post(g, { model: "pricey", max_tokens: 990, messages: HELLO }, KEY_A2);
    expect(refused.statusCode).toBe(429);
    await refused.body.text();
    // Team B is not limited by team A's counter.
    expect((await post(g, { model: "pricey", max_tokens: 990, messages: HELLO }, KEY_B)).statusCode).toBe(200);
  });

  it("is a token bucket with burst: the burst at once, then the refill rate", async () => {
    const g = await start(`  - { name: bursty, unit: requests, limit: 60, per: minute, burst: 2 }`);
    expect((await post(g, { model: "pricey", messages: HELLO })).statusCode).toBe(200);
    expect((await post(g, { model: "pricey", messages: HELLO })).statusCode).toBe(200);
    const refused = await post(g, { model: "pricey", messages: HELLO });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers["retry-after-ms"]).toBe("1000");
    now += 1000;
    const ok = await post(g, { model: "pricey", messages: HELLO });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers["x-ratelimit-remaining-requests"]).toBe("0");
  });

  it("downgrades to the named cheaper model when the budget is spent", async () => {
    const g = await start(`  - { name: pricey-budget, unit: usd, limit: 0.01, per: month, scope: team, match: { models: [pricey] }, action: { downgrade: cheap } }`);
    // 0.01 USD at $10/M output covers one request reserving 800 output tokens, not two.
    const first = await post(g, { model: "pricey", max_tokens: 800, messages: HELLO });
    expect(first.statusCode).toBe(200);
    expect(first.headers["x-ratelimit-limit-usd"]).toBe("0.01");
    expect(first.headers["x-tollgate-downgraded-from"]).toBeUndefined();
    await first.body.text();
    // A request whose reservation no longer fits the budget (2,000 output tokens ≈ $0.02) is served by `cheap`, streamed or not.
    for (const stream of [false, true]) {
      const before = mock.requests.length;
      const res = await post(g, { model: "pricey", max_tokens: 2000, stream, messages: HELLO });
      expect(res.statusCode).toBe(200);
      expect(res.headers["x-tollgate-downgraded-from"]).toBe("pricey");
      await res.body.text();
      expect((JSON.parse(mock.requests[before]!.body) as { model: string }).model).toBe("echo-mini");
    }
    const report = await usage(g);
    expect(report.ledger.find((r) => r.model === "cheap")?.total.requests).toBe(2);
    const metrics = await (await request(`${g.adminUrl}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).body.text();
    expect(metrics).toMatch(/tollgate_quota_rejections_total\{quota="pricey-budget",action="downgrade"\} 2/);
  });

  it("refunds the reservation when the upstream fails", async () => {
    const g = await start(`  - { name: tokens, limit: 5000, per: minute }`);
    const failed = await post(g, { model: "failing", max_tokens: 4000, messages: HELLO });
    expect(failed.statusCode).toBeGreaterThanOrEqual(500);
    await failed.body.text();
    // Refunded: a request reserving 4,000 again fits.
    const ok = await post(g, { model: "pricey", max_tokens: 4000, messages: HELLO });
    expect(ok.statusCode).toBe(200);
    await ok.body.text();
    const report = await usage(g);
    const counter = report.quotas.find((q) => q.quota === "tokens")!;
    // Settled to what the successful request used (its prompt and 20 completion tokens at most), not 8,000.
    expect(counter.used).toBeLessThan(100);
  });

  it("keeps a usage ledger and budget projections on the admin listener, also as JSON lines", async () => {
    const g = await start(`  - { name: team-budget, unit: usd, limit: 50, per: month, scope: team }
  - { name: team-day, limit: 1000000, per: day, scope: team }`);
    for (const key of [KEY_A, KEY_A2, KEY_B]) await (await post(g, { model: "pricey", max_tokens: 50, messages: HELLO }, key)).body.text();
    const report = await usage(g);
    const alice = report.ledger.find((r) => r.consumer === "alice")!;
    expect(alice).toMatchObject({ team: "team-a", model: "pricey", provider: "mock" });
    expect(alice.day.requests).toBe(1);
    expect(alice.month.requests).toBe(1);
    expect(alice.total.inputTokens).toBeGreaterThan(0);
    const teamA = report.teams.find((t) => t.team === "team-a")!;
    expect(teamA.month.requests).toBe(2);
    const budget = report.quotas.find((q) => q.quota === "team-budget" && q.key === "team-a")!;
    expect(budget).toMatchObject({ unit: "usd", per: "month", limit: 50, consistency: "local" });
    expect(budget.used).toBeGreaterThan(0);
    expect(budget.remaining).toBeCloseTo(50 - budget.used, 6);
    expect(budget.projected).toBeGreaterThan(budget.used);
    expect(budget.windowStart).toBe("2030-03-01T00:00:00.000Z");
    expect(budget.windowEnd).toBe("2030-04-01T00:00:00.000Z");
    const jsonl = await request(`${g.adminUrl}/admin/usage/export`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(jsonl.headers["content-type"]).toBe("application/x-ndjson");
    const lines = (await jsonl.body.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string });
    expect(new Set(lines.map((l) => l.type))).toEqual(new Set(["ledger", "team", "quota"]));
    const metrics = await (await request(`${g.adminUrl}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).body.text();
    expect(metrics).toMatch(/tollgate_tokens_total\{gen_ai_request_model="pricey",[^}]*gen_ai_token_type="input"\} \d+/);
    expect(metrics).toMatch(/tollgate_cost_usd_total\{gen_ai_request_model="pricey"\} [\d.e-]+/);
  });

  it("counts rejections in metrics, by quota and action", async () => {
    const g = await start(`  - { name: one, unit: requests, limit: 1, per: minute }`);
    await (await post(g, { model: "pricey", messages: HELLO })).body.text();
    await (await post(g, { model: "pricey", messages: HELLO })).body.text();
    const metrics = await (await request(`${g.adminUrl}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).body.text();
    expect(metrics).toMatch(/tollgate_quota_rejections_total\{quota="one",action="reject"\} 1/);
  });

  it("keys a provider-scoped quota by the provider that serves, across models", async () => {
    const g = await start(`  - { name: per-provider, unit: requests, limit: 2, per: minute, scope: provider }`);
    expect((await post(g, { model: "pricey", messages: HELLO })).statusCode).toBe(200);
    expect((await post(g, { model: "cheap", messages: HELLO })).statusCode).toBe(200);
    const refused = await post(g, { model: "pricey", messages: HELLO }, KEY_B);
    expect(refused.statusCode).toBe(429);
    await refused.body.text();
    const report = await usage(g);
    expect(report.quotas.map((q) => [q.key, q.used])).toEqual([["mock", 2]]);
  });

  it("keys a header-scoped quota by the header's value and skips requests without it", async () => {
    const g = await start(`  - { name: per-tenant, unit: requests, limit: 1, per: minute, scope: header, header: x-tenant }`);
    expect((await post(g, { model: "pricey", messages: HELLO }, KEY_A, { "x-tenant": "t1" })).statusCode).toBe(200);
    expect((await post(g, { model: "pricey", messages: HELLO }, KEY_A, { "x-tenant": "t1" })).statusCode).toBe(429);
    expect((await post(g, { model: "pricey", messages: HELLO }, KEY_A, { "x-tenant": "t2" })).statusCode).toBe(200);
    expect((await post(g, { model: "pricey", messages: HELLO }, KEY_A)).statusCode).toBe(200);
  });
});
