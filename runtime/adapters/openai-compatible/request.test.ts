import { describe, expect, it } from "vitest";
import type { PlanOpenAIQuirks } from "../../../schemas/plan/protocols.js";
import type { LinkedTarget } from "../../plan/linked-plan.js";
import type { ChatRequestContext } from "../adapter.js";
import { openAIBody, unsupportedFeature } from "./request.js";
import { chatRequest } from "../../../test/support/chat-request.js";

const OPENAI: PlanOpenAIQuirks = { streamUsage: true, renameParams: {}, dropParams: [], tools: true, jsonMode: true };

function ctx(body: Record<string, unknown>, over: Partial<ChatRequestContext> = {}): ChatRequestContext {
  const raw = Buffer.from(JSON.stringify(body));
  return { target: {} as LinkedTarget, request: chatRequest(body), rawBody: raw, stream: body["stream"] === true, requestId: "r", clientWantsStreamUsage: false, ...over };
}

describe("openAIBody", () => {
  const messages = [{ role: "user", content: "hi" }];

  it("forwards the client's bytes when nothing changes", () => {
    const c = ctx({ model: "m", messages });
    expect(openAIBody(c, OPENAI, "m")).toBe(c.rawBody);
  });

  it("splices the usage request into a stream without re-serializing", () => {
    const c = ctx({ model: "m", messages, stream: true });
    const out = openAIBody(c, OPENAI, "m");
    expect(JSON.parse(out.toString())).toEqual({ model: "m", messages, stream: true, stream_options: { include_usage: true } });
  });

  it("merges the client's own stream_options, and never asks when the client already did", () => {
    const c = ctx({ model: "m", messages, stream: true, stream_options: { include_obfuscation: false } });
    expect(JSON.parse(openAIBody(c, OPENAI, "m").toString()).stream_options).toEqual({ include_obfuscation: false, include_usage: true });
    const asked = ctx({ model: "m", messages, stream: true, stream_options: { include_usage: true } }, { clientWantsStreamUsage: true });
    expect(openAIBody(asked, OPENAI, "m")).toBe(asked.rawBody);
  });

  it("renames the model and applies vendor quirks without touching the canonical body", () => {
    const body = { model: "public", messages, max_completion_tokens: 5, logit_bias: { 1: 2 } };
    const c = ctx(body);
    const quirks = { ...OPENAI, renameParams: { max_completion_tokens: "max_tokens" }, dropParams: ["logit_bias"] };
    expect(JSON.parse(openAIBody(c, quirks, "upstream").toString())).toEqual({ model: "upstream", messages, max_tokens: 5 });
    expect(body).toEqual({ model: "public", messages, max_completion_tokens: 5, logit_bias: { 1: 2 } });
  });

  it("re-serializes when a request stage changed the body (no raw bytes)", () => {
    const c = ctx({ model: "m", messages }, { rawBody: null });
    expect(JSON.parse(openAIBody(c, OPENAI, "m").toString())).toEqual({ model: "m", messages });
  });

  it("refuses tools and JSON mode where the vendor has none", () => {
    const none = { ...OPENAI, tools: false, jsonMode: false };
    expect(unsupportedFeature(ctx({ model: "m", messages, tools: [] }), none, "p")).toMatchObject({ class: "bad_request", param: "tools" });
    expect(unsupportedFeature(ctx({ model: "m", messages, response_format: { type: "json_object" } }), none, "p")).toMatchObject({ param: "response_format" });
    expect(unsupportedFeature(ctx({ model: "m", messages, tools: [] }), OPENAI, "p")).toBeNull();
  });
});
