/**
 * A shared store under load and failing, as declared (`stores.redis`, default 250 ms
 * deadline, default fail-open for request limits):
 *
 * - healthy Redis, bursts of 1,000 concurrent requests over three gateways against a
 *   limit of 100 a minute: exactly 100 admitted, every one of 20 runs;
 * - Redis frozen (SIGSTOP), killed (SIGKILL) or behind a black-holed port: each
 *   admission fails as declared (fail-open admitted, fail-closed 503) while the store
 *   is still unreachable, `/readyz` answers 503 for a fail-closed plan, the store-up
 *   gauge reads 0, the failure counter counts, and counting resumes once it is back.
 */
import { createServer, type Server, type Socket } from "node:net";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import { compileYaml } from "../support/compile.js";
import { ADMIN_TOKEN, ADMIN_TOKEN_ENV, KEY_A, KEY_B, quotaPolicy } from "../support/quota-policy.js";
import { startRedis, type TestRedis } from "../support/redis-server.js";
import { freePort } from "../support/redis-topologies.js";
import { awaitRoomInMinute } from "../support/minute-window.js";

const BURST = 1_000;
const LIMIT = 100;
const RUNS = 20;
const agent = new Agent({ connections: 400, pipelining: 0 });

let mock: MockUpstream;
let redis: TestRedis;
beforeAll(async () => {
  setQuietLogs(true);
  mock = await startMockUpstream({ port: 0 });
  redis = await startRedis();
});
afterAll(async () => {
  await mock?.close();
  await redis?.stop();
  await agent.close();
});

async function chat(url: string, key: string, headers: Record<string, string> = {}): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  const res = await request(`${url}/v1/chat/completions`, {
    method: "POST",
    dispatcher: agent,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers },
    body: JSON.stringify({ model: "cheap", max_tokens: 5, messages: [{ role: "user", content: "hi" }] }),
  });
  await res.body.text();
  return { status: res.statusCode, ms: performance.now() - t0 };
}

async function metricsOf(gw: Gateway): Promise<string> {
  const res = await request(`${gw.adminUrl}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  return res.body.text();
}

async function readyz(gw: Gateway): Promise<{ status: number; body: { status: string; reason?: string } }> {
  const res = await request(`${gw.url}/readyz`);
  return { status: res.statusCode, body: (await res.body.json()) as { status: string; reason?: string } };
}

describe("a healthy Redis under bursts", () => {
  const gateways: Gateway[] = [];
  afterAll(async () => {
    for (const g of gateways) await g.close();
  });

  it(`admits exactly the limit in each of ${RUNS} bursts of ${BURST} concurrent requests over three gateways`, async () => {
    const stores = `stores:\n  redis: { url: env:TOLLGATE_TEST_REDIS_URL, prefix: burst }`;
    const quotas = `  - { name: per-run, unit: requests, limit: ${LIMIT}, per: minute, scope: header, header: x-run, consistency: shared }`;
    const plan = compileYaml(quotaPolicy(mock.port, quotas, { stores, admin: false }));
    for (let i = 0; i < 3; i++) gateways.push(await startGateway({ plan, port: 0, env: { TOLLGATE_TEST_REDIS_URL: redis.url } }));
    const admittedPerRun: number[] = [];
    const t0 = performance.now();
    for (let run = 0; run < RUNS; run++) {
      // Not across a minute boundary: that is two windows, twice the limit (seen once on a loaded CI machine).
      await awaitRoomInMinute();
      // A fresh counter per run (its own header value): every run starts from an empty window.
      const header = { "x-run": `run-${run}-${Date.now()}` };
      const outcomes = await Promise.all(Array.from({ length: BURST }, (_, i) => chat(gateways[i % 3]!.url, KEY_A, header)));
      const statuses = outcomes.map((o) => o.status);
      // Admitted: every request the quota did not refuse (on a loaded machine an admitted request can still fail upstream).
      admittedPerRun.push(statuses.filter((s) => s !== 429).length);
    }
    console.log(`${RUNS} bursts of ${BURST} over 3 gateways, limit ${LIMIT}: admitted ${admittedPerRun.join(", ")} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    expect(admittedPerRun).toEqual(Array(RUNS).fill(LIMIT));
  }, 300_000);
});

describe("a frozen, killed or black-holed Redis", () => {
  let gw: Gateway;
  afterAll(async () => {
    await gw?.close();
  });

  const quotas = `  - { name: key-rate, unit: requests, limit: 100000, per: minute, scope: key, consistency: shared }
  - { name: team-b-usd, unit: usd, limit: 100, per: month, scope: team, match: { teams: [team-b] }, consistency: shared }`;

  it("fails each admission as declared while Redis is stopped (SIGSTOP), reports it, and resumes after SIGCONT", async () => {
    const stores = `stores:\n  redis: { url: env:TOLLGATE_TEST_REDIS_URL, prefix: frozen }`;
    gw = await startGateway({
      plan: compileYaml(quotaPolicy(mock.port, quotas, { stores })),
      port: 0,
      env: { TOLLGATE_TEST_REDIS_URL: redis.url, [ADMIN_TOKEN_ENV]: ADMIN_TOKEN },
    });
    expect((await chat(gw.url, KEY_A)).status).toBe(200);
    expect((await readyz(gw)).status).toBe(200);
    expect(await metricsOf(gw)).toMatch(/tollgate_store_up\{store="redis\/frozen"\} 1/);

    const pid = redis.pid();
    process.kill(pid, "SIGSTOP");
    try {
      // Team A: only the fail-open request limit applies → admitted uncounted. Team B: also a fail-closed budget → 503.
      const open = await Promise.all(Array.from({ length: 20 }, () => chat(gw.url, KEY_A)));
      const closed = await Promise.all(Array.from({ length: 20 }, () => chat(gw.url, KEY_B)));
      expect(open.map((o) => o.status)).toEqual(Array(20).fill(200));
      expect(closed.map((o) => o.status)).toEqual(Array(20).fill(503));
      // Readiness follows the store's probe (a PING with a 500 ms deadline), which a missed admission starts at once.
      let ready = await readyz(gw);
      for (let i = 0; i < 50 && ready.status === 200; i++) {
        await new Promise((r) => setTimeout(r, 100));
        ready = await readyz(gw);
      }
      expect(ready.status).toBe(503);
      expect(ready.body.reason).toMatch(/quota team-b-usd fails closed and its store redis\/frozen is down/);
      const metrics = await metricsOf(gw);
      expect(metrics).toMatch(/tollgate_store_up\{store="redis\/frozen"\} 0/);
      expect(metrics).toMatch(/tollgate_quota_store_failures_total\{store="redis",mode="open"\} [1-9]/);
      expect(metrics).toMatch(/tollgate_quota_store_failures_total\{store="redis",mode="closed"\} [1-9]/);
      const slowest = (xs: { ms: number }[]): number => Math.round(Math.max(...xs.map((x) => x.ms)));
      console.log(`SIGSTOP: fail-open requests answered in at most ${slowest(open)} ms, fail-closed in at most ${slowest(closed)} ms (deadline 250 ms)`);
    } finally {
      process.kill(pid, "SIGCONT");
    }
    const deadline = Date.now() + 10_000;
    while ((await chat(gw.url, KEY_B)).status !== 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect((await chat(gw.url, KEY_B)).status).toBe(200);
    expect((await readyz(gw)).status).toBe(200);
  }, 60_000);

  it("fails at once while Redis is dead (SIGKILL), and counts again once it is restarted", async () => {
    await redis.stop();
    const open = await Promise.all(Array.from({ length: 10 }, () => chat(gw.url, KEY_A)));
    const closed = await Promise.all(Array.from({ length: 10 }, () => chat(gw.url, KEY_B)));
    expect(open.map((o) => o.status)).toEqual(Array(10).fill(200));
    expect(closed.map((o) => o.status)).toEqual(Array(10).fill(503));
    await redis.restart();
    const deadline = Date.now() + 10_000;
    while ((await chat(gw.url, KEY_B)).status !== 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect((await chat(gw.url, KEY_B)).status).toBe(200);
  }, 60_000);

  it("starts against a black-holed port (accepts, never answers) and fails each admission as declared", async () => {
    const sockets: Socket[] = [];
    const hole: Server = createServer((s) => void sockets.push(s));
    const port = await freePort();
    await new Promise<void>((r) => hole.listen(port, "127.0.0.1", () => r()));
    const stores = `stores:\n  redis: { url: env:TOLLGATE_TEST_REDIS_URL, prefix: hole }`;
    const g = await startGateway({
      plan: compileYaml(quotaPolicy(mock.port, quotas, { stores })),
      port: 0,
      env: { TOLLGATE_TEST_REDIS_URL: `redis://127.0.0.1:${port}`, [ADMIN_TOKEN_ENV]: ADMIN_TOKEN },
    });
    try {
      expect((await chat(g.url, KEY_A)).status).toBe(200);
      expect((await chat(g.url, KEY_B)).status).toBe(503);
      expect((await readyz(g)).status).toBe(503);
    } finally {
      await g.close();
      sockets.forEach((s) => s.destroy());
      hole.close();
    }
  }, 60_000);
});
