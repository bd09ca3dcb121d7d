/** Scripted sequences and per-key faults: `first=N`, `badkey=`, `limitkey=`, `pad=`. */
import OpenAI, { APIError } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockUpstream, type MockUpstream } from "./index.js";

let mock: MockUpstream;
const messages = [{ role: "user" as const, content: "Hi" }];
const client = (key: string): OpenAI => new OpenAI({ baseURL: mock.url, apiKey: key, maxRetries: 0 });

beforeAll(async () => {
  mock = await startMockUpstream({ defaults: { tokens: 3 } });
});
afterAll(() => mock.close());

describe("scripted sequences", () => {
  it("fails only the first N requests of a model string (+first=N)", async () => {
    const c = client("sk-a");
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await c.chat.completions.create({ model: "echo+status=503+first=2", messages }).then(
        () => 200,
        (e: unknown) => (e as APIError).status ?? 0,
      );
      statuses.push(r);
    }
    expect(statuses).toEqual([503, 503, 200, 200]);
  });

  it("answers 401 to one key and 429 with retry-after to another, and serves the rest", async () => {
    const model = "echo+badkey=sk-revoked+limitkey=sk-busy+retry=4";
    const revoked = await client("sk-revoked")
      .chat.completions.create({ model, messages })
      .catch((e: unknown) => e);
    expect((revoked as APIError).status).toBe(401);
    const busy = await client("sk-busy")
      .chat.completions.create({ model, messages })
      .catch((e: unknown) => e);
    expect((busy as APIError).status).toBe(429);
    expect((busy as APIError).headers?.get("retry-after")).toBe("4");
    const ok = await client("sk-good").chat.completions.create({ model, messages });
    expect(ok.choices[0]?.message.content).toBeTruthy();
  });

  it("pads a stream with an SSE comment before the first token (+pad=N)", async () => {
    const res = await fetch(`${mock.url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "echo+pad=100+ttft=10", stream: true, messages }),
    });
    const text = await res.text();
    expect(text).toContain(`: ${"x".repeat(100)}\n\n`);
    expect(text.indexOf(": x")).toBeLessThan(text.indexOf("[DONE]"));
  });
});
