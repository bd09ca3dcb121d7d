/**
 * Every endpoint that carries user text is screened, in each direction that carries
 * text. The table lists every endpoint the gateway serves × {input, output}: a row is
 * either exercised here through the gateway (a card number under a `block` rule is
 * refused before anything reaches the upstream; an e-mail under `redact` reaches it as
 * a placeholder; text in the answer is redacted or blocked), or says why there is no
 * text to screen. A new endpoint without a row fails the first test.
 */
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { SERVED_ENDPOINTS } from "../../runtime/pipeline/handle-request.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import { compileYaml, sha256Hex } from "../support/compile.js";
import { wav } from "../support/audio-files.js";

const KEY = "sk-tg-screening";
const CARD = "4111 1111 1111 1111";
const EMAIL = "jane.roe@example.org";

type Cell = { readonly screened: true } | { readonly screened: false; readonly why: string };
const yes: Cell = { screened: true };
const no = (why: string): Cell => ({ screened: false, why });

/** The table the report quotes. */
export const SCREENING: Readonly<Record<string, { readonly input: Cell; readonly output: Cell }>> = {
  "POST /v1/chat/completions": { input: yes, output: yes },
  "POST /v1/messages": { input: yes, output: yes },
  "POST /v1/responses": { input: yes, output: yes },
  "POST /v1/embeddings": { input: yes, output: no("vectors: no text") },
  "POST /v1/audio/speech": { input: yes, output: no("audio bytes: no text") },
  // Streamed transcripts on a route with output checks are refused (fail closed): tested below.
  "POST /v1/audio/transcriptions": { input: yes, output: yes },
  "GET /v1/models": { input: no("no body"), output: no("the gateway's own model list") },
  "GET /v1/models/{id}": { input: no("no body"), output: no("the gateway's own model entry") },
  "GET /healthz": { input: no("no body"), output: no("the gateway's own status") },
  "GET /livez": { input: no("no body"), output: no("the gateway's own status") },
  "GET /readyz": { input: no("no body"), output: no("the gateway's own status") },
  "GET /metrics": { input: no("no body"), output: no("the gateway's own counters") },
};

function policy(mockPort: number): string {
  return `apiVersion: tollgate/v1
providers:
  - { name: mock, kind: openai-compatible, baseUrl: "http://127.0.0.1:${mockPort}/v1" }
models:
  - { name: chat, targets: [{ provider: mock, model: echo }], guardrails: [screen] }
  - { name: embed, targets: [{ provider: mock, model: words }], guardrails: [screen] }
  - { name: speak, targets: [{ provider: mock, model: tts-1 }], guardrails: [screen] }
  - { name: hear, targets: [{ provider: mock, model: whisper-1 }], guardrails: [screen] }
  - { name: hear-blocked, targets: [{ provider: mock, model: whisper-1 }], guardrails: [screen, no-transcript] }
consumers:
  - { name: app, keys: [{ sha256: ${sha256Hex(KEY)} }] }
guardrails:
  - name: screen
    input: { pii: { card: block, email: redact } }
    output: { denyTerms: [{ terms: [mock transcript], action: redact }] }
  - name: no-transcript
    output: { denyTerms: [{ terms: [tollgate], action: block }] }
`;
}

describe("endpoint × direction screening", () => {
  let mock: MockUpstream;
  let gw: Gateway;

  beforeAll(async () => {
    setQuietLogs(true);
    mock = await startMockUpstream({ port: 0 });
    gw = await startGateway({ plan: compileYaml(policy(mock.port)), port: 0, server: "uws", env: {} });
  });
  afterAll(async () => {
    await gw?.close();
    await mock?.close();
  });

  const post = async (path: string, body: object | Buffer, type = "application/json"): Promise<{ status: number; text: string }> => {
    const res = await request(`${gw.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}`, "x-api-key": KEY, "content-type": type },
      body: Buffer.isBuffer(body) ? body : JSON.stringify(body),
    });
    return { status: res.statusCode, text: await res.body.text() };
  };
  const upstreamSaw = (): string => mock.requests.map((r) => r.body).join("\n");

  function multipart(fields: Record<string, string>): { body: Buffer; type: string } {
    const boundary = "screening-boundary";
    const parts = Object.entries(fields).map(([k, v]) => Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
    const file = Buffer.concat([
      Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="a.wav"\r\ncontent-type: audio/wav\r\n\r\n`),
      wav(1),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return { body: Buffer.concat([...parts, file]), type: `multipart/form-data; boundary=${boundary}` };
  }

  it("has a row for every endpoint the gateway serves", () => {
    expect(Object.keys(SCREENING).sort()).toEqual([...SERVED_ENDPOINTS].sort());
  });

  /** Input: a card is refused before the upstream sees it; an e-mail reaches it as a placeholder. */
  const inputs: Record<string, (text: string) => Promise<{ status: number; text: string }>> = {
    "POST /v1/chat/completions": (t) => post("/v1/chat/completions", { model: "chat", messages: [{ role: "user", content: t }] }),
    "POST /v1/messages": (t) => post("/v1/messages", { model: "chat", max_tokens: 16, messages: [{ role: "user", content: t }] }),
    "POST /v1/responses": (t) => post("/v1/responses", { model: "chat", input: t }),
    "POST /v1/embeddings": (t) => post("/v1/embeddings", { model: "embed", input: ["a clean line", t] }),
    "POST /v1/audio/speech": (t) => post("/v1/audio/speech", { model: "speak", input: t, voice: "alloy" }),
    "POST /v1/audio/transcriptions": (t) => {
      const m = multipart({ model: "hear", prompt: t });
      return post("/v1/audio/transcriptions", m.body, m.type);
    },
  };

  it.each(Object.keys(SCREENING).filter((e) => SCREENING[e]!.input.screened))("%s input: blocks a card, redacts an e-mail", async (endpoint) => {
    const send = inputs[endpoint]!;
    const before = mock.requests.length;
    const refused = await send(`pay with ${CARD} please`);
    expect(refused.status, refused.text).toBe(400);
    expect(refused.text).toMatch(/blocked by guardrail/);
    expect(mock.requests.length, "nothing reached the upstream").toBe(before);
    const sent = await send(`write to ${EMAIL} please`);
    expect(sent.status, sent.text).toBe(200);
    expect(upstreamSaw()).not.toContain(EMAIL);
    expect(mock.requests.at(-1)!.body).toContain("[EMAIL_1]");
  });

  /** Output: the answer's text is redacted, or refused. */
  it("POST /v1/chat/completions, /v1/messages and /v1/responses output: redacted", async () => {
    const chat = await post("/v1/chat/completions", { model: "chat", messages: [{ role: "user", content: "say mock transcript" }] });
    expect(chat.text).not.toMatch(/mock transcript/i);
    const messages = await post("/v1/messages", { model: "chat", max_tokens: 32, messages: [{ role: "user", content: "say mock transcript" }] });
    expect(messages.text).not.toMatch(/mock transcript/i);
    const responses = await post("/v1/responses", { model: "chat", input: "say mock transcript" });
    expect(responses.status, responses.text).toBe(200);
    expect(responses.text).not.toMatch(/mock transcript/i);
    const streamed = await post("/v1/responses", { model: "chat", input: "say mock transcript", stream: true });
    expect(streamed.text).not.toMatch(/mock transcript/i);
  });

  it("POST /v1/audio/transcriptions output: the transcript is redacted, or refused", async () => {
    const m = multipart({ model: "hear" });
    const redacted = await post("/v1/audio/transcriptions", m.body, m.type);
    expect(redacted.status).toBe(200);
    expect(JSON.parse(redacted.text).text).toBe("Tollgate [TERM_1].");
    const b = multipart({ model: "hear-blocked" });
    const blocked = await post("/v1/audio/transcriptions", b.body, b.type);
    expect(blocked.status).toBe(400);
    expect(blocked.text).toContain("content_blocked");
    expect(blocked.text).not.toContain("mock transcript");
    const s = multipart({ model: "hear", stream: "true" });
    const streamed = await post("/v1/audio/transcriptions", s.body, s.type);
    expect(streamed.status).toBe(400);
    expect(streamed.text).toContain("stream=true");
  });

  it("prints the table", () => {
    const cell = (c: Cell): string => (c.screened ? "screened" : `— (${c.why})`);
    const lines = Object.entries(SCREENING).map(([e, r]) => `| ${e} | ${cell(r.input)} | ${cell(r.output)} |`);
    process.stdout.write(`| endpoint | input | output |\n|---|---|---|\n${lines.join("\n")}\n`);
  });
});
