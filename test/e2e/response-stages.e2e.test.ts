/**
 * ChatCall's response-stage contract, on a real listener and the mock upstream: stages
 * see the canonical answer in order and may rewrite it; a stage error before the commit
 * point is an error response, after it an error event with no `[DONE]`. The handler is
 * the test's own (stages are created by request handlers; none ships yet).
 */
import { randomUUID } from "node:crypto";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockUpstream, type MockUpstream } from "../../tools/mock-upstream/index.js";
import { RequestRecord } from "../../runtime/base/request-record.js";
import { linkPlan } from "../../runtime/plan/link-plan.js";
import { ServedPlan } from "../../runtime/plan/served-plan.js";
import { ChatCall } from "../../runtime/pipeline/chat-call.js";
import type { ResponseStage } from "../../runtime/stages/response-stage.js";
import { gatewayError, type GatewayError } from "../../runtime/base/errors.js";
import type { Listener } from "../../runtime/server/exchange.js";
import { listen } from "../../runtime/server/listen.js";
import { completionText } from "../../tools/mock-upstream/content.js";
import { compileYaml } from "../support/compile.js";
import { sseData } from "../support/sse.js";
import { chatRequest } from "../support/chat-request.js";
import { LISTENERS } from "../support/listeners.js";

/** Replaces a word in every chunk it sees (a rewrite that needs no window: the mock sends whole words). */
class ReplaceStage implements ResponseStage {
  error: GatewayError | null = null;
  constructor(
    readonly from: string,
    readonly to: string,
  ) {}
  pushStream(chunk: Buffer): Buffer | null {
    return Buffer.from(chunk.toString().replaceAll(this.from, this.to));
  }
  endStream(): Buffer | null {
    return null;
  }
  transformBody(body: Buffer): Buffer {
    return Buffer.from(body.toString().replaceAll(this.from, this.to));
  }
}

/** Blocks on a word; `hold` keeps the whole stream back until its end (a pre-commit decision). */
class BlockStage implements ResponseStage {
  error: GatewayError | null = null;
  #held: Buffer[] = [];
  constructor(
    readonly word: string,
    readonly hold: boolean,
  ) {}
  #check(text: string): void {
    if (text.includes(this.word)) this.error = gatewayError("invalid-request", { reason: `blocked: the answer mentions ${this.word}` });
  }
  pushStream(chunk: Buffer): Buffer | null {
    this.#check(chunk.toString());
    if (!this.hold) return chunk;
    this.#held.push(chunk);
    return null;
  }
  endStream(): Buffer | null {
    return this.#held.length === 0 ? null : Buffer.concat(this.#held);
  }
  transformBody(body: Buffer): Buffer {
    this.#check(body.toString());
    return body;
  }
}

describe.each(LISTENERS)("response stages (%s listener)", (kind) => {
  let mock: MockUpstream;
  let served: ServedPlan;
  let server: Listener;
  let stages: () => ResponseStage[] = () => [];

  beforeAll(async () => {
    mock = await startMockUpstream({ defaults: { tokens: 12 } });
    const plan = compileYaml(`apiVersion: tollgate/v1
providers:
  - { name: up, kind: openai-compatible, baseUrl: "${mock.url}" }
models:
  - { name: m, targets: [{ provider: up, model: echo }] }
  - { name: paced, targets: [{ provider: up, model: "echo+tps=200" }] }
consumers:
  - { name: c, keys: [{ sha256: "${"0".repeat(64)}" }] }
`);
    served = new ServedPlan(linkPlan(plan, {}));
    server = await listen(kind, {
      host: "127.0.0.1",
      port: 0,
      handler: (ex) => {
        const requestId = randomUUID();
        const record = new RequestRecord(served, requestId, "chat_completions", []);
        void ex.readBody(1 << 20).then((raw) => {
          if (typeof raw === "string") return;
          const request = chatRequest(JSON.parse(raw.toString()) as Record<string, unknown>);
          const model = served.linked.models.find((m) => m.name === request.model)!;
          new ChatCall({
            exchange: ex,
            requestId,
            model,
            first: model.weighted[0]!,
            rawBody: raw,
            request,
            requestedModel: model.name,
            stream: request.stream,
            record,
            stages: stages(),
            health: served.linked.health,
          }).start();
        });
      },
    });
  });
  afterAll(async () => {
    await server?.close();
    await served?.linked.close();
    await mock?.close();
  });

  async function post(stream: boolean, model = "m"): Promise<{ status: number; text: string }> {
    const res = await request(`http://127.0.0.1:${server.port}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model, stream, messages: [{ role: "user", content: "hi" }] }),
    });
    return { status: res.statusCode, text: await res.body.text() };
  }

  const streamedText = (text: string): string =>
    sseData(text)
      .filter((d) => d !== "[DONE]")
      .map((d) => (JSON.parse(d) as { choices?: { delta?: { content?: string } }[] }).choices?.[0]?.delta?.content ?? "")
      .join("");

  it("runs stages in order on bodies and streams (stage 1's output is stage 2's input)", async () => {
    stages = () => [new ReplaceStage("fox", "cat"), new ReplaceStage("cat", "lion")];
    const body = await post(false);
    expect((JSON.parse(body.text) as { choices: { message: { content: string } }[] }).choices[0]!.message.content).toBe(completionText(12).replace("fox", "lion"));
    const stream = await post(true);
    expect(streamedText(stream.text)).toBe(completionText(12).replace("fox", "lion"));
    expect(sseData(stream.text).at(-1)).toBe("[DONE]");
  });

  it("a stage error before the commit point is an error response", async () => {
    stages = () => [new BlockStage("fox", true)];
    const stream = await post(true);
    expect(stream.status).toBe(400);
    expect(JSON.parse(stream.text)).toMatchObject({ error: { code: "invalid_request", message: "blocked: the answer mentions fox" } });
    const body = await post(false);
    expect(body.status).toBe(400);
  });

  it("a stage error after the commit point ends the stream with an error event and no [DONE]", async () => {
    stages = () => [new BlockStage("fox", false)];
    // Paced: the first tokens reach the client before "fox" is generated.
    const stream = await post(true, "paced");
    expect(stream.status).toBe(200);
    const events = sseData(stream.text);
    expect(events).not.toContain("[DONE]");
    expect(JSON.parse(events.at(-1)!)).toMatchObject({ error: { code: "invalid_request" } });
  });
});
