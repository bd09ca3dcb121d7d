/**
 * Bedrock Converse (`POST /model/{modelId}/converse`) and ConverseStream
 * (`…/converse-stream`, binary `application/vnd.amazon.eventstream` frames with CRCs,
 * written by the maintained `@smithy/eventstream-codec`). Events in the documented
 * order: messageStart, contentBlockDelta…, contentBlockStop, (toolUse block), messageStop,
 * metadata (usage after the stop). Errors name their type in `x-amzn-errortype`.
 */
import type { ServerResponse } from "node:http";
import { encodeFrame } from "../../../runtime/adapters/bedrock/event-stream.js";
import {
  argumentFragments,
  outputTokens,
  parseObject,
  pickTool,
  positiveInt,
  sendJson,
  textChars,
  type MockAnswer,
  type MockToolCall,
  type ProtocolRequest,
  type ProtocolWire,
} from "./wire.js";
import { answerText, piece } from "./wire.js";

/** Bedrock's exception type for an HTTP status. */
function errorType(status: number): string {
  switch (status) {
    case 400:
      return "ValidationException";
    case 401:
    case 403:
      return "AccessDeniedException";
    case 404:
      return "ResourceNotFoundException";
    case 408:
      return "ModelTimeoutException";
    case 424:
      return "ModelErrorException";
    case 429:
      return "ThrottlingException";
    case 503:
      return "ServiceUnavailableException";
    default:
      return status >= 500 ? "InternalServerException" : "ValidationException";
  }
}

function toolCall(body: Record<string, unknown>): MockToolCall | null {
  const config = body["toolConfig"] as { tools?: { toolSpec?: { name?: unknown; inputSchema?: { json?: unknown } } }[]; toolChoice?: { tool?: { name?: unknown } } } | undefined;
  const tools = Array.isArray(config?.tools) ? config.tools : [];
  if (tools.length === 0) return null;
  const messages = Array.isArray(body["messages"]) ? (body["messages"] as { content?: unknown }[]) : [];
  const last = messages[messages.length - 1]?.content;
  if (Array.isArray(last) && last.some((b) => typeof b === "object" && b !== null && "toolResult" in b)) return null;
  return pickTool(
    tools.map((t) => ({ name: t.toolSpec?.name, schema: t.toolSpec?.inputSchema?.json })),
    config?.toolChoice?.tool?.name,
  );
}

function stopReason(a: MockAnswer): string {
  return a.blocked ? "guardrail_intervened" : a.toolCall !== null ? "tool_use" : a.truncated ? "max_tokens" : "end_turn";
}

function usage(a: MockAnswer): Record<string, number> {
  const out = outputTokens(a);
  // inputTokens excludes cache reads, which are reported beside it; totalTokens adds all.
  const u: Record<string, number> = { inputTokens: a.promptTokens - a.cachedTokens, outputTokens: out, totalTokens: a.promptTokens + out };
  if (a.cachedTokens > 0) u["cacheReadInputTokens"] = a.cachedTokens;
  return u;
}

const frame = (type: string, payload: unknown): Buffer => Buffer.from(encodeFrame("event", type, payload));

export const BEDROCK_WIRE: ProtocolWire = {
  name: "bedrock",
  streamContentType: "application/vnd.amazon.eventstream",

  readRequest(text, pathModel, stream): ProtocolRequest | string {
    const body = parseObject(text);
    if (typeof body === "string") return body;
    if (!Array.isArray(body["messages"])) return "1 validation error detected: Value null at 'messages' failed to satisfy constraint: Member must not be null";
    const inference = (body["inferenceConfig"] ?? {}) as { maxTokens?: unknown };
    return {
      model: pathModel ?? "",
      stream,
      maxTokens: positiveInt(inference.maxTokens),
      promptChars: textChars(body["messages"]) + textChars(body["system"]),
      toolCall: toolCall(body),
    };
  },

  completion(a): string {
    const content: unknown[] = a.tokens > 0 ? [{ text: answerText(a) }] : [];
    if (a.toolCall !== null) content.push({ toolUse: { toolUseId: `tooluse_${a.id}`, name: a.toolCall.name, input: JSON.parse(a.toolCall.arguments) } });
    return JSON.stringify({ output: { message: { role: "assistant", content } }, stopReason: stopReason(a), usage: usage(a), metrics: { latencyMs: 1 } });
  },

  streamStart(): Buffer {
    return frame("messageStart", { p: "abcdefgh", role: "assistant" });
  },

  token(a, i): Buffer {
    return frame("contentBlockDelta", { contentBlockIndex: 0, delta: { text: piece(a, i) }, p: "abcd" });
  },

  streamEnd(a): Buffer {
    const frames: Buffer[] = [];
    if (a.blocked) {
      // No content: the guardrail stopped the answer before any.
    } else if (a.toolCall === null) frames.push(frame("contentBlockStop", { contentBlockIndex: 0 }));
    else {
      frames.push(frame("contentBlockStart", { contentBlockIndex: 0, start: { toolUse: { toolUseId: `tooluse_${a.id}`, name: a.toolCall.name } } }));
      for (const f of argumentFragments(a.toolCall)) frames.push(frame("contentBlockDelta", { contentBlockIndex: 0, delta: { toolUse: { input: f } } }));
      frames.push(frame("contentBlockStop", { contentBlockIndex: 0 }));
    }
    frames.push(frame("messageStop", { stopReason: stopReason(a) }));
    frames.push(frame("metadata", { usage: usage(a), metrics: { latencyMs: 1 } }));
    return Buffer.concat(frames);
  },

  streamError(): Buffer {
    return Buffer.from(encodeFrame("exception", "modelStreamErrorException", { message: "Mock upstream: scripted error in the stream.", originalStatusCode: 503 }));
  },

  sendError(res: ServerResponse, status, message, retryAfterSeconds): void {
    const type = errorType(status);
    const headers: Record<string, string> = { "x-amzn-errortype": `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`, "x-amzn-requestid": "mock-request-id" };
    if (retryAfterSeconds !== undefined) headers["retry-after"] = String(retryAfterSeconds);
    sendJson(res, status, JSON.stringify({ message }), headers);
  },
};
