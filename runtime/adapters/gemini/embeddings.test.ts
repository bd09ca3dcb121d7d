/**
 * OpenAI embeddings ↔ the Gemini API on the documented wire shapes: the request read
 * and refused (token arrays, bad options), `:embedContent` for one string and
 * `:batchEmbedContents` for an array, and the answer mapped back (float and base64,
 * usage estimated when Gemini reports none, or taken when it does).
 */
import { describe, expect, it } from "vitest";
import { compileYaml } from "../../../test/support/compile.js";
import { linkPlan } from "../../plan/link-plan.js";
import type { LinkedTarget } from "../../plan/linked-plan.js";
import { estimateTextTokens } from "../../../schemas/plan/token-estimate.js";
import type { RelayTranslation } from "../adapter.js";
import type { ProviderError } from "../../canonical/provider-error.js";
import { isProviderError } from "../../canonical/provider-error.js";
import { answerOf, okTranslation } from "../../../test/support/relay-translation.js";
import { float32Base64, readEmbeddingsRequest } from "../../canonical/embeddings.js";
import { geminiAdapter } from "./index.js";

function target(model: string): LinkedTarget {
  const plan = linkPlan(
    compileYaml(`apiVersion: tollgate/v1
providers:
  - { name: g, kind: gemini, baseUrl: "http://127.0.0.1:9/v1beta", apiKeys: [env:K] }
models:
  - { name: embed, targets: [{ provider: g, model: "${model}" }] }
consumers:
  - { name: c, keys: [{ sha256: 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824 }] }
`),
    { K: "k" },
  );
  return plan.models[0]!.weighted[0]!;
}

function translate(body: Record<string, unknown>, model = "gemini-embedding-001"): RelayTranslation | ProviderError {
  return geminiAdapter.relay!.translate!({ target: target(model), endpoint: "embeddings", body, requestedModel: "my-embed" });
}

function ok(body: Record<string, unknown>, model?: string): RelayTranslation {
  return okTranslation(translate(body, model));
}

const answer = answerOf;

describe("gemini embeddings: request", () => {
  it("a string goes to :embedContent with one content; dimensions and task_type map; user is dropped", () => {
    const t = ok({ model: "my-embed", input: "hello world", dimensions: 256, task_type: "RETRIEVAL_QUERY", user: "u-1" });
    expect(t.calls[0]!.path).toBe("/v1beta/models/gemini-embedding-001:embedContent");
    expect(JSON.parse(t.calls[0]!.body)).toEqual({ content: { parts: [{ text: "hello world" }] }, taskType: "RETRIEVAL_QUERY", outputDimensionality: 256 });
  });

  it("an array goes to :batchEmbedContents, one request per input, each naming models/<m>", () => {
    const t = ok({ model: "my-embed", input: ["a", "b c"], dimensions: 8 });
    expect(t.calls[0]!.path).toBe("/v1beta/models/gemini-embedding-001:batchEmbedContents");
    expect(JSON.parse(t.calls[0]!.body)).toEqual({
      requests: [
        { model: "models/gemini-embedding-001", content: { parts: [{ text: "a" }] }, outputDimensionality: 8 },
        { model: "models/gemini-embedding-001", content: { parts: [{ text: "b c" }] }, outputDimensionality: 8 },
      ],
    });
  });

  it("a model with a name needing escapes is encoded in the path, plain in the body", () => {
    const t = ok({ input: ["x"] }, "echo+status=429");
    expect(t.calls[0]!.path).toBe("/v1beta/models/echo%2Bstatus%3D429:batchEmbedContents");
    expect(JSON.parse(t.calls[0]!.body).requests[0].model).toBe("models/echo+status=429");
  });

  it("more than 100 inputs go as several batches of at most 100 (Google's limit), answers joined in order", () => {
    const texts = Array.from({ length: 250 }, (_, i) => `text ${i}`);
    const t = ok({ input: texts });
    const batches = t.calls.map((c) => (JSON.parse(c.body) as { requests: { content: { parts: { text: string }[] } }[] }).requests.map((r) => r.content.parts[0]!.text));
    expect(batches.map((b) => b.length)).toEqual([100, 100, 50]);
    expect(batches.flat()).toEqual(texts);
    const bodies = batches.map((b) => Buffer.from(JSON.stringify({ embeddings: b.map((text) => ({ values: [Number(text.slice(5))] })) })));
    const a = t.answer(bodies);
    if (isProviderError(a)) throw new Error(a.message);
    const data = (JSON.parse(a.body) as { data: { index: number; embedding: number[] }[] }).data;
    expect(data.map((d) => d.index)).toEqual(texts.map((_, i) => i));
    expect(data.map((d) => d.embedding[0])).toEqual(texts.map((_, i) => i));
  });

  it("more than 2048 inputs (OpenAI's limit) are refused", () => {
    expect(translate({ input: Array.from({ length: 2049 }, () => "x") })).toMatchObject({ status: 400, param: "input" });
  });

  it("token arrays are refused with a 400 naming `input` (Gemini takes text only)", () => {
    for (const input of [
      [1, 2, 3],
      [[1, 2], [3]],
      ["a", [1]],
    ]) {
      const e = translate({ input });
      expect(e).toMatchObject({ class: "bad_request", status: 400, param: "input", code: "unsupported_parameter" });
      expect((e as ProviderError).message).toMatch(/text only/);
    }
  });

  it("malformed options are refused with the parameter named", () => {
    expect(translate({ input: [] })).toMatchObject({ status: 400, param: "input" });
    expect(translate({ input: 5 })).toMatchObject({ status: 400, param: "input" });
    expect(translate({ input: [null] })).toMatchObject({ status: 400, param: "input" });
    expect(translate({ input: "x", dimensions: 0 })).toMatchObject({ status: 400, param: "dimensions" });
    expect(translate({ input: "x", dimensions: 1.5 })).toMatchObject({ status: 400, param: "dimensions" });
    expect(translate({ input: "x", encoding_format: "int8" })).toMatchObject({ status: 400, param: "encoding_format" });
    expect(translate({ input: "x", task_type: 3 })).toMatchObject({ status: 400, param: "task_type" });
  });

  it("never mutates the client's body", () => {
    const body = Object.freeze({ model: "my-embed", input: Object.freeze(["a", "b"]), dimensions: 4 });
    ok(body);
    expect(body).toEqual({ model: "my-embed", input: ["a", "b"], dimensions: 4 });
  });
});

describe("gemini embeddings: answer", () => {
  const v1 = [0.25, -0.5, 0.125];
  const v2 = [1, 0, -1];

  it("float: OpenAI's list, in input order, naming the client's model; usage estimated from the text (source counted)", () => {
    const texts = ["The quick brown fox", "jumps over the lazy dog."];
    const a = answer(ok({ input: texts, encoding_format: "float" }), { embeddings: [{ values: v1 }, { values: v2 }] });
    const expected = estimateTextTokens(texts[0]!) + estimateTextTokens(texts[1]!);
    expect(JSON.parse(a.body)).toEqual({
      object: "list",
      data: [
        { object: "embedding", index: 0, embedding: v1 },
        { object: "embedding", index: 1, embedding: v2 },
      ],
      model: "my-embed",
      usage: { prompt_tokens: expected, total_tokens: expected },
    });
    expect(a.usage).toMatchObject({ inputTokens: expected, outputTokens: 0, source: "counted" });
  });

  it("base64: little-endian float32, as OpenAI encodes it", () => {
    const values = [0.1, -2.5, 3.75];
    const a = answer(ok({ input: "x", encoding_format: "base64" }), { embedding: { values } });
    const b64 = JSON.parse(a.body).data[0].embedding as string;
    expect(b64).toBe(float32Base64(values));
    const buf = Buffer.from(b64, "base64");
    expect([0, 1, 2].map((i) => buf.readFloatLE(i * 4))).toEqual(values.map((x) => Math.fround(x)));
  });

  it("takes the provider's token count when the answer reports one", () => {
    const a = answer(ok({ input: "x" }), { embedding: { values: v1 }, usageMetadata: { promptTokenCount: 7 } });
    expect(a.usage).toMatchObject({ inputTokens: 7, source: "upstream" });
    expect(JSON.parse(a.body).usage).toEqual({ prompt_tokens: 7, total_tokens: 7 });
  });

  it("an answer that is not the promised shape is a server fault (the next target may serve it)", () => {
    const t = ok({ input: ["a", "b"] });
    for (const bad of [
      "not json",
      JSON.stringify({ embeddings: [{ values: v1 }] }),
      JSON.stringify({ embeddings: [{ values: v1 }, { values: ["x"] }] }),
      JSON.stringify({ embedding: { values: v1 } }),
    ]) {
      expect(t.answer([Buffer.from(bad)])).toMatchObject({ class: "server" });
    }
  });
});

describe("readEmbeddingsRequest", () => {
  it("reads a single string, strings, and the options", () => {
    expect(readEmbeddingsRequest({ input: "a" }, "X")).toEqual({ texts: ["a"], single: true, dimensions: undefined, base64: false, taskType: undefined });
    expect(readEmbeddingsRequest({ input: ["a"], dimensions: 3, encoding_format: "base64" }, "X")).toEqual({
      texts: ["a"],
      single: false,
      dimensions: 3,
      base64: true,
      taskType: undefined,
    });
  });
});
