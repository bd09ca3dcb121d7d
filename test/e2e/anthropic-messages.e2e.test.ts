/**
 * The inbound Anthropic Messages API (`POST /v1/messages`) end to end, against both
 * listeners: the official `@anthropic-ai/sdk` pointed at the gateway, routed to an
 * OpenAI-compatible upstream (the mock). Messages, streams (the exact event sequence),
 * usage, and errors in Anthropic's shape, which the SDK maps to its error classes.
 */
import Anthropic from "@anthropic-ai/sdk";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { completionText } from "../../tools/mock-upstream/content.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import { compileYaml } from "../support/compile.js";
import { e2ePolicy, KEY_ALL, KEY_LIMITED, PROVIDER_KEY, PROVIDER_KEY_ENV } from "../support/e2e-policy.js";
import { LISTENERS } from "../support/listeners.js";

const HI = [{ role: "user" as const, content: "Hello there, gateway!" }];

describe.each(LISTENERS)("POST /v1/messages (%s listener)", (server) => {
  let mock: MockUpstream;
  let gw: Gateway;
  let client: Anthropic;

  beforeAll(async () => {
    setQuietLogs(true);
    mock = await startMockUpstream({ port: 0, requireApiKey: PROVIDER_KEY, defaults: { tokens: 6 } });
    const extraModel = `  - name: trickle-cut\n    targets: [{ provider: mock, model: "echo+tps=200+tokens=20+drop=3" }]\n`;
    gw = await startGateway({ plan: compileYaml(e2ePolicy(mock.port).replace("routes:\n", `${extraModel}routes:\n`)), port: 0, server, env: { [PROVIDER_KEY_ENV]: PROVIDER_KEY } });
    client = new Anthropic({ baseURL: gw.url, apiKey: KEY_ALL, maxRetries: 0 });
  });

  afterAll(async () => {
    await gw?.close();
    await mock?.close();
  });

  it("answers a message, with the upstream's usage", async () => {
    const m = await client.messages.create({ model: "chat", max_tokens: 100, system: "Be terse.", messages: HI });
    expect(m).toMatchObject({ type: "message", role: "assistant", stop_reason: "end_turn", content: [{ type: "text", text: completionText(6) }] });
    // The mock counts (9 + 21) / 4 → 8 prompt tokens; 6 completion tokens.
    expect(m.usage).toMatchObject({ input_tokens: 8, output_tokens: 6, cache_read_input_tokens: 0 });
    const sent = JSON.parse(mock.requests.at(-1)!.body);
    expect(sent).toMatchObject({
      model: "echo",
      max_tokens: 100,
      messages: [
        { role: "system", content: "Be terse." },
        { role: "user", content: "Hello there, gateway!" },
      ],
    });
  });

  it("streams the Anthropic event sequence, with usage in message_delta", async () => {
    const stream = client.messages.stream({ model: "chat", max_tokens: 100, messages: HI });
    const types: string[] = [];
    for await (const e of stream) types.push(e.type);
    expect(types).toEqual(["message_start", "content_block_start", ...Array<string>(6).fill("content_block_delta"), "content_block_stop", "message_delta", "message_stop"]);
    const final = await stream.finalMessage();
    expect(final.content).toEqual([expect.objectContaining({ type: "text", text: completionText(6) })]);
    expect(final.usage).toMatchObject({ input_tokens: 6, output_tokens: 6 });
    expect(final.stop_reason).toBe("end_turn");
    const sent = JSON.parse(mock.requests.at(-1)!.body);
    expect(sent.stream_options).toEqual({ include_usage: true });
  });

  it("maps max_tokens to stop_reason max_tokens", async () => {
    const m = await client.messages.create({ model: "chat", max_tokens: 2, messages: HI });
    expect(m.stop_reason).toBe("max_tokens");
    expect(m.usage.output_tokens).toBe(2);
  });

  it("accepts the key as x-api-key or a bearer token, and refuses others in Anthropic's shape", async () => {
    const bearer = new Anthropic({ baseURL: gw.url, apiKey: null, authToken: KEY_ALL, maxRetries: 0 });
    expect((await bearer.messages.create({ model: "chat", max_tokens: 10, messages: HI })).type).toBe("message");
    const wrong = await new Anthropic({ baseURL: gw.url, apiKey: "nope", maxRetries: 0 }).messages.create({ model: "chat", max_tokens: 10, messages: HI }).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((wrong as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: "error", error: { type: "authentication_error" } });
  });

  it("answers routing, permission and validation failures with the SDK's error classes", async () => {
    const unknown = await client.messages.create({ model: "no-such-model", max_tokens: 10, messages: HI }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(Anthropic.NotFoundError);
    const limited = new Anthropic({ baseURL: gw.url, apiKey: KEY_LIMITED, maxRetries: 0 });
    expect(await limited.messages.create({ model: "echo", max_tokens: 10, messages: HI }).catch((e: unknown) => e)).toBeInstanceOf(Anthropic.PermissionDeniedError);
    const res = await request(`${gw.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": KEY_ALL, "content-type": "application/json" },
      body: JSON.stringify({ model: "chat", messages: HI }),
    });
    expect(res.statusCode).toBe(400);
    expect(await res.body.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error", message: expect.stringMatching(/max_tokens/) } });
    const notJson = await request(`${gw.url}/v1/messages`, { method: "POST", headers: { "x-api-key": KEY_ALL, "content-type": "application/json" }, body: "{" });
    expect(notJson.statusCode).toBe(400);
    expect(await notJson.body.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
  });

  it("passes upstream rate limits on as rate_limit_error, and ends a cut stream with an error event", async () => {
    const limited = await client.messages.create({ model: "limited", max_tokens: 10, messages: HI }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    const res = await request(`${gw.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": KEY_ALL, "content-type": "application/json" },
      body: JSON.stringify({ model: "trickle-cut", max_tokens: 50, stream: true, messages: HI }),
    });
    const text = await res.body.text();
    expect(text).toMatch(/^event: message_start\n/);
    expect(text).toMatch(/event: error\ndata: \{"type":"error","error":\{"type":"(overloaded_error|api_error)"/);
    expect(text).not.toMatch(/message_stop/);
  });
});
