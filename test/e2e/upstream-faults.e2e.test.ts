/**
 * Upstream faults that need a hand-scripted upstream (the mock covers the rest):
 * a stream that ends cleanly but without `[DONE]`, a client that disconnects while
 * the upstream is still streaming, and a client that reads slowly.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import { compileYaml, sha256Hex } from "../support/compile.js";
import { sseData } from "../support/sse.js";
import { LISTENERS } from "../support/listeners.js";

const KEY = "sk-tg-faults";

function chunk(i: number, content: string): string {
  return `data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","system_fingerprint":null,"choices":[{"index":0,"delta":{"content":"${content}"},"logprobs":null,"finish_reason":null}]}\n\n`;
}

interface Scripted {
  server: Server;
  port: number;
  /** Resolves when the upstream sees the request's connection close before it finished. */
  closedEarly: Promise<void>;
}

function scriptedUpstream(handler: (req: IncomingMessage, res: ServerResponse, closedEarly: () => void) => void): Promise<Scripted> {
  let signal!: () => void;
  const closedEarly = new Promise<void>((r) => (signal = r));
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => handler(req, res, signal));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, port: (server.address() as AddressInfo).port, closedEarly })));
}

function policy(port: number): string {
  return `apiVersion: tollgate/v1
providers:
  - name: up
    kind: openai-compatible
    baseUrl: http://127.0.0.1:${port}/v1
models:
  - name: m
    targets: [{ provider: up }]
consumers:
  - name: c
    keys: [{ sha256: ${sha256Hex(KEY)} }]
`;
}

describe.each(LISTENERS)("upstream faults (%s listener)", (server) => {
  let gw: Gateway | null = null;
  let up: Scripted | null = null;

  beforeAll(() => setQuietLogs(true));
  afterAll(async () => {
    await gw?.close();
    up?.server.closeAllConnections();
    up?.server.close();
  });

  async function start(handler: Parameters<typeof scriptedUpstream>[0]): Promise<Gateway> {
    await gw?.close();
    up?.server.closeAllConnections();
    up?.server.close();
    up = await scriptedUpstream(handler);
    gw = await startGateway({ plan: compileYaml(policy(up.port)), port: 0, server });
    return gw;
  }

  it("relays a stream's bytes untouched, odd spacing, CRLF and unknown fields included", async () => {
    const bytes = `: keep-alive comment\r\n\r\n${chunk(0, "a")}data:{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"x_vendor":{"k":[1,2]}}\r\n\r\ndata: [DONE]\n\n`;
    const g = await start((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8" });
      res.write(bytes.slice(0, 17));
      setTimeout(() => res.end(bytes.slice(17)), 20);
    });
    const res = await request(`${g.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ model: "m", stream: true, messages: [{ role: "user", content: "x" }] }),
    });
    expect(res.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    expect(await res.body.text()).toBe(bytes);
  });

  it("a stream the upstream ends without [DONE] ends with an error event, not a clean 200", async () => {
    const g = await start((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(chunk(0, "partial"));
      res.end();
    });
    const client = new OpenAI({ baseURL: `${g.url}/v1`, apiKey: KEY, maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: "m", stream: true, messages: [{ role: "user", content: "x" }] });
    const consume = async (): Promise<void> => {
      for await (const _ of stream) {
        /* drain */
      }
    };
    await expect(consume()).rejects.toThrow(/before it was complete/);
  });

  it("a client disconnect aborts the upstream request", async () => {
    const g = await start((_req, res, closedEarly) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      let i = 0;
      const timer = setInterval(() => res.write(chunk(i++, "tick")), 20);
      res.on("close", () => {
        clearInterval(timer);
        if (!res.writableFinished) closedEarly();
      });
    });
    const controller = new AbortController();
    const res = await request(`${g.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ model: "m", stream: true, messages: [{ role: "user", content: "x" }] }),
      signal: controller.signal,
    });
    const it = res.body[Symbol.asyncIterator]();
    await it.next();
    controller.abort();
    await up!.closedEarly; // the test times out if the gateway kept the upstream stream open
  });

  it("a slow reader gets every byte: the relay waits for the client instead of dropping or buffering without bound", async () => {
    const total = 4000;
    const g = await start((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      for (let i = 0; i < total; i++) res.write(chunk(i, "x".repeat(200)));
      res.end("data: [DONE]\n\n");
    });
    const res = await request(`${g.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ model: "m", stream: true, messages: [{ role: "user", content: "x" }] }),
      highWaterMark: 1024,
    });
    let text = "";
    for await (const part of res.body) {
      text += (part as Buffer).toString("utf8");
      if (text.length < 100_000) await new Promise((r) => setTimeout(r, 5));
    }
    const data = sseData(text);
    expect(data.length).toBe(total + 1);
    expect(data.at(-1)).toBe("[DONE]");
  });
});
