/**
 * Bedrock Converse (`POST /model/{modelId}/converse`) and ConverseStream
 * (`…/converse-stream`, binary `application/vnd.amazon.eventstream` frames with CRCs,
 * written by the maintained `@smithy/eventstream-codec`). Events in the documented
 * order: messageStart, contentBlockDelta…, contentBlockStop, (toolUse block), messageStop,
 * metadata (usage after the stop). Errors name their type in `x-amzn-errortype`.
 */
import type { ServerResponse } from "node:http";
import { encodeFrame } from "../../adapters/bedrock/event-stream.js";
import { completionText, WORDS } from "../content.js";
import { outputTokens, parseObject, positiveInt, sendJson, textChars, TOOL_ARGUMENT_FRAGMENTS, TOOL_ARGUMENTS, type MockAnswer, type ProtocolRequest, type ProtocolWire } from "./wire.js";

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

function toolName(body: Record<string, unknown>): string | null {
  const config = body["toolConfig"] as { tools?: { toolSpec?: { name?: unknown } }[]; toolChoice?: { tool?: { name?: unknown } } } | undefined;
  const tools = Array.isArray(config?.tools) ? config.tools : [];
  if (tools.length === 0) return null;
  const messages = Array.isArray(body["messages"]) ? (body["messages"] as { content?: unknown }[]) : [];
  const last = messages[messages.length - 1]?.content;
  if (Array.isArray(last) && last.some((b) => typeof b === "object" && b !== null && "toolResult" in b)) return null;
  const forced = config?.toolChoice?.tool?.name;
  if (typeof forced === "string") return forced;
  const first = tools[0]?.toolSpec?.name;
  return typeof first === "string" ? first : null;
}

function stopReason(a: MockAnswer): string {
  return a.truncated ? "max_tokens" : a.toolName !== null ? "tool_use" : "end_turn";
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
      toolName: toolName(body),
    };
  },

  completion(a): string {
    const content: unknown[] = a.tokens > 0 ? [{ text: completionText(a.tokens) }] : [];
    if (a.toolName !== null && !a.truncated) content.push({ toolUse: { toolUseId: `tooluse_${a.id}`, name: a.toolName, input: JSON.parse(TOOL_ARGUMENTS) } });
    return JSON.stringify({ output: { message: { role: "assistant", content } }, stopReason: stopReason(a), usage: usage(a), metrics: { latencyMs: 1 } });
  },

  streamStart(): Buffer {
    return frame("messageStart", { p: "abcdefgh", role: "assistant" });
  },

  token(_a, i): Buffer {
    return frame("contentBlockDelta", { contentBlockIndex: 0, delta: { text: WORDS[i % WORDS.length] }, p: "abcd" });
  },

  streamEnd(a): Buffer {
    const frames = [frame("contentBlockStop", { contentBlockIndex: 0 })];
    if (a.toolName !== null && !a.truncated) {
      frames.push(frame("contentBlockStart", { contentBlockIndex: 1, start: { toolUse: { toolUseId: `tooluse_${a.id}`, name: a.toolName } } }));
      for (const f of TOOL_ARGUMENT_FRAGMENTS) frames.push(frame("contentBlockDelta", { contentBlockIndex: 1, delta: { toolUse: { input: f } } }));
      frames.push(frame("contentBlockStop", { contentBlockIndex: 1 }));
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
