/**
 * Routes on request headers, end to end against both listeners, driven by the
 * official `openai` client's `defaultHeaders`. Each model sends a distinct upstream
 * model name, which the mock echoes back, so the answer shows which route was taken.
 */
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import { compileYaml, sha256Hex } from "../support/compile.js";
import { LISTENERS } from "../support/listeners.js";

const KEY = "sk-tg-header-routes";
const HELLO = [{ role: "user" as const, content: "Hello!" }];

function policy(mockPort: number): string {
  return `apiVersion: tollgate/v1
providers:
  - name: mock
    kind: openai-compatible
    baseUrl: http://127.0.0.1:${mockPort}/v1
models:
  - name: chat
    targets: [{ provider: mock, model: default-echo }]
  - name: research
    targets: [{ provider: mock, model: research-echo }]
  - name: labs
    targets: [{ provider: mock, model: labs-echo }]
  - name: beta
    targets: [{ provider: mock, model: beta-echo }]
routes:
  - name: research-team
    match: { model: chat, headers: { x-team: { exact: research } } }
    model: research
  - name: labs
    match: { model: chat, headers: { x-team: { regex: "^lab-[0-9]+$" }, x-debug: { present: false } } }
    model: labs
  - name: beta-gpt
    match: { model: "gpt-*", headers: { x-beta: { present: true } } }
    model: beta
  - name: any-gpt
    match: { model: "gpt-*" }
    model: chat
consumers:
  - name: app
    keys: [{ sha256: ${sha256Hex(KEY)} }]
`;
}

describe.each(LISTENERS)("header routes end to end (%s listener)", (server) => {
  let mock: MockUpstream;
  let gw: Gateway;

  beforeAll(async () => {
    setQuietLogs(true);
    mock = await startMockUpstream({ port: 0 });
    gw = await startGateway({ plan: compileYaml(policy(mock.port)), port: 0, server });
  });

  afterAll(async () => {
    await gw?.close();
    await mock?.close();
  });

  /** The upstream model that answered `model`, sent with these client headers. */
  const answeredBy = async (model: string, headers: Record<string, string> = {}): Promise<string> => {
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: KEY, maxRetries: 0, defaultHeaders: headers });
    return (await client.chat.completions.create({ model, messages: HELLO })).model;
  };

  it("takes the one-lookup route when no header route applies", async () => {
    expect(await answeredBy("chat")).toBe("default-echo");
    expect(await answeredBy("research")).toBe("research-echo");
  });

  it("routes on an exact header value, with header names in any case", async () => {
    expect(await answeredBy("chat", { "x-team": "research" })).toBe("research-echo");
    expect(await answeredBy("chat", { "X-Team": "research" })).toBe("research-echo");
    expect(await answeredBy("chat", { "x-team": "Research" })).toBe("default-echo");
  });

  it("routes on a regex, and on a header being absent", async () => {
    expect(await answeredBy("chat", { "x-team": "lab-42" })).toBe("labs-echo");
    expect(await answeredBy("chat", { "x-team": "lab-42", "x-debug": "1" })).toBe("default-echo");
    expect(await answeredBy("chat", { "x-team": "lab-x" })).toBe("default-echo");
  });

  it("checks header conditions on glob routes, in order", async () => {
    expect(await answeredBy("gpt-4o-mini", { "x-beta": "yes" })).toBe("beta-echo");
    expect(await answeredBy("gpt-4o-mini")).toBe("default-echo");
  });

  it("routes streams the same way", async () => {
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: KEY, maxRetries: 0, defaultHeaders: { "x-team": "research" } });
    const stream = await client.chat.completions.create({ model: "chat", stream: true, messages: HELLO });
    const models = new Set<string>();
    for await (const chunk of stream) models.add(chunk.model);
    expect([...models]).toEqual(["research-echo"]);
  });

  it("still answers 404 for a name no route matches, headers or not", async () => {
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: KEY, maxRetries: 0, defaultHeaders: { "x-team": "research" } });
    await expect(client.chat.completions.create({ model: "claude-3", messages: HELLO })).rejects.toMatchObject({ status: 404, code: "model_not_found" });
  });
});
