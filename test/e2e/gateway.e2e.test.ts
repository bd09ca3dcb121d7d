/**
 * End to end, against both listeners: compile a policy, start the runtime on
 * loopback in front of the mock upstream, and drive it with the official `openai`
 * client and raw undici requests. Every body and stream chunk is validated against
 * the OpenAI OpenAPI spec (with the documented lenient overlay).
 */
import OpenAI from "openai";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import { compileYaml } from "../support/compile.js";
import { e2ePolicy, KEY_ALL, KEY_LIMITED, PROVIDER_KEY, PROVIDER_KEY_ENV } from "../support/e2e-policy.js";
import { assertConforms } from "../support/openai-spec.js";
import { sseData } from "../support/sse.js";
import { LISTENERS } from "../support/listeners.js";

const HELLO = [{ role: "user" as const, content: "Hello!" }];

describe.each(LISTENERS)("gateway end to end (%s listener)", (server) => {
  let mock: MockUpstream;
  let gw: Gateway;
  let client: OpenAI;

  beforeAll(async () => {
    setQuietLogs(true);
    mock = await startMockUpstream({ port: 0, requireApiKey: PROVIDER_KEY });
    const plan = compileYaml(e2ePolicy(mock.port));
    gw = await startGateway({ plan, port: 0, server, env: { [PROVIDER_KEY_ENV]: PROVIDER_KEY } });
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: KEY_ALL, maxRetries: 0 });
  });

  afterAll(async () => {
    await gw?.close();
    await mock?.close();
  });

  const post = (body: unknown, key = KEY_ALL) =>
    request(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  it("answers a non-streamed completion that conforms to the spec", async () => {
    const res = await client.chat.completions.create({ model: "chat", messages: HELLO }).withResponse();
    assertConforms("CreateChatCompletionResponse", res.data);
    expect(res.data.choices[0]!.message.content).toMatch(/mock/);
    expect(res.response.headers.get("x-request-id")).toBeTruthy();
  });

  it("streams chunks that each conform to the spec and end with [DONE]", async () => {
    const res = await post({ model: "chat", stream: true, messages: HELLO });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/event-stream/);
    const data = sseData(await res.body.text());
    expect(data.at(-1)).toBe("[DONE]");
    for (const d of data.slice(0, -1)) assertConforms("CreateChatCompletionStreamResponse", JSON.parse(d));
    const stream = await client.chat.completions.create({ model: "chat", stream: true, messages: HELLO });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toMatch(/mock/);
  });

  it("relays the client's body bytes untouched when the model needs no rewrite, with the provider's key, never the client's", async () => {
    const body = `{"model":"echo",  "messages":[{"role":"user","content":"byte-exact ✓"}], "x_unknown_field": {"kept": true}}`;
    const res = await request(`${gw.url}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${KEY_ALL}` }, body });
    expect(res.statusCode).toBe(200);
    await res.body.text();
    const seen = mock.requests.at(-1)!;
    expect(seen.body).toBe(body);
    expect(seen.headers.authorization).toBe(`Bearer ${PROVIDER_KEY}`);
    expect(JSON.stringify(mock.requests)).not.toContain(KEY_ALL);
  });

  it("rewrites only the model name when the target's upstream name differs", async () => {
    await (await post({ model: "chat", messages: HELLO, temperature: 0.5 })).body.text();
    const sent = JSON.parse(mock.requests.at(-1)!.body) as Record<string, unknown>;
    expect(sent).toEqual({ model: "echo", messages: HELLO, temperature: 0.5 });
  });

  it("routes glob matches (gpt-*) to their model", async () => {
    const res = await client.chat.completions.create({ model: "gpt-4o-mini", messages: HELLO });
    expect(res.choices[0]!.message.content).toMatch(/mock/);
  });

  it("lists only the models the caller may use, in the spec's shape", async () => {
    const all = await request(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${KEY_ALL}` } });
    const allBody = (await all.body.json()) as { data: { id: string }[] };
    assertConforms("ListModelsResponse", allBody);
    expect(allBody.data.map((m) => m.id)).toContain("flaky");
    const limited = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: KEY_LIMITED, maxRetries: 0 });
    const ids = (await limited.models.list()).data.map((m) => m.id);
    expect(ids).toEqual(["chat"]);
    const one = await client.models.retrieve("chat");
    assertConforms("Model", one);
    await expect(limited.models.retrieve("flaky")).rejects.toMatchObject({ status: 404 });
  });

  it("refuses a wrong or missing key with 401 in the OpenAI error shape", async () => {
    const bad = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "sk-wrong", maxRetries: 0 });
    await expect(bad.chat.completions.create({ model: "chat", messages: HELLO })).rejects.toMatchObject({ status: 401 });
    const res = await request(`${gw.url}/v1/chat/completions`, { method: "POST", body: "{}" });
    expect(res.statusCode).toBe(401);
    const body = await res.body.json();
    assertConforms("ErrorResponse", body);
    expect(body).toMatchObject({ error: { code: "invalid_api_key", param: null } });
  });

  it("answers an unknown model with 404 model_not_found, and a forbidden one with 403", async () => {
    await expect(client.chat.completions.create({ model: "no-such-model", messages: HELLO })).rejects.toMatchObject({ status: 404, code: "model_not_found" });
    const res = await post({ model: "flaky", messages: HELLO }, KEY_LIMITED);
    expect(res.statusCode).toBe(403);
    assertConforms("ErrorResponse", await res.body.json());
  });

  it("falls back to the next target when the first answers 500", async () => {
    const res = await client.chat.completions.create({ model: "flaky", messages: HELLO }).withResponse();
    expect(res.data.choices[0]!.message.content).toMatch(/mock/);
    expect(res.response.headers.get("x-tollgate-attempts")).toBe("2");
  });

  it("falls back when the first target refuses connections, streamed too", async () => {
    const stream = await client.chat.completions.create({ model: "unreachable", stream: true, messages: HELLO });
    let n = 0;
    for await (const _ of stream) n++;
    expect(n).toBeGreaterThan(2);
  });

  it("falls back when a stream drops before its first byte reached the client… and errors when it drops after", async () => {
    // `dropping` sends 3 chunks then cuts the connection: those bytes were already relayed.
    const stream = await client.chat.completions.create({ model: "dropping", stream: true, messages: HELLO });
    const consume = async (): Promise<void> => {
      for await (const _ of stream) {
        /* drain */
      }
    };
    await expect(consume()).rejects.toThrow(/middle of the stream/);
    const res = await post({ model: "dropping", stream: true, messages: HELLO });
    const data = sseData(await res.body.text());
    expect(data).not.toContain("[DONE]");
    const last = JSON.parse(data.at(-1)!) as unknown;
    assertConforms("ErrorResponse", last);
  });

  it("returns 502 in the OpenAI shape when every target fails, naming no provider internals", async () => {
    const res = await post({ model: "broken", messages: HELLO });
    expect(res.statusCode).toBe(502);
    const body = (await res.body.json()) as { error: { message: string } };
    assertConforms("ErrorResponse", body);
    expect(body.error.message).toMatch(/2 attempts/);
    expect(JSON.stringify(body)).not.toContain("127.0.0.1");
    expect(JSON.stringify(body)).not.toContain(PROVIDER_KEY);
  });

  it("passes an upstream 429 on with retry-after when no fallback is left", async () => {
    const res = await post({ model: "limited", messages: HELLO });
    expect(res.statusCode).toBe(429);
    expect(res.headers["retry-after"]).toBe("7");
    assertConforms("ErrorResponse", await res.body.json());
  });

  it("relays an upstream 400 (the request's own fault) without trying fallbacks", async () => {
    const before = mock.requests.length;
    const res = await post({ model: "rejecting", messages: HELLO });
    expect(res.statusCode).toBe(400);
    assertConforms("ErrorResponse", await res.body.json());
    expect(mock.requests.length - before).toBe(1);
  });

  it("answers 504 when the upstream does not send headers within firstByte", async () => {
    const res = await post({ model: "slow", messages: HELLO });
    expect(res.statusCode).toBe(504);
    assertConforms("ErrorResponse", await res.body.json());
  });

  it("aborts the upstream request when the client disconnects mid-stream", async () => {
    const controller = new AbortController();
    const res = await request(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY_ALL}` },
      body: JSON.stringify({ model: "trickle", stream: true, messages: HELLO }),
      signal: controller.signal,
    });
    const reader = res.body[Symbol.asyncIterator]();
    await reader.next();
    controller.abort();
    // The upstream pool must see its socket freed: a follow-up request still works promptly.
    const after = await client.chat.completions.create({ model: "chat", messages: HELLO });
    expect(after.choices[0]!.message.content).toBeTruthy();
  });

  it("serves health and readiness, readiness naming the plan hash", async () => {
    const health = await request(`${gw.url}/healthz`);
    expect(health.statusCode).toBe(200);
    await health.body.text();
    const ready = await request(`${gw.url}/readyz`);
    expect(ready.statusCode).toBe(200);
    expect(((await ready.body.json()) as { plan: string }).plan).toBe(gw.store.current.hash);
  });
});
