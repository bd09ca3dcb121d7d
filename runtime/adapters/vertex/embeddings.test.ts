/**
 * OpenAI embeddings ↔ Vertex AI's text-embeddings `:predict` on the documented wire
 * shapes: `instances[].content` and `parameters.outputDimensionality` out;
 * `predictions[].embeddings.{values, statistics.token_count}` back, the token counts
 * summed into usage (estimated only when a count is missing).
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
import { vertexAdapter } from "./index.js";

function target(model = "text-embedding-005"): LinkedTarget {
  const plan = linkPlan(
    compileYaml(`apiVersion: tollgate/v1
providers:
  - name: v
    kind: vertex
    baseUrl: "http://127.0.0.1:9/v1"
    vertex: { project: my-proj, location: europe-west4, accessToken: env:TOKEN }
models:
  - { name: embed, targets: [{ provider: v, model: "${model}" }] }
consumers:
  - { name: c, keys: [{ sha256: 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824 }] }
`),
    { TOKEN: "ya29.token" },
  );
  return plan.models[0]!.weighted[0]!;
}

function translate(body: Record<string, unknown>, model?: string): RelayTranslation | ProviderError {
  return vertexAdapter.relay!.translate!({ target: target(model), endpoint: "embeddings", body, requestedModel: "my-embed" });
}

function ok(body: Record<string, unknown>, model?: string): RelayTranslation {
  return okTranslation(translate(body, model));
}

const answer = answerOf;

const prediction = (values: number[], tokens?: number): unknown => ({
  embeddings: { values, statistics: tokens === undefined ? { truncated: false } : { truncated: false, token_count: tokens } },
});

describe("vertex embeddings: request", () => {
  it("every input is an instance of one :predict call; dimensions → parameters.outputDimensionality", () => {
    const t = ok({ model: "my-embed", input: ["a", "b"], dimensions: 256, task_type: "RETRIEVAL_DOCUMENT", user: "u" });
    expect(t.calls[0]!.path).toBe("/v1/projects/my-proj/locations/europe-west4/publishers/google/models/text-embedding-005:predict");
    expect(JSON.parse(t.calls[0]!.body)).toEqual({
      instances: [
        { content: "a", task_type: "RETRIEVAL_DOCUMENT" },
        { content: "b", task_type: "RETRIEVAL_DOCUMENT" },
      ],
      parameters: { outputDimensionality: 256 },
    });
    expect(JSON.parse(ok({ input: "one" }).calls[0]!.body)).toEqual({ instances: [{ content: "one" }] });
  });

  it("gemini-embedding-001 takes one instance per call (Google's limit): one call per input, joined in order, token counts summed", () => {
    const t = ok({ input: ["a", "b", "c"] }, "gemini-embedding-001");
    expect(t.calls.map((c) => JSON.parse(c.body))).toEqual([{ instances: [{ content: "a" }] }, { instances: [{ content: "b" }] }, { instances: [{ content: "c" }] }]);
    const a = t.answer([1, 2, 3].map((n) => Buffer.from(JSON.stringify({ predictions: [prediction([n], n)] }))));
    if (isProviderError(a)) throw new Error(a.message);
    expect((JSON.parse(a.body) as { data: { embedding: number[] }[] }).data.map((d) => d.embedding)).toEqual([[1], [2], [3]]);
    expect(a.usage).toMatchObject({ inputTokens: 6, source: "upstream" });
  });

  it("other models: at most 250 instances and about 16,000 estimated tokens per call", () => {
    const many = ok({ input: Array.from({ length: 600 }, (_, i) => `t${i}`) });
    expect(many.calls.map((c) => (JSON.parse(c.body) as { instances: unknown[] }).instances.length)).toEqual([250, 250, 100]);
    const long = "word ".repeat(5000);
    const texts = [long, long, long, long, "short"];
    const calls = ok({ input: texts }).calls.map((c) => (JSON.parse(c.body) as { instances: { content: string }[] }).instances.map((i) => i.content));
    expect(calls.flat()).toEqual(texts);
    expect(calls.length).toBeGreaterThan(1);
    for (const call of calls) expect(call.reduce((n, t) => n + estimateTextTokens(t), 0)).toBeLessThanOrEqual(16_000);
    // A single text above the budget still goes (alone): Vertex truncates or refuses it.
    expect(ok({ input: ["x ".repeat(40_000), "y"] }).calls).toHaveLength(2);
  });

  it("authenticates with the access token; token arrays are refused", () => {
    const headers: string[] = [];
    vertexAdapter.relay!.addAuth(target(), headers);
    expect(headers).toEqual(["authorization", "Bearer ya29.token"]);
    expect(translate({ input: [[1, 2]] })).toMatchObject({ class: "bad_request", status: 400, param: "input", code: "unsupported_parameter" });
  });
});

describe("vertex embeddings: answer", () => {
  it("maps predictions in order and sums statistics.token_count into usage (the provider's count)", () => {
    const a = answer(ok({ input: ["a", "b"] }), { predictions: [prediction([0.5, 0.25], 3), prediction([1, 2], 4)], metadata: { billableCharacterCount: 2 } });
    expect(JSON.parse(a.body)).toEqual({
      object: "list",
      data: [
        { object: "embedding", index: 0, embedding: [0.5, 0.25] },
        { object: "embedding", index: 1, embedding: [1, 2] },
      ],
      model: "my-embed",
      usage: { prompt_tokens: 7, total_tokens: 7 },
    });
    expect(a.usage).toMatchObject({ inputTokens: 7, source: "upstream" });
  });

  it("estimates the usage when a prediction carries no token count", () => {
    const a = answer(ok({ input: ["hello there", "b"] }), { predictions: [prediction([1], 3), prediction([2])] });
    expect(a.usage).toMatchObject({ inputTokens: estimateTextTokens("hello there") + estimateTextTokens("b"), source: "counted" });
  });

  it("a prediction count that does not match the inputs is a server fault", () => {
    expect(ok({ input: ["a", "b"] }).answer([Buffer.from(JSON.stringify({ predictions: [prediction([1], 1)] }))])).toMatchObject({ class: "server" });
    expect(ok({ input: "a" }).answer([Buffer.from("{}")])).toMatchObject({ class: "server" });
  });
});
