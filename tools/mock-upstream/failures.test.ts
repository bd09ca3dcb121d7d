/** Scripted failures and header-driven behaviour, seen by the SDK and by a raw HTTP client. */
import { once } from "node:events";
import { request as httpRequest, type IncomingMessage } from "node:http";
import OpenAI, { APIError } from "openai";
import { request } from "undici";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startMockUpstream, type MockUpstream } from "./index.js";

let mock: MockUpstream;
let client: OpenAI;

beforeAll(async () => {
  mock = await startMockUpstream({ defaults: { tokens: 5 } });
  client = new OpenAI({ baseURL: mock.url, apiKey: "sk-test", maxRetries: 0 });
});
afterAll(() => mock.close());

const messages = [{ role: "user" as const, content: "Hi" }];

function post(path: string, body: string, headers: Record<string, string> = {}) {
  return request(`${mock.url}${path}`, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
}

describe("scripted failures", () => {
  it("answers +status=500 with an OpenAI error the SDK throws as APIError", async () => {
    const error = await client.chat.completions.create({ model: "echo+status=500", messages }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(500);
    expect((error as APIError).type).toBe("server_error");
  });

  it("drops a stream mid-body after N content chunks (+drop=3)", async () => {
    const stream = await client.chat.completions.create({ model: "echo+drop=3", messages, stream: true });
    const contents: string[] = [];
    const iterate = async () => {
      for await (const chunk of stream) contents.push(chunk.choices[0]?.delta.content ?? "");
    };
    await expect(iterate()).rejects.toThrow();
    expect(contents.filter((c) => c !== "")).toHaveLength(3);
  });

  it("drops a paced stream too, and a non-streaming body", async () => {
    const res = await post("/chat/completions", JSON.stringify({ model: "echo+tps=200+drop=2", messages, stream: true }));
    await expect(res.body.text()).rejects.toThrow();
    const error = await client.chat.completions.create({ model: "echo+drop=1", messages }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
  });

  it("resets the connection before any response (+fail=reset)", async () => {
    await expect(post("/chat/completions", JSON.stringify({ model: "echo+fail=reset", messages }))).rejects.toThrow();
  });

  it("sends retry-after with 429, 1 s by default or as scripted", async () => {
    const res = await post("/chat/completions", JSON.stringify({ model: "echo", messages }), { "x-mock-status": "429" });
    expect(res.statusCode).toBe(429);
    expect(res.headers["retry-after"]).toBe("1");
    expect(await res.body.json()).toEqual({
      error: { message: expect.any(String), type: "requests", param: null, code: "rate_limit_exceeded" },
    });
    const scripted = await post("/chat/completions", JSON.stringify({ model: "echo+status=429+retry=7", messages }));
    expect(scripted.headers["retry-after"]).toBe("7");
    await scripted.body.dump();
  });

  it("takes behaviour from x-mock-* headers", async () => {
    const started = performance.now();
    const res = await post("/chat/completions", JSON.stringify({ model: "echo", messages }), {
      "x-mock-latency-ms": "40",
      "x-mock-tokens": "2",
    });
    const body = (await res.body.json()) as { usage: { completion_tokens: number } };
    expect(performance.now() - started).toBeGreaterThanOrEqual(38);
    expect(body.usage.completion_tokens).toBe(2);
    const dropped = await post("/chat/completions", JSON.stringify({ model: "echo", messages, stream: true }), {
      "x-mock-fail": "drop",
      "x-mock-drop-after": "1",
    });
    await expect(dropped.body.text()).rejects.toThrow();
  });

  it("stops its timers when the client goes away mid-stream", async () => {
    // The mock paces tokens with the global setTimeout; node:http and timers/promises do not use it.
    const scheduled = vi.spyOn(globalThis, "setTimeout");
    try {
      const req = httpRequest(`${mock.url}/chat/completions`, { method: "POST", agent: false });
      req.end(JSON.stringify({ model: "echo+tps=50+tokens=1000", messages, stream: true }));
      const [res] = (await once(req, "response")) as [IncomingMessage];
      res.resume();
      await sleep(100);
      expect(scheduled).toHaveBeenCalled(); // tokens are being paced
      req.destroy();
      await sleep(20); // let the server see the close
      scheduled.mockClear();
      await sleep(100); // five token intervals
      expect(scheduled).not.toHaveBeenCalled();
    } finally {
      scheduled.mockRestore();
    }
  });

  it("lets model directives override headers", async () => {
    const res = await post("/chat/completions", JSON.stringify({ model: "echo+tokens=3", messages }), { "x-mock-tokens": "9" });
    expect(((await res.body.json()) as { usage: { completion_tokens: number } }).usage.completion_tokens).toBe(3);
  });
});

describe("request errors", () => {
  it("rejects invalid JSON with 400", async () => {
    const res = await post("/chat/completions", "{not json");
    expect(res.statusCode).toBe(400);
    expect(await res.body.json()).toMatchObject({ error: { type: "invalid_request_error", param: null } });
  });

  it("rejects an unknown directive or a bad header value with 400", async () => {
    const unknown = await post("/chat/completions", JSON.stringify({ model: "echo+speed=3", messages }));
    expect(unknown.statusCode).toBe(400);
    expect(((await unknown.body.json()) as { error: { message: string } }).error.message).toContain("unknown key `speed`");
    const bad = await post("/chat/completions", JSON.stringify({ model: "echo", messages }), { "x-mock-tps": "fast" });
    expect(bad.statusCode).toBe(400);
    await bad.body.dump();
  });

  it("answers unknown paths with 404 in the OpenAI shape", async () => {
    const res = await post("/nope", "{}");
    expect(res.statusCode).toBe(404);
    expect(await res.body.json()).toMatchObject({ error: { code: "unknown_url" } });
  });

  it("requires the API key when configured", async () => {
    const guarded = await startMockUpstream({ requireApiKey: "sk-right" });
    try {
      const wrong = new OpenAI({ baseURL: guarded.url, apiKey: "sk-wrong", maxRetries: 0 });
      const error = await wrong.chat.completions.create({ model: "echo", messages }).catch((e: unknown) => e);
      expect((error as APIError).status).toBe(401);
      const missing = await request(`${guarded.url}/models`);
      expect(missing.statusCode).toBe(401);
      await missing.body.dump();
      const right = new OpenAI({ baseURL: guarded.url, apiKey: "sk-right", maxRetries: 0 });
      expect((await right.models.list()).data.length).toBeGreaterThan(0);
      const health = await request(guarded.url.replace("/v1", "/healthz"));
      expect(health.statusCode).toBe(200);
      await health.body.dump();
    } finally {
      await guarded.close();
    }
  });
});
