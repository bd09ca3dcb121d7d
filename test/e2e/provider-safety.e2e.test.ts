/**
 * Provider safety blocks through the gateway, with the official `openai` client, on both
 * listeners: a Gemini/Vertex prompt blocked by `promptFeedback.blockReason` is a 400
 * `content_filter` error (the request's fault: no fallback); an Anthropic `refusal` and a
 * Bedrock `guardrail_intervened` stop are answers with `finish_reason: content_filter`.
 */
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../runtime/gateway.js";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { setQuietLogs } from "../../runtime/base/log.js";
import { ADAPTER_SETUPS } from "../conformance/adapter-setups.js";
import { compileYaml, sha256Hex } from "../support/compile.js";
import { LISTENERS } from "../support/listeners.js";

const KEY = "sk-tg-safety";
const SETUPS = ADAPTER_SETUPS.filter((s) => ["anthropic", "bedrock", "gemini", "vertex"].includes(s.name.split(" ")[0]!));
const USER = [{ role: "user" as const, content: "Something the filters dislike." }];

describe.each(SETUPS.flatMap((setup) => LISTENERS.map((server) => [setup.name, server, setup] as const)))("safety blocks: %s (%s listener)", (name, server, setup) => {
  let mock: MockUpstream;
  let gw: Gateway;
  let client: OpenAI;

  beforeAll(async () => {
    setQuietLogs(true);
    mock = await startMockUpstream({ requireApiKey: setup.mockKey! });
    const policy = `apiVersion: tollgate/v1
providers:
${setup.provider(mock)}models:
  - { name: blocked, targets: [{ provider: up, model: "echo+safety=block" }] }
consumers:
  - name: c
    keys: [{ sha256: ${sha256Hex(KEY)} }]
`;
    gw = await startGateway({ plan: compileYaml(policy), port: 0, server, env: { ...setup.env } });
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: KEY, maxRetries: 0 });
  });
  afterAll(async () => {
    await gw?.close();
    await mock?.close();
  });

  const google = name.startsWith("gemini") || name.startsWith("vertex");

  it(google ? "a blocked prompt is a 400 content_filter error, streamed or not" : "the stop is finish_reason content_filter, streamed or not", async () => {
    if (google) {
      for (const stream of [false, true]) {
        const err = await client.chat.completions.create({ model: "blocked", messages: USER, stream }).then(
          async (r) => {
            if (stream) for await (const _ of r as AsyncIterable<unknown>) void _;
            return null;
          },
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(OpenAI.BadRequestError);
        expect((err as InstanceType<typeof OpenAI.BadRequestError>).code).toBe("content_filter");
      }
      return;
    }
    const r = await client.chat.completions.create({ model: "blocked", messages: USER });
    expect(r.choices[0]?.finish_reason).toBe("content_filter");
    const stream = await client.chat.completions.create({ model: "blocked", messages: USER, stream: true });
    let finish: string | null = null;
    for await (const c of stream) finish = c.choices[0]?.finish_reason ?? finish;
    expect(finish).toBe("content_filter");
  });
});
