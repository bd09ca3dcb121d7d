/**
 * Slow and stuck clients at the edge, against both listeners, over raw sockets, with
 * the edge timeouts shortened (server/edge-limits.ts; the defaults are documented in
 * docs/operations.md#limits-at-the-edge): a client that sends its headers a byte at a
 * time, one that sends its body a byte at a time, and one that stops reading a
 * streamed answer are each disconnected, and the upstream request of the last is
 * released; a body over the limit gets a 413 every client can read, after its upload.
 * Only that each ends is asserted, never how fast (the machine is shared).
 */
import { createServer, type Server, type ServerResponse } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import { compileYaml, sha256Hex } from "../support/compile.js";
import { parseResponses, rawConversation } from "../support/raw-http.js";
import { LISTENERS } from "../support/listeners.js";

const KEY = "sk-tg-edge-timeouts";
const AUTH = `Authorization: Bearer ${KEY}\r\n`;
/** Long enough for any of the shortened timeouts (and uWS's fixed 10 s idle timeout) to fire under load. */
const WAIT_MS = 25_000;

/** An upstream that streams chat chunks for as long as its client keeps the connection. */
async function endlessUpstream(): Promise<{ server: Server; port: number; requests: number; released: Promise<void> }> {
  let release!: () => void;
  const state = { server: null as unknown as Server, port: 0, requests: 0, released: new Promise<void>((r) => (release = r)) };
  const chunk = `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { content: "x".repeat(4000) }, finish_reason: null }] })}\n\n`;
  state.server = createServer((req, res: ServerResponse) => {
    state.requests++;
    req.resume();
    res.writeHead(200, { "content-type": "text/event-stream" });
    let open = true;
    res.on("close", () => {
      open = false;
      release();
    });
    const pump = (): void => {
      while (open && res.write(chunk));
      if (open) res.once("drain", pump);
    };
    pump();
  });
  await new Promise<void>((r) => state.server.listen(0, "127.0.0.1", r));
  state.port = (state.server.address() as AddressInfo).port;
  return state;
}

function policy(port: number): string {
  return `apiVersion: tollgate/v1
listener: { maxBodyBytes: 64KiB }
providers:
  - { name: up, kind: openai-compatible, baseUrl: "http://127.0.0.1:${port}/v1" }
models:
  - { name: m, targets: [{ provider: up }] }
consumers:
  - { name: c, keys: [{ sha256: ${sha256Hex(KEY)} }] }
`;
}

/** Writes `head`, then one byte of `drip` every 200 ms; resolves how the connection ended. */
function dripping(port: number, head: string, drip: string): Promise<{ statuses: number[]; ending: "closed" | "open" }> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let text = "";
    let i = 0;
    const timer = setInterval(() => {
      if (i < drip.length && !socket.destroyed) socket.write(drip[i++]!);
    }, 200);
    const done = (ending: "closed" | "open"): void => {
      clearInterval(timer);
      clearTimeout(limit);
      socket.destroy();
      resolve({ statuses: parseResponses(text).statuses, ending });
    };
    const limit = setTimeout(() => done("open"), WAIT_MS);
    socket.on("data", (d) => (text += d.toString("latin1")));
    socket.on("close", () => done("closed"));
    socket.on("error", () => done("closed"));
    socket.on("connect", () => socket.write(head));
  });
}

describe.each(LISTENERS)("slow and stuck clients (%s listener)", (server) => {
  let gw: Gateway;
  let up: Awaited<ReturnType<typeof endlessUpstream>>;

  beforeAll(async () => {
    setQuietLogs(true);
    up = await endlessUpstream();
    gw = await startGateway({
      plan: compileYaml(policy(up.port)),
      port: 0,
      server,
      edgeLimits: { headersTimeoutMs: 1000, requestTimeoutMs: 2000, writeStallTimeoutMs: 1000, timeoutCheckIntervalMs: 250 },
    });
  });

  afterAll(async () => {
    await gw?.close();
    up?.server.closeAllConnections();
    up?.server.close();
  });

  it("disconnects a client that sends its headers a byte at a time (slowloris)", async () => {
    const out = await dripping(gw.port, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ", "a".repeat(WAIT_MS / 200));
    expect(out.ending).toBe("closed");
    expect(out.statuses.filter((s) => s < 400)).toEqual([]);
  });

  it("disconnects a client that sends its body a byte at a time; nothing reaches the upstream", async () => {
    const before = up.requests;
    const body = JSON.stringify({ model: "m", messages: [{ role: "user", content: "x".repeat(500) }] });
    const head = `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const out = await dripping(gw.port, head + body.slice(0, 10), body.slice(10));
    expect(out.ending).toBe("closed");
    expect(out.statuses.filter((s) => s < 400)).toEqual([]);
    expect(up.requests).toBe(before);
  });

  it("disconnects a client that stops reading a stream, and releases its upstream request", async () => {
    const body = JSON.stringify({ model: "m", stream: true, messages: [{ role: "user", content: "stream" }] });
    const socket = connect(gw.port, "127.0.0.1");
    socket.on("error", () => undefined);
    const closed = new Promise<void>((r) => socket.on("close", () => r()));
    socket.on("connect", () => {
      socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      // Never read: the kernel buffers fill, then the gateway's writes stall.
      socket.pause();
    });
    const released = await Promise.race([up.released.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), WAIT_MS))]);
    expect(released).toBe(true);
    socket.destroy();
    await closed;
  });

  it("answers a body over the limit with a 413 every client reads after its whole upload", async () => {
    const big = Buffer.alloc(1024 * 1024, "a");
    const head = `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Type: application/json\r\nContent-Length: ${big.length}\r\n\r\n`;
    const clients = await Promise.all(Array.from({ length: 20 }, () => rawConversation(gw.port, [head, big], { gapMs: 0, waitMs: WAIT_MS })));
    expect(clients.map((c) => c.statuses)).toEqual(clients.map(() => [413]));
  });
});
