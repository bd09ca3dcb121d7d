/**
 * Waiting for an upstream connection, end to end: a loopback upstream that holds its
 * responses keeps every connection of a one-connection provider busy; the next request
 * waits in the pool (the queue gauge shows it), and past `timeouts.connectionWait` it
 * falls back to another target or gets 503 `upstream_pool_saturated` in the OpenAI
 * error shape, as the official SDK sees it; the wait histogram and the timeout counter
 * count it.
 */
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import { compileYaml, sha256Hex } from "../support/compile.js";
import { parsePrometheusText, sampleValue } from "../support/prometheus-text.js";
import { LISTENERS } from "../support/listeners.js";

const KEY = "sk-tg-pool-queue";

/** An OpenAI-compatible upstream that answers model `hold` only when released, any other model at once. */
async function holdingUpstream(): Promise<{ port: number; held: () => number; release: () => void; close: () => Promise<void> }> {
  const held: ServerResponse[] = [];
  const answer = (res: ServerResponse, model: string): void => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        id: "chatcmpl-1",
        object: "chat.completion",
        created: 1,
        model,
        choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      }),
    );
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const model = String((JSON.parse(Buffer.concat(chunks).toString()) as { model?: unknown }).model);
      if (model === "hold") held.push(res);
      else answer(res, model);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    held: () => held.length,
    release: () => {
      for (const res of held.splice(0)) answer(res, "hold");
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function policy(port: number): string {
  return `apiVersion: tollgate/v1
listener: { metrics: true }
providers:
  - name: narrow
    kind: openai-compatible
    baseUrl: http://127.0.0.1:${port}/v1
    connections: 1
    timeouts: { connectionWait: 300ms }
  - name: spare
    kind: openai-compatible
    baseUrl: http://127.0.0.1:${port}/v1
models:
  - name: held
    targets: [{ provider: narrow, model: hold }]
  - name: quick
    targets: [{ provider: narrow, model: quick }]
  - name: with-spare
    targets: [{ provider: narrow, model: quick }]
    fallbacks: [{ provider: spare, model: quick }]
consumers:
  - name: c
    keys: [{ sha256: ${sha256Hex(KEY)} }]
`;
}

describe.each(LISTENERS)("upstream pool queueing (%s listener)", (server) => {
  let upstream: Awaited<ReturnType<typeof holdingUpstream>>;
  let gw: Gateway;
  let client: OpenAI;

  beforeAll(async () => {
    setQuietLogs(true);
    upstream = await holdingUpstream();
    gw = await startGateway({ plan: compileYaml(policy(upstream.port)), port: 0, server, env: {} });
    client = new OpenAI({ apiKey: KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    upstream?.release();
    await gw?.close();
    await upstream?.close();
  });

  const metric = async (name: string, labels: Record<string, string> = { gen_ai_provider_name: "narrow" }): Promise<number> => {
    const res = await request(`${gw.url}/metrics`);
    return sampleValue(parsePrometheusText(await res.body.text()), name, labels);
  };
  /** Resolves once the upstream holds `n` requests (the narrow pool's only connection is busy). */
  const untilHeld = async (n: number): Promise<void> => {
    while (upstream.held() < n) await new Promise((r) => setTimeout(r, 10));
  };
  const chat = (model: string) => client.chat.completions.create({ model, messages: [{ role: "user", content: "hi" }] });

  it("bounds the wait for a connection with 503 upstream_pool_saturated, and shows the queue in /metrics", async () => {
    const timeoutsBefore = await metric("tollgate_upstream_pool_wait_timeouts_total");
    const holding = chat("held");
    await untilHeld(1);
    const waiting = chat("quick").then(
      () => null,
      (err: unknown) => err,
    );
    // While it waits, the gauge counts it (the held request is on the connection, not queued).
    let queued = 0;
    for (let i = 0; i < 50 && queued === 0; i++) queued = await metric("tollgate_upstream_pool_queued");
    expect(queued).toBe(1);
    const err = await waiting;
    expect(err).toBeInstanceOf(OpenAI.APIError);
    const apiError = err as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(503);
    expect(apiError.headers?.get("retry-after")).toBe("1");
    expect(apiError.error).toEqual({ message: expect.stringContaining("stayed busy"), type: "server_error", param: null, code: "upstream_pool_saturated" });
    expect((await metric("tollgate_upstream_pool_wait_timeouts_total")) - timeoutsBefore).toBeGreaterThanOrEqual(1);
    expect(await metric("tollgate_upstream_pool_queued")).toBe(0);
    // The held request was never disturbed, and the pool serves again once it is free.
    upstream.release();
    expect((await holding).choices[0]!.message.content).toBe("ok");
    expect((await chat("quick")).choices[0]!.message.content).toBe("ok");
  });

  it("falls back to another target when the pool stays saturated", async () => {
    const holding = chat("held");
    await untilHeld(1);
    const answer = await chat("with-spare");
    expect(answer.choices[0]!.message.content).toBe("ok");
    upstream.release();
    await holding;
  });

  it("observes how long each attempt waited for a connection", async () => {
    const before = await metric("tollgate_upstream_pool_wait_seconds_count");
    const holding = chat("held");
    await untilHeld(1);
    const queuedBehind = chat("quick");
    // Released before the bound: the queued request is served after waiting.
    while ((await metric("tollgate_upstream_pool_queued")) === 0) await new Promise((r) => setTimeout(r, 10));
    upstream.release();
    await holding;
    expect((await queuedBehind).choices[0]!.message.content).toBe("ok");
    expect((await metric("tollgate_upstream_pool_wait_seconds_count")) - before).toBe(2);
    expect(await metric("tollgate_upstream_pool_wait_seconds_bucket", { gen_ai_provider_name: "narrow", le: "60" })).toBeGreaterThanOrEqual(2);
  });
});
