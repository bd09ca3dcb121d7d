/**
 * The semantic cache and conversation memory shared through a real redis-server by
 * two gateway instances: an answer stored by one is served by the other, a
 * conversation started on one continues on the other, and what Redis holds of the
 * cache is sealed (no answer text at rest). Redis going away turns lookups into misses.
 */
import OpenAI from "openai";
import { createClient } from "@redis/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import { compileYaml } from "../support/compile.js";
import { CACHE_KEY, CACHE_KEY_ENV, featuresPolicy, KEY_A, KEY_B, REDIS_URL_ENV } from "../support/features-policy.js";
import { startRedis, type TestRedis } from "../support/redis-server.js";
import { LISTENERS } from "../support/listeners.js";

describe("semantic cache and memory shared through Redis by two gateways", () => {
  let mock: MockUpstream;
  let redis: TestRedis;
  let one: Gateway;
  let two: Gateway;
  const clients = (gw: Gateway, key = KEY_A) => new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });

  beforeAll(async () => {
    setQuietLogs(true);
    mock = await startMockUpstream({ port: 0 });
    redis = await startRedis();
    const plan = compileYaml(featuresPolicy(mock.port, { redis: true }));
    const env = { [CACHE_KEY_ENV]: CACHE_KEY, [REDIS_URL_ENV]: redis.url };
    one = await startGateway({ plan, port: 0, server: LISTENERS[0], env });
    two = await startGateway({ plan, port: 0, server: "node", env });
  });

  afterAll(async () => {
    await one?.close();
    await two?.close();
    await redis?.stop();
    await mock?.close();
  });

  const chatCount = (marker: string): number => mock.requests.filter((r) => r.path === "/v1/chat/completions" && r.body.includes(marker)).length;

  it("serves on one gateway what the other stored, per consumer, sealed at rest", async () => {
    const ask = (gw: Gateway, content: string, key = KEY_A) =>
      clients(gw, key)
        .chat.completions.create({ model: "shared", temperature: 0, messages: [{ role: "user", content }] })
        .withResponse();
    const first = await ask(one, "shared-1 What is the boiling point of water at sea level?");
    expect(first.response.headers.get("x-tollgate-cache")).toBe("miss");
    // The answer is stored after the response ended; give the insert its round trip.
    await waitFor(async () => (await keys(redis.url, "tg-test:sc:*:a:*")).length > 0);
    const fromTwo = await ask(two, "shared-1: boiling point of water at sea level, please?");
    expect(fromTwo.response.headers.get("x-tollgate-cache")).toBe("hit");
    expect(fromTwo.response.headers.get("x-tollgate-cache-kind")).toBe("semantic");
    expect(fromTwo.data.id).toBe(first.data.id);
    expect(chatCount("shared-1")).toBe(1);
    const otherConsumer = await ask(two, "shared-1 What is the boiling point of water at sea level?", KEY_B);
    expect(otherConsumer.response.headers.get("x-tollgate-cache")).toBe("miss");

    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      for (const key of await client.keys("tg-test:sc:*")) {
        const type = await client.type(key);
        const values = type === "string" ? [await client.get(key)] : type === "zset" ? await client.zRange(key, 0, -1) : [];
        for (const v of values) {
          const decoded = Buffer.from(String(v).split("|").at(-1)!, "base64").toString("latin1");
          expect(decoded).not.toContain(first.data.id);
          expect(decoded).not.toContain("Tollgate mock");
        }
      }
    } finally {
      await client.close();
    }
  });

  it("continues a conversation on the other gateway", async () => {
    const say = (gw: Gateway, content: string) =>
      clients(gw).chat.completions.create({ model: "shared-memory", messages: [{ role: "user", content }] }, { headers: { "x-tollgate-session": "shared-conv" } });
    const answer = await say(one, "shared-mem-1 remember the number 7");
    await waitFor(async () => (await keys(redis.url, "tg-test:mem:*")).length > 0);
    await say(two, "shared-mem-2 which number?");
    const sent = JSON.parse(mock.requests.filter((r) => r.body.includes("shared-mem-2"))[0]!.body) as { messages: { content: string }[] };
    expect(sent.messages.map((m) => m.content)).toEqual(["shared-mem-1 remember the number 7", answer.choices[0]!.message.content, "shared-mem-2 which number?"]);
  });

  it("answers uncached while Redis is down, and uses it again once it is back", async () => {
    await redis.stop();
    const res = await clients(one)
      .chat.completions.create({ model: "shared", temperature: 0, messages: [{ role: "user", content: "shared-2 is redis down" }] })
      .withResponse();
    expect(res.data.choices[0]!.message.content).toMatch(/mock/);
    expect(res.response.headers.get("x-tollgate-cache")).toBe("miss");
    await redis.restart();
    // The connection comes back on its own (backoff up to 2 s): a stored answer is served again.
    const ask = () =>
      clients(one)
        .chat.completions.create({ model: "shared", temperature: 0, messages: [{ role: "user", content: "shared-3 back again" }] })
        .withResponse();
    await waitFor(async () => {
      await ask();
      return (await ask()).response.headers.get("x-tollgate-cache") === "hit";
    }, 100);
  });
});

async function keys(url: string, pattern: string): Promise<string[]> {
  const client = createClient({ url });
  await client.connect();
  try {
    return await client.keys(pattern);
  } finally {
    await client.close();
  }
}

async function waitFor(check: () => Promise<boolean>, stepMs = 10): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error("condition not met");
}
