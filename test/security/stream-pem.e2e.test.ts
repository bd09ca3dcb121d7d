/**
 * A PEM private key in a streamed answer, through the gateway on both listeners: with the
 * credential detector on `redact` the client gets the placeholder and not one line of
 * the key; on `block` the stream ends with an error event, never `[DONE]`, and no part
 * of the key went out. The mock streams the answer 7 characters at a time, so the END
 * line arrives in pieces (the release that used to happen at `-----END`).
 */
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LISTENERS } from "../support/listeners.js";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import { compileYaml, sha256Hex } from "../support/compile.js";

const KEY = "sk-tg-stream-pem";
const BODY = ["MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgwMbRvI0MBZhpF", "Yl7q9x8kzR2m3n4o5p6q7r8s9t0u1v2w3x4y5z6A7B8C9D0E1F2G3H4I5J6K7L8M"];
const PEM = ["-----BEGIN RSA PRIVATE KEY-----", ...BODY, "-----END RSA PRIVATE KEY-----"].join("\n");
const SAY = encodeURIComponent(`Here is the key:\n${PEM}\nKeep it safe.`).replace(/\+/g, "%2B");

function policy(mockPort: number): string {
  return `apiVersion: tollgate/v1
providers:
  - { name: mock, kind: openai-compatible, baseUrl: "http://127.0.0.1:${mockPort}/v1" }
models:
  - { name: pem-redact, targets: [{ provider: mock, model: "echo+say=${SAY}+chunk=7" }], guardrails: [redact-keys] }
  - { name: pem-block, targets: [{ provider: mock, model: "echo+say=${SAY}+chunk=7" }], guardrails: [block-keys] }
consumers:
  - { name: app, keys: [{ sha256: ${sha256Hex(KEY)} }] }
guardrails:
  - { name: redact-keys, output: { pii: { credential: redact } } }
  - { name: block-keys, output: { pii: { credential: block } } }
`;
}

describe.each(LISTENERS)("a PEM key in a streamed answer (%s listener)", (server) => {
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

  async function streamed(model: string): Promise<{ raw: string; content: string }> {
    const res = await request(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ model, stream: true, messages: [{ role: "user", content: "the key please" }] }),
    });
    expect(res.statusCode).toBe(200);
    const raw = await res.body.text();
    let content = "";
    for (const e of raw.split("\n\n")) {
      if (!e.startsWith("data: {")) continue;
      const chunk = JSON.parse(e.slice(6)) as { choices?: { delta?: { content?: string } }[] };
      content += chunk.choices?.[0]?.delta?.content ?? "";
    }
    return { raw, content };
  }

  it("redact: the placeholder, and no line of the key", async () => {
    const { raw, content } = await streamed("pem-redact");
    expect(content).toBe("Here is the key:\n[SECRET_1]\nKeep it safe.");
    for (const line of [...BODY, "-----END RSA", "PRIVATE KEY-----"]) expect(raw).not.toContain(line);
    expect(raw.trimEnd().endsWith("data: [DONE]")).toBe(true);
  });

  it("block: an error event ends the stream, never [DONE], and no part of the key went out", async () => {
    const { raw, content } = await streamed("pem-block");
    expect(content).not.toContain("-----BEGIN");
    for (const line of BODY) expect(raw).not.toContain(line.slice(0, 12));
    expect(raw).not.toContain("[DONE]");
    const last = raw.trimEnd().split("\n\n").pop()!;
    expect(JSON.parse(last.slice(6))).toMatchObject({ error: { code: "content_blocked" } });
  });
});
