/**
 * Output moderation through the gateway, with the same external check as for input in
 * both of its shapes: the OpenAI moderation API (the mock's `/moderations`, which flags
 * `mock-flag:<category>`), and a guard model behind an OpenAI-compatible chat endpoint
 * answering `safe` / `unsafe\nS1` as Llama Guard does (a loopback stub). Non-streamed
 * answers are judged whole; streams window by window, and nothing of a flagged window
 * reaches the client: the stream ends with an error event, never `[DONE]`. A failing
 * check fails open or closed as the policy says.
 */
import { createServer, type Server } from "node:http";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LISTENERS } from "../support/listeners.js";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import { compileYaml, sha256Hex } from "../support/compile.js";

const KEY = "sk-tg-output-moderation";
const enc = (s: string): string => encodeURIComponent(s).replace(/\+/g, "%2B");
const LONG_CLEAN = "The weather today is mild and pleasant, with a light breeze from the west. ".repeat(6);
const FLAGGED = `${LONG_CLEAN}Then it says mock-flag:violence and goes on. ${LONG_CLEAN}`;
const FORBIDDEN = `${LONG_CLEAN}Here is the forbidden recipe you asked for. ${LONG_CLEAN}`;

/** A Llama Guard stand-in: `unsafe\nS1` when the judged turn says "forbidden", else `safe`; remembers what it was asked. */
async function startGuard(): Promise<{ url: string; seen: { messages: { role: string; content: string }[] }[]; close(): Promise<void> }> {
  const seen: { messages: { role: string; content: string }[] }[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const parsed = JSON.parse(body) as { messages: { role: string; content: string }[] };
      seen.push(parsed);
      const judged = parsed.messages.at(-1)!.content;
      const content = judged.includes("forbidden") ? "unsafe\nS1,S10" : "safe";
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({ id: "g", object: "chat.completion", created: 1, model: "guard", choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }] }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`, seen, close: () => new Promise((r) => server.close(() => r())) };
}

function policy(mockPort: number, guardUrl: string): string {
  return `apiVersion: tollgate/v1
providers:
  - { name: mock, kind: openai-compatible, baseUrl: "http://127.0.0.1:${mockPort}/v1" }
  - { name: guard, kind: openai-compatible, baseUrl: "${guardUrl}" }
  - { name: down, kind: openai-compatible, baseUrl: "http://127.0.0.1:1/v1" }
models:
  - { name: api-clean, targets: [{ provider: mock, model: "echo+say=${enc(LONG_CLEAN)}+chunk=9" }], guardrails: [api-check] }
  - { name: api-flagged, targets: [{ provider: mock, model: "echo+say=${enc(FLAGGED)}+chunk=9" }], guardrails: [api-check] }
  - { name: guard-clean, targets: [{ provider: mock, model: "echo+say=${enc(LONG_CLEAN)}+chunk=9" }], guardrails: [guard-check] }
  - { name: guard-flagged, targets: [{ provider: mock, model: "echo+say=${enc(FORBIDDEN)}+chunk=9" }], guardrails: [guard-check] }
  - { name: closed, targets: [{ provider: mock, model: "echo+say=${enc(LONG_CLEAN)}" }], guardrails: [closed-check] }
  - { name: open, targets: [{ provider: mock, model: "echo+say=${enc(LONG_CLEAN)}" }], guardrails: [open-check] }
consumers:
  - { name: app, keys: [{ sha256: ${sha256Hex(KEY)} }] }
guardrails:
  - { name: api-check, output: { moderation: { provider: mock, onError: closed, every: 120 } } }
  - { name: guard-check, output: { moderation: { provider: guard, api: guard-model, model: llama-guard, onError: closed, every: 120 } } }
  - { name: closed-check, output: { moderation: { provider: down, timeout: 500ms, onError: closed } } }
  - { name: open-check, output: { moderation: { provider: down, timeout: 500ms, onError: open } } }
`;
}

describe.each(LISTENERS)("output moderation (%s listener)", (server) => {
  let mock: MockUpstream;
  let guard: Awaited<ReturnType<typeof startGuard>>;
  let gw: Gateway;

  beforeAll(async () => {
    setQuietLogs(true);
    mock = await startMockUpstream({ port: 0 });
    guard = await startGuard();
    gw = await startGateway({ plan: compileYaml(policy(mock.port, guard.url)), port: 0, server, env: {} });
  });
  afterAll(async () => {
    await gw?.close();
    await guard?.close();
    await mock?.close();
  });

  async function ask(model: string, stream: boolean): Promise<{ status: number; raw: string; content: string }> {
    const res = await request(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ model, stream, messages: [{ role: "user", content: "tell me about the weather" }] }),
    });
    const raw = await res.body.text();
    let content = "";
    if (stream) {
      for (const e of raw.split("\n\n"))
        if (e.startsWith("data: {")) content += (JSON.parse(e.slice(6)) as { choices?: { delta?: { content?: string } }[] }).choices?.[0]?.delta?.content ?? "";
    } else if (res.statusCode === 200) content = (JSON.parse(raw) as { choices: { message: { content: string } }[] }).choices[0]!.message.content;
    return { status: res.statusCode, raw, content };
  }

  it.each(["api", "guard"])("%s: clean answers pass whole, streamed or not", async (kind) => {
    for (const stream of [false, true]) {
      const r = await ask(`${kind}-clean`, stream);
      expect(r.status).toBe(200);
      expect(r.content).toBe(LONG_CLEAN);
      if (stream) expect(r.raw.trimEnd().endsWith("data: [DONE]")).toBe(true);
    }
  });

  it.each([
    ["api", "mock-flag"],
    ["guard", "forbidden"],
  ])("%s: a flagged answer is refused whole, and a flagged stream stops before the flagged window, with an error event and no [DONE]", async (kind, marker) => {
    const plain = await ask(`${kind}-flagged`, false);
    expect(plain.status).toBe(400);
    expect(plain.raw).toContain("content_blocked");
    expect(plain.raw).not.toContain(marker);
    const streamed = await ask(`${kind}-flagged`, true);
    expect(streamed.status).toBe(200);
    expect(streamed.raw).not.toContain(marker);
    expect(streamed.raw).not.toContain("[DONE]");
    expect(LONG_CLEAN.startsWith(streamed.content.slice(0, LONG_CLEAN.length))).toBe(true);
    const last = streamed.raw.trimEnd().split("\n\n").pop()!;
    expect(JSON.parse(last.slice(6))).toMatchObject({ error: { code: "content_blocked" } });
  });

  it("a guard model sees the prompt as the user's turn and the answer as the assistant's", () => {
    const call = guard.seen.find((s) => s.messages.length === 2)!;
    expect(call.messages[0]).toEqual({ role: "user", content: "tell me about the weather" });
    expect(call.messages[1]!.role).toBe("assistant");
  });

  it("a failing check fails closed (503, or an error event) or open, as declared", async () => {
    const closed = await ask("closed", false);
    expect(closed.status).toBe(503);
    expect(closed.raw).toContain("moderation_unavailable");
    const closedStream = await ask("closed", true);
    expect(closedStream.raw).not.toContain("[DONE]");
    expect(closedStream.raw).toContain("moderation_unavailable");
    expect(closedStream.content).toBe("");
    const open = await ask("open", true);
    expect(open.content).toBe(LONG_CLEAN);
  });
});
