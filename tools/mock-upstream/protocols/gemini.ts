/**
 * Gemini `generateContent` / `streamGenerateContent` (Google AI `/v1beta/models/…` and
 * Vertex `/v1/projects/…/publishers/google/models/…`, the same bodies). With `alt=sse`
 * every SSE `data:` event is a whole GenerateContentResponse separated by CRLF CRLF, as
 * Google sends them, with no end marker; without it the stream is one JSON array.
 * Errors are `{"error":{"code","message","status"}}`.
 */
import type { ServerResponse } from "node:http";
import { outputTokens, parseObject, pickTool, positiveInt, sendJson, textChars, type MockAnswer, type MockToolCall, type ProtocolRequest, type ProtocolWire } from "./wire.js";
import { answerText, piece as chunkText } from "./wire.js";

/** Google's canonical status name for an HTTP status. */
function googleStatus(status: number): string {
  switch (status) {
    case 400:
      return "INVALID_ARGUMENT";
    case 401:
      return "UNAUTHENTICATED";
    case 403:
      return "PERMISSION_DENIED";
    case 404:
      return "NOT_FOUND";
    case 409:
      return "ABORTED";
    case 429:
      return "RESOURCE_EXHAUSTED";
    case 503:
      return "UNAVAILABLE";
    case 504:
      return "DEADLINE_EXCEEDED";
    default:
      return status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
  }
}

type GPart = { text?: unknown; functionResponse?: unknown };

function toolCall(body: Record<string, unknown>): MockToolCall | null {
  const tools = Array.isArray(body["tools"]) ? (body["tools"] as { functionDeclarations?: { name?: unknown; parameters?: unknown; parametersJsonSchema?: unknown }[] }[]) : [];
  const declared = tools.flatMap((t) => (Array.isArray(t.functionDeclarations) ? t.functionDeclarations : []));
  const config = (body["toolConfig"] as { functionCallingConfig?: { mode?: unknown; allowedFunctionNames?: unknown[] } } | undefined)?.functionCallingConfig;
  if (declared.length === 0 || config?.mode === "NONE") return null;
  const contents = Array.isArray(body["contents"]) ? (body["contents"] as { parts?: GPart[] }[]) : [];
  const last = contents[contents.length - 1]?.parts;
  if (Array.isArray(last) && last.some((p) => p.functionResponse !== undefined)) return null;
  return pickTool(
    declared.map((d) => ({ name: d.name, schema: d.parametersJsonSchema ?? d.parameters })),
    config?.allowedFunctionNames?.[0],
  );
}

function usage(a: MockAnswer, output: number): Record<string, unknown> {
  const u: Record<string, unknown> = { promptTokenCount: a.promptTokens, candidatesTokenCount: output, totalTokenCount: a.promptTokens + output };
  if (a.cachedTokens > 0) u["cachedContentTokenCount"] = a.cachedTokens;
  return u;
}

function response(a: MockAnswer, parts: unknown[], finish: string | null, output: number): Record<string, unknown> {
  const candidate: Record<string, unknown> = { content: { parts, role: "model" } };
  if (finish !== null) candidate["finishReason"] = finish;
  candidate["index"] = 0;
  return { candidates: [candidate], usageMetadata: usage(a, output), modelVersion: a.model, responseId: `mock-${a.id}` };
}

/** A prompt blocked by the safety filters: no candidates, the block reason, prompt usage only. */
function blockedResponse(a: MockAnswer): Record<string, unknown> {
  return {
    promptFeedback: { blockReason: "SAFETY" },
    usageMetadata: { promptTokenCount: a.promptTokens, totalTokenCount: a.promptTokens },
    modelVersion: a.model,
    responseId: `mock-${a.id}`,
  };
}

function toolPart(call: MockToolCall): unknown {
  return { functionCall: { name: call.name, args: JSON.parse(call.arguments) } };
}

function finishReason(a: MockAnswer): string {
  return a.toolCall === null && a.truncated ? "MAX_TOKENS" : "STOP";
}

/** Streams either as SSE events (`alt=sse`) or as the pieces of one JSON array. */
export function geminiWire(sse: boolean): ProtocolWire {
  let first = true;
  const piece = (obj: unknown): Buffer => {
    if (sse) return Buffer.from(`data: ${JSON.stringify(obj)}\r\n\r\n`);
    const prefix = first ? "[" : ",\r\n";
    first = false;
    return Buffer.from(prefix + JSON.stringify(obj));
  };
  return {
    name: "gemini",
    streamContentType: sse ? "text/event-stream" : "application/json; charset=UTF-8",

    readRequest(text, pathModel, stream): ProtocolRequest | string {
      const body = parseObject(text);
      if (typeof body === "string") return body;
      if (!Array.isArray(body["contents"])) return "* GenerateContentRequest.contents: contents is not specified";
      const config = (body["generationConfig"] ?? {}) as { maxOutputTokens?: unknown };
      return {
        model: pathModel ?? "",
        stream,
        maxTokens: positiveInt(config.maxOutputTokens),
        promptChars: textChars(body["contents"]) + textChars(body["systemInstruction"]),
        toolCall: toolCall(body),
      };
    },

    completion(a): string {
      if (a.blocked) return JSON.stringify(blockedResponse(a));
      const parts: unknown[] = a.tokens > 0 ? [{ text: answerText(a) }] : [];
      if (a.toolCall !== null) parts.push(toolPart(a.toolCall));
      return JSON.stringify(response(a, parts, finishReason(a), outputTokens(a)));
    },

    streamStart(): Buffer {
      return Buffer.alloc(0);
    },

    token(a, i): Buffer {
      return piece(response(a, [{ text: chunkText(a, i) }], null, i + 1));
    },

    streamEnd(a): Buffer {
      if (a.blocked) {
        const only = piece(blockedResponse(a));
        return sse ? only : Buffer.concat([only, Buffer.from("]")]);
      }
      const parts: unknown[] = a.toolCall !== null ? [toolPart(a.toolCall)] : [{ text: "" }];
      const last = piece(response(a, parts, finishReason(a), outputTokens(a)));
      return sse ? last : Buffer.concat([last, Buffer.from("]")]);
    },

    streamError(): Buffer {
      const err = { error: { code: 503, message: "The model is overloaded. Please try again later.", status: "UNAVAILABLE" } };
      return sse ? piece(err) : Buffer.concat([piece(err), Buffer.from("]")]);
    },

    sendError(res: ServerResponse, status, message, retryAfterSeconds): void {
      const headers: Record<string, string> = {};
      if (retryAfterSeconds !== undefined) headers["retry-after"] = String(retryAfterSeconds);
      sendJson(res, status, JSON.stringify({ error: { code: status, message, status: googleStatus(status) } }), headers);
    },
  };
}
