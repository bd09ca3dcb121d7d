/**
 * `POST /v1/embeddings` through the gateway to Gemini (`:embedContent`,
 * `:batchEmbedContents`) and Vertex AI (`:predict`) targets, with the official `openai`
 * client against the mock, on both listeners: the vectors come back as OpenAI's (float
 * arrays, or base64 float32 that the SDK decodes: its default), `dimensions` reaches the
 * provider, token arrays get a clear 400 (or go to a target that takes them), provider
 * errors are classified (429 → the next target), and the usage the client sees is the
 * usage the gateway records (`tollgate_tokens_total`, the audit line): estimated from the
 * text for Gemini (it reports none), Vertex's `token_count` otherwise. Inputs beyond
 * Google's per-call limits are split into several calls (at most 8 in flight), joined in
 * order; one failing call fails the attempt, and the next target serves the request.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { embed } from "../../tools/mock-upstream/embeddings.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import type { AuditLine } from "../../runtime/ops/audit-log.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import { estimateTextTokens } from "../../schemas/plan/token-estimate.js";
import { compileYaml, sha256Hex } from "../support/compile.js";
import { parsePrometheusText } from "../support/prometheus-text.js";
import { LISTENERS } from "../support/listeners.js";

const CLIENT_KEY = "sk-tg-google-embed";
const UPSTREAM_KEY = "sk-upstream-google-embed";

/**
 * A Vertex `:predict` upstream that answers 429 at once for a call holding the input
 * "boom", and records how many calls it held at once (the others are answered a few ms
 * later; with `holdUntilBoom`, only after a "boom" call was refused, so the failure
 * always comes first, whatever the machine's timing).
 */
function flakyVertex(): { server: Server; maxInFlight: () => number; calls: () => number; holdUntilBoom: (on: boolean) => void } {
  let inFlight = 0;
  let max = 0;
  let calls = 0;
  let hold = false;
  let held: (() => void)[] = [];
  const server = createServer((req, res) => {
    let text = "";
    req.on("data", (c: Buffer) => (text += c.toString("utf8")));
    req.on("end", () => {
      calls++;
      max = Math.max(max, ++inFlight);
      const instances = (JSON.parse(text) as { instances: { content: string }[] }).instances;
      if (instances.some((i) => i.content === "boom")) {
        inFlight--;
        res.writeHead(429, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { code: 429, message: "Quota exceeded.", status: "RESOURCE_EXHAUSTED" } }));
        for (const release of held.splice(0)) release();
        return;
      }
      const answer = (): void => {
        inFlight--;
        const predictions = instances.map((i) => ({ embeddings: { values: embed(i.content), statistics: { truncated: false, token_count: 2 } } }));
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ predictions }));
      };
      if (hold) held.push(answer);
      else setTimeout(answer, 3);
    });
  });
  return { server, maxInFlight: () => max, calls: () => calls, holdUntilBoom: (on) => void (hold = on) };
}

function policy(mock: MockUpstream, auditFile: string, flakyPort: number): string {
  const root = mock.url.replace(/\/v1$/, "");
  return `apiVersion: tollgate/v1
listener:
  metrics: true
  audit: { sink: file, path: ${JSON.stringify(auditFile)} }
providers:
  - { name: gem, kind: gemini, baseUrl: "${root}/v1beta", apiKeys: [env:UP_KEY] }
  - name: vtx
    kind: vertex
    baseUrl: "${mock.url}"
    vertex: { project: tollgate-test, location: us-central1, accessToken: env:UP_KEY }
  - { name: oai, kind: openai-compatible, baseUrl: "${mock.url}", apiKeys: [env:UP_KEY] }
  - name: vflaky
    kind: vertex
    baseUrl: "http://127.0.0.1:${flakyPort}/v1"
    vertex: { project: flaky-project, location: us-central1, accessToken: env:UP_KEY }
models:
  - { name: vtx-gemini, targets: [{ provider: vtx, model: gemini-embedding-001 }] }
  - { name: flaky, targets: [{ provider: vflaky, model: gemini-embedding-001 }] }
  - name: flaky-then-gem
    targets: [{ provider: vflaky, model: gemini-embedding-001 }]
    fallbacks: [{ provider: gem, model: gemini-embedding-001 }]
  - { name: gem-embed, targets: [{ provider: gem, model: gemini-embedding-001 }] }
  - { name: vtx-embed, targets: [{ provider: vtx, model: text-embedding-005 }] }
  - name: gem-then-vtx
    targets: [{ provider: gem, model: "gemini-embedding-001+status=429" }]
    fallbacks: [{ provider: vtx, model: text-embedding-005 }]
  - name: vtx-then-gem
    targets: [{ provider: vtx, model: "text-embedding-005+status=503" }]
    fallbacks: [{ provider: gem, model: gemini-embedding-001 }]
  - { name: gem-limited, targets: [{ provider: gem, model: "gemini-embedding-001+status=429+retry=7" }] }
  - name: gem-then-openai
    targets: [{ provider: gem, model: gemini-embedding-001 }]
    fallbacks: [{ provider: oai, model: text-embedding-3-small }]
consumers:
  - name: c
    keys: [{ sha256: ${sha256Hex(CLIENT_KEY)} }]
`;
}

const tokens = (texts: readonly string[]): number => texts.reduce((n, t) => n + estimateTextTokens(t), 0);
/** The mock's Vertex `token_count`: chars / 4, at least 1. */
const vertexTokens = (texts: readonly string[]): number => texts.reduce((n, t) => n + Math.max(1, Math.ceil(t.length / 4)), 0);

describe.each(LISTENERS)("embeddings to Gemini and Vertex AI (%s listener)", (server) => {
  let mock: MockUpstream;
  let gw: Gateway;
  let client: OpenAI;
  let dir: string;
  let auditFile: string;
  let flaky: ReturnType<typeof flakyVertex>;

  beforeAll(async () => {
    setQuietLogs(true);
    dir = mkdtempSync(join(tmpdir(), "tollgate-google-embed-"));
    auditFile = join(dir, "audit.jsonl");
    mock = await startMockUpstream({ requireApiKey: UPSTREAM_KEY });
    flaky = flakyVertex();
    await new Promise<void>((r) => flaky.server.listen(0, "127.0.0.1", r));
    const flakyPort = (flaky.server.address() as AddressInfo).port;
    gw = await startGateway({ plan: compileYaml(policy(mock, auditFile, flakyPort)), port: 0, server, env: { UP_KEY: UPSTREAM_KEY } });
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: CLIENT_KEY, maxRetries: 0 });
  });
  afterAll(async () => {
    await gw?.close();
    await mock?.close();
    flaky?.server.closeAllConnections();
    flaky?.server.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  /** The gateway's input-token counter for a public model (summed over providers). */
  async function inputTokens(model: string): Promise<number> {
    const res = await request(`${gw.url}/metrics`);
    let n = 0;
    for (const s of parsePrometheusText(await res.body.text())) {
      if (s.name === "tollgate_tokens_total" && s.labels["gen_ai_request_model"] === model && s.labels["gen_ai_token_type"] === "input") n += s.value;
    }
    return n;
  }

  /** Runs `call` and returns its result with the change of the model's recorded input tokens (polled: the record lands just after the answer). */
  async function accounted<T>(model: string, call: () => Promise<T>): Promise<{ result: T; recorded: number }> {
    const before = await inputTokens(model);
    const result = await call();
    let after = await inputTokens(model);
    for (let i = 0; i < 50 && after === before; i++) {
      await new Promise((r) => setImmediate(r));
      after = await inputTokens(model);
    }
    return { result, recorded: after - before };
  }

  const lastMockRequest = () => mock.requests.at(-1)!;

  it("gemini, one string, float: :embedContent, the vector, the client's model name, estimated usage recorded", async () => {
    const input = "The quick brown fox jumps over the lazy dog.";
    const { result, recorded } = await accounted("gem-embed", () => client.embeddings.create({ model: "gem-embed", input, encoding_format: "float" }));
    expect(result).toMatchObject({ object: "list", model: "gem-embed", data: [{ object: "embedding", index: 0, embedding: embed(input) }] });
    expect(result.usage).toEqual({ prompt_tokens: tokens([input]), total_tokens: tokens([input]) });
    expect(recorded).toBe(result.usage.prompt_tokens);
    expect(lastMockRequest().path).toBe("/v1beta/models/gemini-embedding-001:embedContent");
    expect(lastMockRequest().headers["x-goog-api-key"]).toBe(UPSTREAM_KEY);
    expect(JSON.parse(lastMockRequest().body)).toEqual({ content: { parts: [{ text: input }] } });
  });

  it("gemini, a batch with the SDK's default base64: :batchEmbedContents, decoded back to the same floats", async () => {
    const input = ["alpha", "beta gamma", "δ epsilon"];
    const { result, recorded } = await accounted("gem-embed", () => client.embeddings.create({ model: "gem-embed", input }));
    expect(result.data.map((d) => d.index)).toEqual([0, 1, 2]);
    expect(result.data.map((d) => d.embedding)).toEqual(input.map((t) => embed(t)));
    expect(result.usage.prompt_tokens).toBe(tokens(input));
    expect(recorded).toBe(tokens(input));
    const sent = JSON.parse(lastMockRequest().body) as { requests: { model: string }[] };
    expect(lastMockRequest().path).toBe("/v1beta/models/gemini-embedding-001:batchEmbedContents");
    expect(sent.requests.map((r) => r.model)).toEqual(input.map(() => "models/gemini-embedding-001"));
  });

  it("base64 on the wire is little-endian float32, as OpenAI sends it", async () => {
    const res = await request(`${gw.url}/v1/embeddings`, {
      method: "POST",
      headers: { authorization: `Bearer ${CLIENT_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "vtx-embed", input: "hello", encoding_format: "base64" }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("application/json");
    const body = (await res.body.json()) as { data: { embedding: string }[] };
    const buf = Buffer.from(body.data[0]!.embedding, "base64");
    expect(Array.from({ length: buf.length / 4 }, (_, i) => buf.readFloatLE(i * 4))).toEqual(embed("hello"));
  });

  it("dimensions → outputDimensionality (Gemini) and parameters.outputDimensionality (Vertex)", async () => {
    const g = await client.embeddings.create({ model: "gem-embed", input: ["one", "two"], dimensions: 3 });
    expect(g.data.map((d) => d.embedding)).toEqual([embed("one").slice(0, 3), embed("two").slice(0, 3)]);
    expect((JSON.parse(lastMockRequest().body) as { requests: { outputDimensionality: number }[] }).requests.map((r) => r.outputDimensionality)).toEqual([3, 3]);
    const v = await client.embeddings.create({ model: "vtx-embed", input: "three", dimensions: 5, encoding_format: "float" });
    expect(v.data[0]!.embedding).toEqual(embed("three").slice(0, 5));
    expect(JSON.parse(lastMockRequest().body)).toEqual({ instances: [{ content: "three" }], parameters: { outputDimensionality: 5 } });
  });

  it("vertex, single and batch, float and base64: :predict with a bearer token, usage from token_count recorded", async () => {
    const one = await accounted("vtx-embed", () => client.embeddings.create({ model: "vtx-embed", input: "solo text", encoding_format: "float" }));
    expect(one.result).toMatchObject({ model: "vtx-embed", data: [{ index: 0, embedding: embed("solo text") }] });
    expect(one.result.usage.prompt_tokens).toBe(vertexTokens(["solo text"]));
    expect(one.recorded).toBe(one.result.usage.prompt_tokens);
    expect(lastMockRequest().path).toBe("/v1/projects/tollgate-test/locations/us-central1/publishers/google/models/text-embedding-005:predict");
    expect(lastMockRequest().headers["authorization"]).toBe(`Bearer ${UPSTREAM_KEY}`);
    const texts = ["first input", "second, longer input text"];
    const batch = await accounted("vtx-embed", () => client.embeddings.create({ model: "vtx-embed", input: texts }));
    expect(batch.result.data.map((d) => d.embedding)).toEqual(texts.map((t) => embed(t)));
    expect(batch.result.usage).toEqual({ prompt_tokens: vertexTokens(texts), total_tokens: vertexTokens(texts) });
    expect(batch.recorded).toBe(vertexTokens(texts));
  });

  it("token arrays get a clear 400 in OpenAI's shape; a model with an OpenAI-shaped fallback serves them there", async () => {
    for (const model of ["gem-embed", "vtx-embed"]) {
      const err = await client.embeddings.create({ model, input: [[1, 2, 3]] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      const e = err as InstanceType<typeof OpenAI.BadRequestError>;
      expect(e.param).toBe("input");
      expect(e.code).toBe("unsupported_parameter");
      expect(e.message).toMatch(/text only/);
    }
    const served = await client.embeddings.create({ model: "gem-then-openai", input: [[1, 2, 3]], encoding_format: "float" });
    expect(served.data[0]!.embedding).toEqual(embed("1,2,3"));
    expect(lastMockRequest().path).toBe("/v1/embeddings");
  });

  it("a provider 429 falls back to the next target (Gemini → Vertex), a 503 too (Vertex → Gemini)", async () => {
    const { data, response } = await client.embeddings.create({ model: "gem-then-vtx", input: "fallback me", encoding_format: "float" }).withResponse();
    expect(data.data[0]!.embedding).toEqual(embed("fallback me"));
    expect(data.model).toBe("gem-then-vtx");
    expect(data.usage.prompt_tokens).toBe(vertexTokens(["fallback me"]));
    expect(response.headers.get("x-tollgate-attempts")).toBe("2");
    const back = await client.embeddings.create({ model: "vtx-then-gem", input: ["a", "b"], encoding_format: "float" }).withResponse();
    expect(back.data.data.map((d) => d.embedding)).toEqual([embed("a"), embed("b")]);
    expect(back.response.headers.get("x-tollgate-attempts")).toBe("2");
  });

  it("a 429 with no target left is the gateway's 429 with retry-after; a provider 400 keeps its message", async () => {
    const limited = await client.embeddings.create({ model: "gem-limited", input: "x" }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((limited as InstanceType<typeof OpenAI.RateLimitError>).headers.get("retry-after")).toBe("7");
    const tooWide = await client.embeddings.create({ model: "gem-embed", input: "x", dimensions: 99 }).catch((e: unknown) => e);
    expect(tooWide).toBeInstanceOf(OpenAI.BadRequestError);
    expect((tooWide as Error).message).toMatch(/outputDimensionality/);
  });

  it("more than 100 inputs to Gemini go as batches of 100 (Google's limit), joined in order", async () => {
    const input = Array.from({ length: 250 }, (_, i) => `input number ${i}`);
    const before = mock.requests.length;
    const { result, recorded } = await accounted("gem-embed", () => client.embeddings.create({ model: "gem-embed", input }));
    expect(result.data.map((d) => d.index)).toEqual(input.map((_, i) => i));
    expect(result.data.map((d) => d.embedding)).toEqual(input.map((t) => embed(t)));
    expect(result.usage.prompt_tokens).toBe(tokens(input));
    expect(recorded).toBe(tokens(input));
    const calls = mock.requests.slice(before).map((r) => (JSON.parse(r.body) as { requests: unknown[] }).requests.length);
    expect(calls.sort((a, b) => b - a)).toEqual([100, 100, 50]);
  });

  it("Vertex gemini-embedding-001 takes one instance per call: one :predict per input, token counts summed", async () => {
    const input = ["first", "second one", "third input here"];
    const before = mock.requests.length;
    const { result, recorded } = await accounted("vtx-gemini", () => client.embeddings.create({ model: "vtx-gemini", input }));
    expect(result.data.map((d) => d.embedding)).toEqual(input.map((t) => embed(t)));
    expect(result.usage.prompt_tokens).toBe(vertexTokens(input));
    expect(recorded).toBe(vertexTokens(input));
    expect(mock.requests.slice(before).map((r) => (JSON.parse(r.body) as { instances: unknown[] }).instances.length)).toEqual([1, 1, 1]);
  });

  it("split calls go at most 8 at a time; one failing call fails the attempt and the next target serves the request", async () => {
    const input = Array.from({ length: 20 }, (_, i) => `t${i}`);
    const ok = await client.embeddings.create({ model: "flaky", input, encoding_format: "float" });
    expect(ok.data.map((d) => d.embedding)).toEqual(input.map((t) => embed(t)));
    expect(ok.usage.prompt_tokens).toBe(40);
    expect(flaky.maxInFlight()).toBeLessThanOrEqual(8);
    const withBoom = input.map((t, i) => (i === 3 ? "boom" : t));
    flaky.holdUntilBoom(true);
    try {
      const callsBefore = flaky.calls();
      const { data, response } = await client.embeddings.create({ model: "flaky-then-gem", input: withBoom, encoding_format: "float" }).withResponse();
      expect(data.data.map((d) => d.embedding)).toEqual(withBoom.map((t) => embed(t)));
      expect(response.headers.get("x-tollgate-attempts")).toBe("2");
      // The failure stopped the split: only the first window of calls was sent.
      expect(flaky.calls() - callsBefore).toBeLessThanOrEqual(8);
      const limited = await client.embeddings.create({ model: "flaky", input: withBoom }).catch((e: unknown) => e);
      expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    } finally {
      flaky.holdUntilBoom(false);
    }
  });

  it("the audit line records the usage: counted (estimated) for Gemini, the provider's for Vertex (after close)", async () => {
    await gw.close();
    const lines = readFileSync(auditFile, "utf8")
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AuditLine);
    const last = (model: string): AuditLine | undefined => lines.filter((l) => l.requestedModel === model && l.status === 200).at(-1);
    expect(last("gem-embed")).toMatchObject({
      endpoint: "embeddings",
      target: { provider: "gem" },
      usage: { inputTokens: tokens(Array.from({ length: 250 }, (_, i) => `input number ${i}`)), outputTokens: 0, source: "counted" },
    });
    expect(last("vtx-embed")).toMatchObject({
      endpoint: "embeddings",
      target: { provider: "vtx" },
      usage: { inputTokens: vertexTokens(["first input", "second, longer input text"]), source: "upstream" },
    });
    expect(last("gem-then-vtx")).toMatchObject({
      target: { provider: "vtx" },
      attempts: [
        { provider: "gem", outcome: "4xx" },
        { provider: "vtx", outcome: "success" },
      ],
    });
    expect(last("flaky-then-gem")).toMatchObject({
      target: { provider: "gem" },
      attempts: [
        { provider: "vflaky", outcome: "4xx" },
        { provider: "gem", outcome: "success" },
      ],
    });
  });
});
