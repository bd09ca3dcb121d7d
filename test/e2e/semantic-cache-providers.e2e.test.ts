/**
 * The semantic cache's embeddings through every protocol that offers them (OpenAI-
 * compatible, the OpenAI catalog vendor, Azure with a dated api-version and with v1,
 * Bedrock, Gemini, Vertex AI), with the same adapter capability that serves
 * `/v1/embeddings`: Azure's deployment URL and `api-key` header, Bedrock's SigV4-signed
 * InvokeModel (Titan), Gemini's `embedContent`, Vertex's `:predict`. A paraphrase is
 * served from the cache only if the embeddings worked.
 */
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import { EMBEDDINGS_ADAPTER_IDS } from "../../schemas/plan/constants.js";
import { ADAPTER_SETUPS, type AdapterSetup } from "../conformance/adapter-setups.js";
import { compileYaml, sha256Hex } from "../support/compile.js";
import { LISTENERS } from "../support/listeners.js";

const CLIENT_KEY = "sk-tg-semantic-providers";

/** The mock's word embedding, named as each protocol's embedding models are (Bedrock's by model family). */
const embeddingModel = (setup: AdapterSetup): string => (setup.name.startsWith("bedrock") ? "amazon.titan-embed-text-v2-words" : "words");

function policy(setup: AdapterSetup, mock: MockUpstream): string {
  return `apiVersion: tollgate/v1
providers:
${setup.provider(mock)}models:
  - { name: chat, targets: [{ provider: up, model: echo }] }
routes:
  - name: cached
    match: { model: chat }
    model: chat
    cache:
      semantic: { embedding: { provider: up, model: "${embeddingModel(setup)}" }, threshold: 0.8 }
consumers:
  - { name: c, keys: [{ sha256: ${sha256Hex(CLIENT_KEY)} }] }
`;
}

/** The setups whose protocol offers embeddings (the compiler refuses the others, TG6613). */
const setups = ADAPTER_SETUPS.filter((s) => EMBEDDINGS_ADAPTER_IDS.some((id) => s.name.startsWith(id) || (id === "openai-compatible" && s.name.startsWith("openai "))));

it("covers the seven setups whose protocol embeds", () => expect(setups).toHaveLength(7));

describe.each(setups.flatMap((setup) => LISTENERS.map((server) => [setup.name, server, setup] as const)))("semantic cache embeddings: %s (%s listener)", (_name, server, setup) => {
  let mock: MockUpstream;
  let gw: Gateway;
  let client: OpenAI;

  beforeAll(async () => {
    setQuietLogs(true);
    mock = await startMockUpstream(setup.mockKey === undefined ? {} : { requireApiKey: setup.mockKey });
    gw = await startGateway({ plan: compileYaml(policy(setup, mock)), port: 0, server, env: setup.env });
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: CLIENT_KEY, maxRetries: 0 });
  });
  afterAll(async () => {
    await gw?.close();
    await mock?.close();
  });

  it("serves a paraphrase from the cache, embedded by the provider in its own protocol", async () => {
    const ask = (content: string) => client.chat.completions.create({ model: "chat", temperature: 0, messages: [{ role: "user", content }] }).withResponse();
    const before = mock.requests.length;
    const first = await ask("What is the capital of France?");
    expect(first.response.headers.get("x-tollgate-cache")).toBe("miss");
    const paraphrase = await ask("Can you tell me what the capital city of France is");
    expect(paraphrase.response.headers.get("x-tollgate-cache")).toBe("hit");
    expect(paraphrase.response.headers.get("x-tollgate-cache-kind")).toBe("semantic");
    expect(paraphrase.data.id).toBe(first.data.id);
    // Two embeddings and one chat call reached the upstream; the embeddings in the protocol's own shape.
    const embedPaths = mock.requests
      .slice(before)
      .map((r) => r.path)
      .filter((p) => /embed|predict|invoke/i.test(p));
    expect(embedPaths).toHaveLength(2);
    expect(embedPaths[0]).toMatch(/\/embeddings|:embedContent|:predict|\/invoke/);
  });
});
