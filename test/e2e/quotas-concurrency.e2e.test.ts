/**
 * Quotas under load: 200 concurrent clients against one token limit, streamed and
 * not, first on one gateway (counters in its shared memory), then on two gateway
 * processes sharing one real redis-server. Admission reserves prompt + max_tokens
 * atomically, so what is admitted never exceeds the limit by more than one request's
 * reservation; settling brings each counter down to what the upstream reported.
 * Also: a stream cut by the client is charged for what it produced, and a shared
 * store that goes away fails closed (spend) or open (tokens), as declared.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import type { UsageReport } from "../../runtime/ops/usage-report.js";
import { compileYaml } from "../support/compile.js";
import { ADMIN_TOKEN, ADMIN_TOKEN_ENV, KEY_A, KEY_A2, KEY_B, quotaPolicy } from "../support/quota-policy.js";
import { startRedis, type TestRedis } from "../support/redis-server.js";
import { startServing, type Running } from "../support/spawn-cli.js";

const HELLO = [{ role: "user" as const, content: "Hello!" }];
const CLIENTS = 200;
const MAX_TOKENS = 100;
const LIMIT = 5_000;
const agent = new Agent({ connections: CLIENTS, pipelining: 0 });

interface Outcome {
  status: number;
  remaining: number | null;
}

async function fire(urls: readonly string[], model: string): Promise<Outcome[]> {
  return Promise.all(
    Array.from({ length: CLIENTS }, async (_, i) => {
      const res = await request(`${urls[i % urls.length]}/v1/chat/completions`, {
        method: "POST",
        dispatcher: agent,
        headers: { authorization: `Bearer ${i % 2 === 0 ? KEY_A : KEY_A2}`, "content-type": "application/json" },
        body: JSON.stringify({ model, max_tokens: MAX_TOKENS, stream: i % 2 === 1, messages: HELLO }),
      });
      await res.body.text();
      const remaining = res.headers["x-ratelimit-remaining-tokens"];
      return { status: res.statusCode, remaining: typeof remaining === "string" ? Number(remaining) : null };
    }),
  );
}

async function usageOf(adminUrl: string): Promise<UsageReport> {
  const res = await request(`${adminUrl}/admin/usage`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  return (await res.body.json()) as UsageReport;
}

/** Waits until the counter has settled every admitted request (settling happens as responses end). */
async function settledUsed(adminUrl: string, quota: string, key: string, expectRequests: number): Promise<{ used: number; report: UsageReport }> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const report = await usageOf(adminUrl);
    const served = report.ledger.reduce((n, r) => n + r.total.requests, 0);
    const counter = report.quotas.find((q) => q.quota === quota && q.key === key);
    if ((served >= expectRequests && counter !== undefined) || Date.now() > deadline) return { used: counter?.used ?? 0, report };
    await new Promise((r) => setTimeout(r, 50));
  }
}

let mock: MockUpstream;
beforeAll(async () => {
  setQuietLogs(true);
  mock = await startMockUpstream({ port: 0 });
});
afterAll(async () => {
  await mock?.close();
  await agent.close();
});

describe("token limit under 200 concurrent clients, one gateway", () => {
  let gw: Gateway;
  afterAll(async () => {
    await gw?.close();
  });

  it("admits no more than the limit plus one reservation, streamed and not, and settles to the reported usage", async () => {
    gw = await startGateway({
      plan: compileYaml(quotaPolicy(mock.port, `  - { name: team-day, limit: ${LIMIT}, per: day, scope: team }`)),
      port: 0,
      env: { [ADMIN_TOKEN_ENV]: ADMIN_TOKEN },
    });
    const outcomes = await fire([gw.url], "slow");
    const admitted = outcomes.filter((o) => o.status === 200);
    const refused = outcomes.filter((o) => o.status === 429);
    expect(admitted.length + refused.length).toBe(CLIENTS);
    // One request's reservation: the prompt estimate plus max_tokens (the first admission's header tells it).
    const reservation = LIMIT - Math.max(...admitted.map((o) => o.remaining!));
    expect(reservation).toBeGreaterThan(MAX_TOKENS);
    // Reserved together, the admitted requests never exceed the limit; and the limit is used (not refused early).
    expect(Math.min(...admitted.map((o) => o.remaining!))).toBeGreaterThanOrEqual(0);
    expect(admitted.length).toBeGreaterThanOrEqual(Math.floor(LIMIT / reservation));
    const { used, report } = await settledUsed(gw.adminUrl!, "team-day", "team-a", admitted.length);
    // Settled: each admitted request counts what the upstream reported (mock: prompt + 20 completion tokens).
    const reported = report.ledger.reduce((n, r) => n + r.total.inputTokens + r.total.outputTokens, 0);
    expect(used).toBe(reported);
    expect(used).toBeLessThanOrEqual(LIMIT + reservation);
    console.log(
      `one gateway: ${admitted.length} of ${CLIENTS} admitted, reservation ${reservation} tokens, peak reserved ${LIMIT - Math.min(...admitted.map((o) => o.remaining!))} of ${LIMIT}, settled ${used} (overshoot ${Math.max(0, used - LIMIT)})`,
    );
  }, 120_000);
});

describe("a stream cut by the client", () => {
  let gw: Gateway;
  afterAll(async () => {
    await gw?.close();
  });

  it("is charged for the output it produced (counted from the text when the upstream never reported usage)", async () => {
    gw = await startGateway({
      plan: compileYaml(quotaPolicy(mock.port, `  - { name: team-day, limit: 100000, per: day, scope: team }`)),
      port: 0,
      env: { [ADMIN_TOKEN_ENV]: ADMIN_TOKEN },
    });
    const controller = new AbortController();
    const res = await request(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      signal: controller.signal,
      headers: { authorization: `Bearer ${KEY_A}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "trickle", max_tokens: 1000, stream: true, messages: HELLO }),
    });
    let seen = 0;
    await new Promise<void>((resolve) => {
      res.body.on("data", (chunk: Buffer) => {
        seen += (chunk.toString().match(/"content":"/g) ?? []).length;
        if (seen >= 12) {
          controller.abort();
          resolve();
        }
      });
      res.body.on("error", () => resolve());
    });
    const { used, report } = await settledUsed(gw.adminUrl!, "team-day", "team-a", 1);
    const row = report.ledger.find((r) => r.model === "trickle")!;
    // 12+ words of the mock's one-token words were produced before the cut (of 200); the reservation of 1,000 is not kept.
    expect(row.total.outputTokens).toBeGreaterThanOrEqual(12);
    expect(row.total.outputTokens).toBeLessThan(200);
    expect(used).toBe(row.total.inputTokens + row.total.outputTokens);
  });
});

describe("token limit under 200 concurrent clients, two gateway processes sharing one redis-server", () => {
  let redis: TestRedis;
  const running: Running[] = [];
  const tmp = mkdtempSync(join(tmpdir(), "tollgate-quota-"));

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const r of running) await r.stop();
    await redis?.stop();
  });

  it("holds the shared limit across both, and fails closed for spend and open for tokens while Redis is down", async () => {
    // A generous command timeout: this shared 2-core machine can stall a process for longer than the default 250 ms.
    const stores = `stores:\n  redis: { url: env:TOLLGATE_TEST_REDIS_URL, prefix: qtest, timeout: 3s }`;
    const quotas = `  - { name: team-day, limit: ${LIMIT}, per: day, scope: team, consistency: shared }
  - { name: team-month-usd, unit: usd, limit: 50, per: month, scope: team, match: { teams: [team-a] }, consistency: shared }`;
    const planFile = join(tmp, "plan.json");
    writeFileSync(planFile, JSON.stringify(compileYaml(quotaPolicy(mock.port, quotas, { stores }))));
    const env = { [ADMIN_TOKEN_ENV]: ADMIN_TOKEN, TOLLGATE_TEST_REDIS_URL: redis.url };
    // A long start-up allowance: on this shared machine a process can take many seconds to start under load.
    for (let i = 0; i < 2; i++) running.push(await startServing(["serve", "--plan", planFile, "--port", "0", "--admin-port", "0"], env, undefined, 60_000));
    const urls = running.map((r) => r.url);
    const outcomes = await fire(urls, "slow");
    const admitted = outcomes.filter((o) => o.status === 200);
    expect(outcomes.filter((o) => o.status !== 200 && o.status !== 429).map((o) => o.status)).toEqual([]);
    const reservation = LIMIT - Math.max(...admitted.map((o) => o.remaining!));
    expect(Math.min(...admitted.map((o) => o.remaining!))).toBeGreaterThanOrEqual(0);
    expect(admitted.length).toBeGreaterThanOrEqual(Math.floor(LIMIT / reservation));
    const adminUrls = running.map((r) => adminUrlOf(r));
    // Both processes answered half the clients against the one shared counter: together they admitted no more than it allows.
    // (How the admissions split between them depends on which process reached Redis first, so no share is asserted.)
    const perProcess = await Promise.all(adminUrls.map((u) => settledUsed(u, "team-day", "team-a", 1)));
    const served = perProcess.map((p) => p.report.ledger.reduce((n, r) => n + r.total.requests, 0));
    expect(served[0]! + served[1]!).toBe(admitted.length);
    const deadline = Date.now() + 10_000;
    let used = 0;
    let reported = 0;
    while (Date.now() < deadline) {
      const reports = await Promise.all(adminUrls.map((u) => usageOf(u)));
      used = reports[0]!.quotas.find((q) => q.quota === "team-day" && q.key === "team-a")?.used ?? 0;
      reported = reports.reduce((n, r) => n + r.ledger.reduce((m, row) => m + row.total.inputTokens + row.total.outputTokens, 0), 0);
      if (used === reported) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(used).toBe(reported);
    expect(used).toBeLessThanOrEqual(LIMIT + reservation);
    console.log(
      `two gateways + redis: ${admitted.length} of ${CLIENTS} admitted (${served.join(" + ")}), reservation ${reservation} tokens, peak reserved ${LIMIT - Math.min(...admitted.map((o) => o.remaining!))} of ${LIMIT}, settled ${used} (overshoot ${Math.max(0, used - LIMIT)})`,
    );

    // Redis goes away: the spend budget fails closed (503), with a metric.
    await redis.stop();
    const down = await request(`${urls[0]}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY_A}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "pricey", max_tokens: 10, messages: HELLO }),
    });
    expect(down.statusCode).toBe(503);
    expect(((await down.body.json()) as { error: { code: string } }).error.code).toBe("quota_store_unavailable");
    // Team B has only the token quota, which fails open: served, uncounted.
    const open = await request(`${urls[0]}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY_B}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "pricey", max_tokens: 10, messages: HELLO }),
    });
    expect(open.statusCode).toBe(200);
    await open.body.text();
    const metrics = await (await request(`${adminUrls[0]}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).body.text();
    expect(metrics).toMatch(/tollgate_quota_store_failures_total\{store="redis",mode="closed"\} [1-9]/);
    expect(metrics).toMatch(/tollgate_quota_store_failures_total\{store="redis",mode="open"\} [1-9]/);
    // Redis is back: counting resumes (the counters restart empty: the test server keeps no data).
    await redis.restart();
    const back = Date.now() + 10_000;
    let status = 0;
    while (Date.now() < back) {
      const res = await request(`${urls[1]}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${KEY_A}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "pricey", max_tokens: 10, messages: HELLO }),
      });
      await res.body.text();
      status = res.statusCode;
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
  }, 180_000);
});

function adminUrlOf(r: Running): string {
  const m =
    /admin listener on (http:\/\/[^\s]+)/.exec(r.stderr()) ?? /"adminUrl":"(http:\/\/[^"]+)"/.exec(r.stderr()) ?? /admin[^\n]*?(http:\/\/127\.0\.0\.1:\d+)/.exec(r.stderr());
  if (m === null) throw new Error(`no admin URL in:\n${r.stderr()}`);
  return m[1]!;
}
