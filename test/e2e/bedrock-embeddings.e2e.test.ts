/**
 * `POST /v1/embeddings` through the gateway to Bedrock (InvokeModel, SigV4-signed per
 * call) with the official `openai` client against the mock, on both listeners: Titan
 * (one call per input, `dimensions` passed, usage the summed `inputTextTokenCount`) and
 * Cohere Embed (96 texts a call, usage estimated); float and base64 (the SDK's default);
 * a provider error reaches the client classified; the usage the client sees is the one
 * `tollgate_tokens_total` counts.
 */
import OpenAI from "openai";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { embedFor } from "../../tools/mock-upstream/embeddings.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import { compileYaml, sha256Hex } from "../support/compile.js";
import { parsePrometheusText } from "../support/prometheus-text.js";
import { LISTENERS } from "../support/listeners.js";

const CLIENT_KEY = "sk-tg-bedrock-embed";
const AKID = "AKIDBEDROCKEMBED";
const TITAN = "amazon.titan-embed-text-v2:0";
const COHERE = "cohere.embed-english-v3";

function policy(mock: MockUpstream): string {
  return `apiVersion: tollgate/v1
listener: { metrics: true }
providers:
  - name: aws
    kind: bedrock
    baseUrl: "http://127.0.0.1:${mock.port}"
    bedrock: { region: us-east-1, accessKeyId: env:AKID, secretAccessKey: env:SECRET }
models:
  - { name: titan, targets: [{ provider: aws, model: "${TITAN}" }] }
  - { name: cohere, targets: [{ provider: aws, model: "${COHERE}" }] }
  - { name: limited, targets: [{ provider: aws, model: "${TITAN}+status=429" }] }
consumers:
  - { name: c, keys: [{ sha256: ${sha256Hex(CLIENT_KEY)} }] }
`;
}

describe.each(LISTENERS)("embeddings to Bedrock (%s listener)", (server) => {
  let mock: MockUpstream;
  let gw: Gateway;
  let client: OpenAI;

  beforeAll(async () => {
    setQuietLogs(true);
    // The mock checks that each call carries a SigV4 authorization for this access key.
    mock = await startMockUpstream({ port: 0, requireApiKey: AKID });
    gw = await startGateway({ plan: compileYaml(policy(mock)), port: 0, server, env: { AKID, SECRET: "bedrock-embed-secret" } });
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: CLIENT_KEY, maxRetries: 0 });
  });
  afterAll(async () => {
    await gw?.close();
    await mock?.close();
  });

  const tokensCounted = async (model: string): Promise<number> => {
    const text = await (await request(`${gw.url}/metrics`)).body.text();
    return parsePrometheusText(text)
      .filter((s) => s.name === "tollgate_tokens_total" && s.labels.gen_ai_request_model === model && s.labels.gen_ai_token_type === "input")
      .reduce((n, s) => n + s.value, 0);
  };

  it("Titan: one signed InvokeModel call per input, the vectors back as OpenAI's (base64 decoded by the SDK), usage summed", async () => {
    const before = await tokensCounted("titan");
    const calls = mock.requests.length;
    const result = await client.embeddings.create({ model: "titan", input: ["hello there", "general kenobi", "x"] });
    expect(result.data.map((d) => d.embedding)).toEqual(["hello there", "general kenobi", "x"].map((t) => embedFor(TITAN, t).map((v) => Math.fround(v))));
    expect(result.model).toBe("titan");
    // The mock counts a token per 4 characters of each input: 3 + 4 + 1.
    expect(result.usage).toEqual({ prompt_tokens: 8, total_tokens: 8 });
    expect(await tokensCounted("titan")).toBe(before + 8);
    const sent = mock.requests.slice(calls);
    expect(sent.map((r) => r.path)).toEqual(new Array(3).fill("/model/amazon.titan-embed-text-v2%3A0/invoke"));
    expect(sent.map((r) => JSON.parse(r.body) as unknown)).toEqual([{ inputText: "hello there" }, { inputText: "general kenobi" }, { inputText: "x" }]);
  });

  it("Titan: float vectors and `dimensions`", async () => {
    const result = await client.embeddings.create({ model: "titan", input: "hello there", encoding_format: "float", dimensions: 256 });
    expect(result.data[0]!.embedding).toEqual(embedFor(TITAN, "hello there"));
    expect(JSON.parse(mock.requests.at(-1)!.body)).toEqual({ inputText: "hello there", dimensions: 256 });
    // A size Titan refuses: Bedrock's ValidationException reaches the client as a 400.
    await expect(client.embeddings.create({ model: "titan", input: "x", dimensions: 100 })).rejects.toMatchObject({ status: 400 });
  });

  it("Cohere: 96 texts a call, joined in order", async () => {
    const texts = Array.from({ length: 100 }, (_, i) => `doc ${i}`);
    const calls = mock.requests.length;
    const result = await client.embeddings.create({ model: "cohere", input: texts, encoding_format: "float" });
    expect(result.data.map((d) => d.index)).toEqual(texts.map((_, i) => i));
    expect(result.data[99]!.embedding).toEqual(embedFor(COHERE, "doc 99"));
    expect(mock.requests.slice(calls).map((r) => (JSON.parse(r.body) as { texts: string[] }).texts.length)).toEqual([96, 4]);
    expect(result.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it("a provider 429 reaches the client as a 429; token arrays get a 400", async () => {
    await expect(client.embeddings.create({ model: "limited", input: "x" })).rejects.toMatchObject({ status: 429 });
    await expect(client.embeddings.create({ model: "titan", input: [[1, 2, 3]] })).rejects.toMatchObject({ status: 400 });
  });
});
