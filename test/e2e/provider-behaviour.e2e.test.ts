/**
 * Adapter behaviour that needs a particular upstream: an error event inside a 200
 * stream (classified, and a fallback before the commit point), targets that cannot
 * serve tools (skipped, or a clear 400), catalog quirks applied to the wire, and the
 * usage request hidden from a client that did not ask (byte-identical to no gateway).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import { compileYaml, sha256Hex } from "../support/compile.js";
import { LISTENERS } from "../support/listeners.js";

const KEY = "sk-tg-behaviour";
const OVERLOADED = 'data: {"error":{"message":"Overloaded","type":"overloaded_error","code":null}}\n\n';
const HELLO = [{ role: "user", content: "hi" }];

describe.each(LISTENERS)("provider behaviour (%s listener)", (server) => {
  let mock: MockUpstream;
  let erroring: Server;
  let gw: Gateway;

  beforeAll(async () => {
    setQuietLogs(true);
    mock = await startMockUpstream({ defaults: { tokens: 6 } });
    erroring = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.end(OVERLOADED);
      });
    });
    await new Promise<void>((r) => erroring.listen(0, "127.0.0.1", r));
    const errPort = (erroring.address() as AddressInfo).port;
    gw = await startGateway({
      server,
      port: 0,
      plan: compileYaml(`apiVersion: tollgate/v1
providers:
  - { name: mock, kind: openai-compatible, baseUrl: "${mock.url}" }
  - { name: erroring, kind: openai-compatible, baseUrl: "http://127.0.0.1:${errPort}/v1" }
  - { name: toolless, kind: vllm, baseUrl: "${mock.url}", compat: { tools: false, jsonMode: false } }
  - { name: mistralish, kind: mistral, baseUrl: "${mock.url}" }
models:
  - name: overloaded-then-ok
    targets: [{ provider: erroring, model: echo }]
    fallbacks: [{ provider: mock, model: echo }]
  - name: overloaded
    targets: [{ provider: erroring, model: echo }]
  - name: tools-elsewhere
    targets: [{ provider: toolless, model: echo }]
    fallbacks: [{ provider: mock, model: "echo+tokens=2" }]
  - { name: no-tools, targets: [{ provider: toolless, model: echo }] }
  - { name: quirky, targets: [{ provider: mistralish, model: echo }] }
  - { name: plain, targets: [{ provider: mock, model: echo }] }
consumers:
  - { name: c, keys: [{ sha256: ${sha256Hex(KEY)} }] }
`),
    });
  });
  afterAll(async () => {
    await gw?.close();
    await mock?.close();
    erroring?.closeAllConnections();
    erroring?.close();
  });

  async function post(body: Record<string, unknown>): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
    const res = await request(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
  }

  it("an error event inside a 200 stream, before anything reached the client, falls back to the next target", async () => {
    const res = await post({ model: "overloaded-then-ok", stream: true, messages: HELLO });
    expect(res.status).toBe(200);
    expect(res.headers["x-tollgate-attempts"]).toBe("2");
    expect(res.text).toContain("data: [DONE]");
    expect(res.text).not.toContain("Overloaded");
  });

  it("an in-stream overload with no target left becomes the gateway's error, classified", async () => {
    const res = await post({ model: "overloaded", stream: true, messages: HELLO });
    expect(res.status).toBe(502);
    expect(JSON.parse(res.text)).toMatchObject({ error: { code: "upstream_error", message: expect.stringMatching(/overloaded/) } });
  });

  it("a target without tools is skipped for one that has them; alone, it answers a 400 naming the parameter", async () => {
    const routed = await post({ model: "tools-elsewhere", messages: HELLO, tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }] });
    expect(routed.status).toBe(200);
    expect(routed.headers["x-tollgate-attempts"]).toBe("1");
    expect(JSON.parse(routed.text).choices[0].finish_reason).toBe("tool_calls");
    const refused = await post({ model: "no-tools", messages: HELLO, tools: [{ type: "function", function: { name: "f" } }] });
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.text)).toMatchObject({ error: { param: "tools", code: "unsupported_parameter", type: "invalid_request_error" } });
    const json = await post({ model: "no-tools", messages: HELLO, response_format: { type: "json_object" } });
    expect(JSON.parse(json.text)).toMatchObject({ error: { param: "response_format" } });
  });

  it("applies a vendor's quirks on the wire (mistral: max_tokens, dropped params, no stream_options)", async () => {
    const res = await post({ model: "quirky", stream: true, messages: HELLO, max_completion_tokens: 3, logit_bias: { "1": 1 }, user: "u" });
    expect(res.status).toBe(200);
    const sent = JSON.parse(mock.requests.at(-1)!.body) as Record<string, unknown>;
    expect(sent).toEqual({ model: "echo", stream: true, messages: HELLO, max_tokens: 3 });
  });

  it("hides the usage it asked for: the client's stream equals the upstream's answer without the request", async () => {
    const viaGateway = await post({ model: "plain", stream: true, messages: HELLO });
    expect(JSON.parse(mock.requests.at(-1)!.body)).toMatchObject({ stream_options: { include_usage: true } });
    const direct = await request(`${mock.url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "echo", stream: true, messages: HELLO }),
    });
    const normalize = (t: string): string => t.replace(/"id":"[^"]+"/g, '"id":"x"').replace(/"created":\d+/g, '"created":0');
    expect(normalize(viaGateway.text)).toBe(normalize(await direct.body.text()));
  });
});
