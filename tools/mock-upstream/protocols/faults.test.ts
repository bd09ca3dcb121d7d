/** The shared directives on every provider protocol: drops, resets, pacing; and the Vertex path. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockUpstream, type MockUpstream } from "../index.js";

let mock: MockUpstream;
let origin: string;
beforeAll(async () => {
  mock = await startMockUpstream({ defaults: { tokens: 4 } });
  origin = `http://127.0.0.1:${mock.port}`;
});
afterAll(() => mock.close());

const cases = [
  { name: "anthropic", path: () => "/v1/messages", body: (model: string) => ({ model, max_tokens: 50, stream: true, messages: [{ role: "user", content: "hi" }] }) },
  { name: "bedrock", path: (model: string) => `/model/${encodeURIComponent(model)}/converse-stream`, body: () => ({ messages: [{ role: "user", content: [{ text: "hi" }] }] }) },
  {
    name: "gemini",
    path: (model: string) => `/v1beta/models/${encodeURIComponent(model)}:streamGenerateContent?alt=sse`,
    body: () => ({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }),
  },
  {
    name: "vertex",
    path: (model: string) => `/v1/projects/p/locations/us-central1/publishers/google/models/${encodeURIComponent(model)}:streamGenerateContent?alt=sse`,
    body: () => ({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }),
  },
];

async function post(path: string, body: unknown): Promise<{ status: number; bytes: number; error: unknown }> {
  try {
    const res = await fetch(origin + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const buf = Buffer.from(await res.arrayBuffer());
    return { status: res.status, bytes: buf.length, error: null };
  } catch (e) {
    return { status: 0, bytes: 0, error: e };
  }
}

describe.each(cases)("$name: directives", (c) => {
  it("streams whole, drops mid-stream, resets, and scripts statuses", async () => {
    const whole = await post(c.path("echo+tps=1000"), c.body("echo+tps=1000"));
    expect(whole.status).toBe(200);
    expect(whole.bytes).toBeGreaterThan(0);
    expect((await post(c.path("echo+drop=2"), c.body("echo+drop=2"))).error).not.toBeNull();
    expect((await post(c.path("echo+fail=reset"), c.body("echo+fail=reset"))).error).not.toBeNull();
    expect((await post(c.path("echo+status=500"), c.body("echo+status=500"))).status).toBe(500);
    expect((await post(c.path("echo+bogus=1"), c.body("echo+bogus=1"))).status).toBe(400);
  });
});

describe("say directive on the provider protocols", () => {
  it("answers the scripted text, chunked as asked", async () => {
    const res = await fetch(`${origin}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "echo+say=Call%20me%20now+chunk=4", max_tokens: 50, stream: true, messages: [{ role: "user", content: "hi" }] }),
    });
    const text = await res.text();
    const deltas = [...text.matchAll(/"text_delta","text":"([^"]*)"/g)].map((m) => m[1]);
    expect(deltas).toEqual(["Call", " me ", "now"]);
    const g = await fetch(`${origin}/v1beta/models/${encodeURIComponent("echo+say=Hello%20there")}:generateContent`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }),
    });
    expect(((await g.json()) as { candidates: { content: { parts: { text: string }[] } }[] }).candidates[0]!.content.parts[0]!.text).toBe("Hello there");
  });
});
