/**
 * Every request ends, whatever the upstream sends, against both listeners: for each
 * provider protocol (OpenAI-compatible, Anthropic, Bedrock, Gemini) a scripted upstream
 * answers non-streamed requests with JSON nested 20,000 levels deep, with garbage, or
 * with silence (the OpenAI-compatible relay passes a 2xx body through as sent), and streamed requests with one event larger than the per-event cap or
 * with silence after the first event. Each request gets an answer (an error status or
 * a stream that ends with an error event) and its body ends, within the request
 * deadline (`listener.requestTimeout`, 3 s here). A client-side limit far above it
 * only keeps a regression from hanging the suite.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import { compileYaml, sha256Hex } from "../support/compile.js";
import { LISTENERS } from "../support/listeners.js";

const KEY = "sk-tg-every-request-ends";
/** Far above the 3 s request deadline: reaching it means the request did not end. */
const CLIENT_LIMIT_MS = 45_000;
const PROVIDERS = ["openai", "anthropic", "bedrock", "gemini"] as const;
type Mode = "deep" | "garbage" | "silence" | "huge-event" | "silence-mid-stream";

/** The first event of a stream, in each protocol's framing (an empty text delta). */
function firstEvent(kind: (typeof PROVIDERS)[number]): Buffer {
  if (kind === "anthropic")
    return Buffer.from(
      `event: message_start\ndata: ${JSON.stringify({ type: "message_start", message: { id: "m", type: "message", role: "assistant", model: "x", content: [], stop_reason: null, usage: { input_tokens: 1, output_tokens: 0 } } })}\n\n`,
    );
  if (kind === "gemini") return Buffer.from(`data: ${JSON.stringify({ candidates: [{ content: { role: "model", parts: [{ text: "a" }] }, index: 0 }] })}\n\n`);
  if (kind === "openai")
    return Buffer.from(
      `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { content: "a" }, finish_reason: null }] })}\n\n`,
    );
  return Buffer.alloc(0); // bedrock: the huge frame itself is the first event
}

/** Starts the upstream; `mode` and which protocol it speaks come from the path the gateway calls. */
function scriptedUpstream(getMode: () => Mode): Promise<{ server: Server; port: number }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on("end", () => {
      const url = req.url ?? "";
      const kind = url.startsWith("/bedrock") ? "bedrock" : url.startsWith("/anthropic") ? "anthropic" : url.startsWith("/gemini") ? "gemini" : "openai";
      const mode = getMode();
      if (mode === "silence") return; // headers never come
      if (mode === "deep") {
        res.writeHead(200, { "content-type": "application/json" });
        return res.end(`{"a":${"[".repeat(20_000)}${"]".repeat(20_000)}}`);
      }
      if (mode === "garbage") {
        res.writeHead(200, { "content-type": "application/json" });
        return res.end("\u0000\u00ff<html>not json at all");
      }
      const bedrock = kind === "bedrock";
      res.writeHead(200, { "content-type": bedrock ? "application/vnd.amazon.eventstream" : "text/event-stream" });
      if (mode === "silence-mid-stream") {
        if (!bedrock) return void res.write(firstEvent(kind));
        return; // bedrock: headers, then nothing
      }
      // huge-event: one event that never ends within the cap (9 MiB of it), then silence.
      if (bedrock) {
        const prelude = Buffer.alloc(12);
        prelude.writeUInt32BE(16 * 1024 * 1024, 0);
        prelude.writeUInt32BE(0, 4);
        res.write(prelude);
      } else res.write("data: ");
      let left = 9 * 1024 * 1024;
      const block = Buffer.alloc(64 * 1024, "x");
      const pump = (): void => {
        while (left > 0) {
          left -= block.length;
          if (!res.write(block)) return void res.once("drain", pump);
        }
      };
      pump();
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, port: (server.address() as AddressInfo).port })));
}

function policy(port: number): string {
  const slow = "timeouts: { firstByte: 2m, idle: 2m, total: 5m }";
  return `apiVersion: tollgate/v1
listener: { requestTimeout: 3s }
providers:
  - { name: openai, kind: openai-compatible, baseUrl: "http://127.0.0.1:${port}/openai/v1", ${slow} }
  - { name: anthropic, kind: anthropic, baseUrl: "http://127.0.0.1:${port}/anthropic/v1", apiKeys: [env:UP_KEY], ${slow} }
  - { name: gemini, kind: gemini, baseUrl: "http://127.0.0.1:${port}/gemini/v1beta", apiKeys: [env:UP_KEY], ${slow} }
  - name: bedrock
    kind: bedrock
    baseUrl: "http://127.0.0.1:${port}/bedrock"
    bedrock: { region: us-east-1, accessKeyId: env:AKID, secretAccessKey: env:SECRET }
    ${slow}
models:
  - { name: openai, targets: [{ provider: openai, model: m }] }
  - { name: anthropic, targets: [{ provider: anthropic, model: claude-x }] }
  - { name: gemini, targets: [{ provider: gemini, model: gemini-x }] }
  - { name: bedrock, targets: [{ provider: bedrock, model: anthropic.claude-x }] }
consumers:
  - { name: c, keys: [{ sha256: ${sha256Hex(KEY)} }] }
`;
}

describe.each(LISTENERS)("every request ends (%s listener)", (server) => {
  let gw: Gateway;
  let up: Awaited<ReturnType<typeof scriptedUpstream>>;
  let mode: Mode = "deep";

  beforeAll(async () => {
    setQuietLogs(true);
    up = await scriptedUpstream(() => mode);
    gw = await startGateway({ plan: compileYaml(policy(up.port)), port: 0, server, env: { UP_KEY: "up-key", AKID: "AKIDENDS", SECRET: "ends-secret" } });
  });

  afterAll(async () => {
    await gw?.close();
    up?.server.closeAllConnections();
    up?.server.close();
  });

  /** One chat request per provider, all at once: each one's status and whole body. */
  async function askAll(stream: boolean): Promise<{ provider: string; status: number; body: string }[]> {
    return Promise.all(
      PROVIDERS.map(async (provider) => {
        const res = await request(`${gw.url}/v1/chat/completions`, {
          method: "POST",
          headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
          body: JSON.stringify({ model: provider, stream, messages: [{ role: "user", content: "hi" }] }),
          headersTimeout: CLIENT_LIMIT_MS,
          bodyTimeout: CLIENT_LIMIT_MS,
        });
        return { provider, status: res.statusCode, body: await res.body.text() };
      }),
    );
  }

  it.each(["deep", "garbage", "silence"] as const)("answers a non-streamed request whose upstream sends %s with an error", async (m) => {
    mode = m;
    for (const got of await askAll(false)) {
      expect(got.status, `${got.provider}: ${got.body.slice(0, 200)}`).toBeGreaterThanOrEqual(500);
      expect((JSON.parse(got.body) as { error: { code: string } }).error.code, got.provider).toBeTruthy();
    }
  });

  it.each(["huge-event", "silence-mid-stream"] as const)("ends a stream whose upstream sends %s with an error status or a last error event", async (m) => {
    mode = m;
    for (const got of await askAll(true)) {
      const label = `${got.provider}: ${got.status} ${got.body.slice(-300)}`;
      if (got.status >= 500) expect(got.body, label).toContain('"error"');
      else {
        expect(got.status, label).toBe(200);
        expect(got.body, label).toMatch(/"error"/);
      }
    }
  });
});
