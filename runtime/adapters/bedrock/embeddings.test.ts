/**
 * OpenAI embeddings ↔ Bedrock InvokeModel on the documented native bodies: Titan one
 * text a call (`inputText`, `dimensions`; `embedding` and `inputTextTokenCount` back),
 * Cohere Embed 96 texts a call (`texts`, `input_type`; `embeddings` back, usage
 * estimated), each call signed with SigV4 over its own bytes.
 */
import { afterAll, describe, expect, it } from "vitest";
import { compileYaml } from "../../../test/support/compile.js";
import { linkPlan } from "../../plan/link-plan.js";
import type { LinkedPlan, LinkedTarget } from "../../plan/linked-plan.js";
import { estimateTextTokens } from "../../../schemas/plan/token-estimate.js";
import type { RelayAnswer, RelayTranslation } from "../adapter.js";
import type { ProviderError } from "../../canonical/provider-error.js";
import { answerOf, okTranslation } from "../../../test/support/relay-translation.js";
import { bedrockAdapter } from "./index.js";

const plans: LinkedPlan[] = [];
afterAll(async () => {
  await Promise.all(plans.map((p) => p.close()));
});

function target(model: string): LinkedTarget {
  const plan = linkPlan(
    compileYaml(`apiVersion: tollgate/v1
providers:
  - name: b
    kind: bedrock
    baseUrl: "http://127.0.0.1:9"
    bedrock: { region: eu-west-1, accessKeyId: env:AKID, secretAccessKey: env:SECRET }
models:
  - { name: embed, targets: [{ provider: b, model: "${model}" }] }
consumers:
  - { name: c, keys: [{ sha256: 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824 }] }
`),
    { AKID: "AKIDEXAMPLE", SECRET: "secret" },
  );
  plans.push(plan);
  return plan.models[0]!.weighted[0]!;
}

function translate(body: Record<string, unknown>, model: string): RelayTranslation | ProviderError {
  return bedrockAdapter.relay!.translate!({ target: target(model), endpoint: "embeddings", body, requestedModel: "my-embed" });
}

function ok(body: Record<string, unknown>, model: string): RelayTranslation {
  return okTranslation(translate(body, model));
}

const answered = (t: RelayTranslation, bodies: unknown[]): RelayAnswer => answerOf(t, ...bodies);

describe("Titan Text Embeddings", () => {
  const titan = "amazon.titan-embed-text-v2:0";

  it("sends one signed InvokeModel call per input, dimensions passed through", async () => {
    const t = ok({ model: "my-embed", input: ["alpha", "beta"], dimensions: 256 }, titan);
    expect(t.calls.map((c) => [c.path, JSON.parse(c.body)])).toEqual([
      ["/model/amazon.titan-embed-text-v2%3A0/invoke", { inputText: "alpha", dimensions: 256 }],
      ["/model/amazon.titan-embed-text-v2%3A0/invoke", { inputText: "beta", dimensions: 256 }],
    ]);
    const headers = await bedrockAdapter.relay!.sign!(target(titan), t.calls[0]!);
    const named = Object.fromEntries(headers.flatMap((_, i) => (i % 2 === 0 ? [[headers[i]!, headers[i + 1]!]] : [])));
    expect(named["authorization"]).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/bedrock\/aws4_request, SignedHeaders=.*x-amz-content-sha256.*, Signature=[0-9a-f]{64}$/,
    );
    expect(named["content-type"]).toBe("application/json");
    expect(named["host"]).toBeUndefined();
  });

  it("answers in OpenAI's shape with the summed token counts", () => {
    const t = ok({ model: "my-embed", input: ["alpha", "beta"], encoding_format: "float" }, titan);
    const a = answered(t, [
      { embedding: [0.1, 0.2], inputTextTokenCount: 2 },
      { embedding: [0.3, 0.4], inputTextTokenCount: 3 },
    ]);
    expect(JSON.parse(a.body)).toEqual({
      object: "list",
      data: [
        { object: "embedding", index: 0, embedding: [0.1, 0.2] },
        { object: "embedding", index: 1, embedding: [0.3, 0.4] },
      ],
      model: "my-embed",
      usage: { prompt_tokens: 5, total_tokens: 5 },
    });
    expect(a.usage).toMatchObject({ inputTokens: 5, source: "upstream" });
  });

  it("estimates usage when a count is missing, and reads an unusable answer as a server fault", () => {
    const t = ok({ model: "my-embed", input: "alpha beta" }, titan);
    expect(answered(t, [{ embedding: [1, 0] }]).usage).toMatchObject({ inputTokens: estimateTextTokens("alpha beta"), source: "counted" });
    expect(t.answer([Buffer.from('{"embedding":"nope"}')])).toMatchObject({ class: "server" });
    expect(t.answer([Buffer.from("not json")])).toMatchObject({ class: "server" });
  });

  it("refuses token arrays with a 400 naming Bedrock", () => {
    expect(translate({ model: "my-embed", input: [[1, 2, 3]] }, titan)).toMatchObject({
      class: "bad_request",
      status: 400,
      param: "input",
      message: expect.stringContaining("Bedrock"),
    });
  });
});

describe("Cohere Embed", () => {
  const cohere = "cohere.embed-english-v3";

  it("batches 96 texts a call with input_type search_document (search_query for a query task)", () => {
    const texts = Array.from({ length: 200 }, (_, i) => `text ${i}`);
    const t = ok({ model: "my-embed", input: texts }, cohere);
    expect(t.calls.map((c) => (JSON.parse(c.body) as { texts: string[] }).texts.length)).toEqual([96, 96, 8]);
    expect(JSON.parse(t.calls[0]!.body)).toMatchObject({ input_type: "search_document" });
    expect(JSON.parse(ok({ model: "my-embed", input: "q", task_type: "RETRIEVAL_QUERY" }, cohere).calls[0]!.body)).toEqual({ texts: ["q"], input_type: "search_query" });
  });

  it("joins the calls' vectors in order and estimates usage (Cohere reports none)", () => {
    const t = ok({ model: "my-embed", input: ["a", "b", "c"] }, cohere);
    const a = answered(t, [{ id: "x", embeddings: [[1], [2], [3]], texts: ["a", "b", "c"], response_type: "embeddings_floats" }]);
    expect((JSON.parse(a.body) as { data: { embedding: number[] }[] }).data.map((d) => d.embedding)).toEqual([[1], [2], [3]]);
    expect(a.usage?.source).toBe("counted");
    expect(t.answer([Buffer.from(JSON.stringify({ embeddings: [[1]] }))])).toMatchObject({ class: "server" });
  });

  it("refuses `dimensions` (Cohere's size is fixed)", () => {
    expect(translate({ model: "my-embed", input: "a", dimensions: 256 }, cohere)).toMatchObject({ class: "bad_request", param: "dimensions" });
  });
});
