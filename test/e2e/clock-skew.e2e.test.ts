/**
 * Clock skew between replicas (4 s here) on one shared Redis, with the documented
 * outcome: a fixed window holds its limit exactly away from its boundary (within
 * `skew` of a boundary the replica ahead counts into the next window, as a fixed window
 * allows at any boundary); a token bucket never refills the same time twice (its time
 * only moves forward, so a replica behind refills nothing and the one ahead refills its
 * lead once), so alternating replicas cannot drain it past its burst plus the lead.
 */
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import { compileYaml } from "../support/compile.js";
import { KEY_A, quotaPolicy } from "../support/quota-policy.js";
import { startRedis, type TestRedis } from "../support/redis-server.js";

const SKEW_MS = 4_000;
/** 20 s into a minute, in the future (Redis expires keys by its own clock). */
const T0 = Date.UTC(2031, 0, 1, 12, 0, 20);
const agent = new Agent({ connections: 8, pipelining: 0 });

let mock: MockUpstream;
let redis: TestRedis;
const gateways: Gateway[] = [];
beforeAll(async () => {
  setQuietLogs(true);
  mock = await startMockUpstream({ port: 0 });
  redis = await startRedis();
});
afterAll(async () => {
  for (const g of gateways) await g.close();
  await mock?.close();
  await redis?.stop();
  await agent.close();
});

async function chat(url: string, run: string): Promise<number> {
  const res = await request(`${url}/v1/chat/completions`, {
    method: "POST",
    dispatcher: agent,
    headers: { authorization: `Bearer ${KEY_A}`, "content-type": "application/json", "x-run": run },
    body: JSON.stringify({ model: "cheap", max_tokens: 5, messages: [{ role: "user", content: "hi" }] }),
  });
  await res.body.text();
  return res.statusCode;
}

describe("replicas whose clocks differ by 4 s, sharing one Redis", () => {
  it("hold a fixed window's limit exactly and a bucket to its burst plus the lead", async () => {
    const quotas = `  - { name: fixed, unit: requests, limit: 50, per: minute, scope: header, header: x-run, match: { models: [cheap] }, consistency: shared }
  - { name: bucket, unit: requests, limit: 60, per: minute, burst: 20, scope: header, header: x-run, match: { models: [pricey] }, consistency: shared }`;
    const stores = `stores:\n  redis: { url: env:TOLLGATE_TEST_REDIS_URL, prefix: skew }`;
    const plan = compileYaml(quotaPolicy(mock.port, quotas, { stores, admin: false }));
    const started = Date.now();
    for (const offset of [0, SKEW_MS]) {
      gateways.push(await startGateway({ plan, port: 0, env: { TOLLGATE_TEST_REDIS_URL: redis.url }, quotaClock: () => T0 + offset + (Date.now() - started) }));
    }
    const [a, b] = gateways as [Gateway, Gateway];
    let fixed = 0;
    for (let i = 0; i < 120; i++) if ((await chat((i % 2 === 0 ? a : b).url, "fixed-1")) === 200) fixed++;
    expect(fixed).toBe(50);

    const t0 = Date.now();
    let bucket = 0;
    for (let i = 0; i < 120; i++) {
      const res = await request(`${(i % 2 === 0 ? a : b).url}/v1/chat/completions`, {
        method: "POST",
        dispatcher: agent,
        headers: { authorization: `Bearer ${KEY_A}`, "content-type": "application/json", "x-run": "bucket-1" },
        body: JSON.stringify({ model: "pricey", max_tokens: 5, messages: [{ role: "user", content: "hi" }] }),
      });
      await res.body.text();
      if (res.statusCode === 200) bucket++;
    }
    const seconds = (Date.now() - t0) / 1000;
    // Burst 20, plus the lead of the clock ahead once (4 s at 1/s), plus real refill during the run (1/s).
    const bound = 20 + SKEW_MS / 1000 + Math.ceil(seconds) + 1;
    console.log(`clock skew 4 s: fixed window admitted ${fixed} of limit 50; bucket admitted ${bucket} in ${seconds.toFixed(1)} s (burst 20, 1/s; bound ${bound})`);
    expect(bucket).toBeLessThanOrEqual(bound);
    expect(bucket).toBeGreaterThanOrEqual(20);
  }, 60_000);
});
