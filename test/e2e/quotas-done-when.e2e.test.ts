/**
 * The done-when scenario, as a test: team A gets 1M tokens a day and $50 a
 * month, shared across two replicas (two gateways, each with its own process memory,
 * one redis-server); its members see the remaining quota in every response's headers
 * and in the usage ledger; under 200 concurrent requests the limits hold.
 */
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import type { UsageReport } from "../../runtime/ops/usage-report.js";
import { compileYaml } from "../support/compile.js";
import { ADMIN_TOKEN, ADMIN_TOKEN_ENV, KEY_A, KEY_A2, KEY_B, PRICEY, quotaPolicy } from "../support/quota-policy.js";
import { startRedis, type TestRedis } from "../support/redis-server.js";

const HELLO = [{ role: "user" as const, content: "Hello!" }];
const TOKENS_PER_DAY = 1_000_000;
const USD_PER_MONTH = 50;

describe("done when: team A has 1M tokens a day and $50 a month across replicas", () => {
  let mock: MockUpstream;
  let redis: TestRedis;
  const replicas: Gateway[] = [];
  const agent = new Agent({ connections: 200 });

  beforeAll(async () => {
    setQuietLogs(true);
    mock = await startMockUpstream({ port: 0 });
    redis = await startRedis();
    const plan = compileYaml(
      quotaPolicy(
        mock.port,
        `  - { name: team-a-tokens, limit: ${TOKENS_PER_DAY}, per: day, scope: team, match: { teams: [team-a] }, consistency: shared }
  - { name: team-a-budget, unit: usd, limit: ${USD_PER_MONTH}, per: month, scope: team, match: { teams: [team-a] }, consistency: shared }`,
        { stores: "stores:\n  redis: { url: env:REDIS_URL, timeout: 3s }" },
      ),
    );
    for (let i = 0; i < 2; i++) replicas.push(await startGateway({ plan, port: 0, env: { [ADMIN_TOKEN_ENV]: ADMIN_TOKEN, REDIS_URL: redis.url } }));
  });

  afterAll(async () => {
    for (const g of replicas) await g.close();
    await agent.close();
    await mock?.close();
    await redis?.stop();
  });

  const post = (g: Gateway, key: string, maxTokens: number) =>
    request(`${g.url}/v1/chat/completions`, {
      method: "POST",
      dispatcher: agent,
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "slow", max_tokens: maxTokens, messages: HELLO }),
    });

  const usage = async (g: Gateway): Promise<UsageReport> =>
    (await (await request(`${g.adminUrl}/admin/usage`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).body.json()) as UsageReport;

  it("shows the remaining quota in headers, holds the limits under load on both replicas, and shows the spend in the ledger", async () => {
    // One request: the headers say what is left of the day's tokens and the month's dollars.
    const first = await post(replicas[0]!, KEY_A, 1000);
    expect(first.statusCode).toBe(200);
    await first.body.text();
    expect(first.headers["x-ratelimit-limit-tokens"]).toBe(String(TOKENS_PER_DAY));
    const afterFirst = Number(first.headers["x-ratelimit-remaining-tokens"]);
    expect(TOKENS_PER_DAY - afterFirst).toBeGreaterThan(1000);
    expect(first.headers["x-ratelimit-limit-usd"]).toBe(String(USD_PER_MONTH));
    expect(Number(first.headers["x-ratelimit-remaining-usd"])).toBeLessThan(USD_PER_MONTH);

    // Load: 200 concurrent requests of team A, alternating replicas, each reserving 10,000 output tokens
    // while the upstream takes 300 ms: about 100 fit in the day's 1M at once, the rest get 429.
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const res = await post(replicas[i % 2]!, i % 3 === 0 ? KEY_A2 : KEY_A, 10_000);
        await res.body.text();
        return { status: res.statusCode, remaining: Number(res.headers["x-ratelimit-remaining-tokens"] ?? NaN) };
      }),
    );
    const admitted = outcomes.filter((o) => o.status === 200);
    expect(outcomes.filter((o) => o.status !== 200 && o.status !== 429)).toEqual([]);
    expect(admitted.length).toBeGreaterThan(80);
    expect(admitted.length).toBeLessThan(200);
    expect(Math.min(...admitted.map((o) => o.remaining))).toBeGreaterThanOrEqual(0);
    // Team B has no such limit.
    const b = await post(replicas[1]!, KEY_B, 10_000);
    expect(b.statusCode).toBe(200);
    expect(b.headers["x-ratelimit-limit-tokens"]).toBeUndefined();
    await b.body.text();

    // The ledger (either replica reads the shared counters): spend so far and a projection to the month's end.
    let report = await usage(replicas[1]!);
    const deadline = Date.now() + 10_000;
    let tokens = report.quotas.find((q) => q.quota === "team-a-tokens" && q.key === "team-a");
    while ((tokens?.used ?? Infinity) > 100_000 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      report = await usage(replicas[1]!);
      tokens = report.quotas.find((q) => q.quota === "team-a-tokens" && q.key === "team-a");
    }
    // Settled to what was used (prompt + 20 completion tokens per request), not what was reserved.
    expect(tokens!.used).toBeLessThan(100_000);
    expect(tokens!.remaining).toBe(TOKENS_PER_DAY - tokens!.used);
    const budget = report.quotas.find((q) => q.quota === "team-a-budget" && q.key === "team-a")!;
    expect(budget.consistency).toBe("shared");
    expect(budget.used).toBeGreaterThan(0);
    expect(budget.used).toBeLessThan(0.1);
    expect(budget.projected).toBeGreaterThanOrEqual(budget.used);
    // Each replica's ledger has its own traffic; together they account for every admitted request and its cost.
    const reports = await Promise.all(replicas.map((g) => usage(g)));
    const rows = reports.flatMap((r) => r.ledger.filter((row) => row.team === "team-a"));
    expect(rows.reduce((n, r) => n + r.month.requests, 0)).toBe(admitted.length + 1);
    const cost = rows.reduce((n, r) => n + r.month.costUsd, 0);
    const tokensIn = rows.reduce((n, r) => n + r.month.inputTokens, 0);
    const tokensOut = rows.reduce((n, r) => n + r.month.outputTokens, 0);
    expect(cost).toBeCloseTo((tokensIn * PRICEY.input + tokensOut * PRICEY.output) / 1e6, 6);
    expect(budget.used).toBeCloseTo(cost, 6);
    expect(tokens!.used).toBe(tokensIn + tokensOut);
  }, 120_000);
});
