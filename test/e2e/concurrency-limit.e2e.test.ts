/**
 * Per-upstream concurrency limits, against both listeners: requests beyond `max` wait
 * in a short queue and are served as slots free up; when the queue is full or the wait
 * is too long they fall back to the next target, or get 503 `upstream_busy` with
 * `retry-after` in the OpenAI error shape; the metrics count waits and refusals.
 */
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import { compileYaml, sha256Hex } from "../support/compile.js";
import { parsePrometheusText, sampleValue } from "../support/prometheus-text.js";
import { LISTENERS } from "../support/listeners.js";

const KEY = "sk-tg-concurrency";

function policy(mockPort: number): string {
  return `apiVersion: tollgate/v1
listener: { metrics: true }
providers:
  - name: queued
    kind: openai-compatible
    baseUrl: http://127.0.0.1:${mockPort}/v1
    concurrency: { max: 1, queue: 10, queueTimeout: 5s }
  - name: impatient
    kind: openai-compatible
    baseUrl: http://127.0.0.1:${mockPort}/v1
    concurrency: { max: 1, queue: 1, queueTimeout: 150ms }
  - name: spare
    kind: openai-compatible
    baseUrl: http://127.0.0.1:${mockPort}/v1
models:
  - name: queued
    targets: [{ provider: queued, model: "echo+latency=300" }]
  - name: impatient
    targets: [{ provider: impatient, model: "echo+latency=600" }]
  - name: with-spare
    targets: [{ provider: impatient, model: "echo+latency=600" }]
    fallbacks: [{ provider: spare, model: echo }]
consumers:
  - name: c
    keys: [{ sha256: ${sha256Hex(KEY)} }]
`;
}

describe.each(LISTENERS)("upstream concurrency limits (%s listener)", (server) => {
  let mock: MockUpstream;
  let gw: Gateway;

  beforeAll(async () => {
    setQuietLogs(true);
    mock = await startMockUpstream({ port: 0 });
    gw = await startGateway({ plan: compileYaml(policy(mock.port)), port: 0, server, env: {} });
  });

  afterAll(async () => {
    await gw?.close();
    await mock?.close();
  });

  const chat = async (model: string) => {
    const res = await request(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
    });
    return { status: res.statusCode, headers: res.headers, body: (await res.body.json()) as Record<string, unknown> };
  };
  const metric = async (name: string, provider: string): Promise<number> => {
    const res = await request(`${gw.url}/metrics`);
    return sampleValue(parsePrometheusText(await res.body.text()), name, { gen_ai_provider_name: provider });
  };

  it("queues requests beyond the limit and serves them one at a time, never more in flight than max", async () => {
    // Counters are per process (they outlive plans), so compare before and after.
    const queuedBefore = await metric("tollgate_upstream_queued_total", "queued");
    const seen: number[] = [];
    const watcher = setInterval(() => {
      const limiter = gw.store.current.models.find((m) => m.name === "queued")!.weighted[0]!.upstream.limiter!;
      seen.push(limiter.inflight);
    }, 20);
    const results = await Promise.all(Array.from({ length: 4 }, () => chat("queued")));
    clearInterval(watcher);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(Math.max(...seen)).toBe(1);
    expect((await metric("tollgate_upstream_queued_total", "queued")) - queuedBefore).toBe(3);
    expect(await metric("tollgate_upstream_concurrency", "queued")).toBe(0);
  });

  it("refuses with 503 upstream_busy and retry-after when the queue is full or the wait too long", async () => {
    const before = await metric("tollgate_upstream_busy_rejections_total", "impatient");
    const results = await Promise.all(Array.from({ length: 3 }, () => chat("impatient")));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 503, 503]);
    for (const r of results.filter((x) => x.status === 503)) {
      expect(r.headers["retry-after"]).toBe("1");
      expect(r.body).toEqual({ error: { message: expect.stringContaining("concurrency limit"), type: "server_error", param: null, code: "upstream_busy" } });
    }
    // One refused at once (queue of 1 full), one after waiting 150 ms.
    expect((await metric("tollgate_upstream_busy_rejections_total", "impatient")) - before).toBe(2);
  });

  it("falls back to the next target instead of refusing when there is one", async () => {
    const results = await Promise.all(Array.from({ length: 3 }, () => chat("with-spare")));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
  });
});
