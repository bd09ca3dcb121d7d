/**
 * The provider protocols the mock speaks besides OpenAI's (Anthropic Messages, Bedrock
 * Converse, Gemini/Vertex generateContent). Each protocol is one {@link ProtocolWire}:
 * how to read its request and how to write each piece of its answer; timing, failures
 * and directives are shared (wire-exchange.ts), so `echo+status=500+drop=3+ttft=…+tps=…`
 * means the same thing whatever the protocol.
 */
import type { ServerResponse } from "node:http";

/** What the mock needs from a provider request. */
export interface ProtocolRequest {
  /** The model name with directives (from the path or the body). */
  model: string;
  stream: boolean;
  /** The provider's output cap, if the request set one. */
  maxTokens: number | undefined;
  /** Characters of text in the prompt (system included); prompt tokens = chars / 4. */
  promptChars: number;
  /**
   * The tool the answer calls: the forced one, else the first declared, when tools are
   * declared, not switched off, and the last turn is not already a tool result.
   */
  toolName: string | null;
}

/** The answer the mock will give, decided before anything is written. */
export interface MockAnswer {
  id: string;
  /** The model name without directives. */
  model: string;
  /** Text tokens (WORDS), after the max-tokens cap. */
  tokens: number;
  /** True when the cap cut the text short. */
  truncated: boolean;
  promptTokens: number;
  /** Part of promptTokens reported as cache reads. */
  cachedTokens: number;
  /** The tool call that follows the text, when the request declared tools. */
  toolName: string | null;
}

/** The arguments of every mock tool call, and how they are streamed (two fragments). */
export const TOOL_ARGUMENTS = '{"query":"Tollgate mock"}';
export const TOOL_ARGUMENT_FRAGMENTS = ['{"query":', '"Tollgate mock"}'] as const;
/** Output tokens a tool call counts for. */
export const TOOL_CALL_TOKENS = 5;

/** Output tokens of an answer. */
export function outputTokens(a: MockAnswer): number {
  return a.tokens + (a.toolName === null || a.truncated ? 0 : TOOL_CALL_TOKENS);
}

/** A protocol: request reading and answer writing. Streams are written piece by piece. */
export interface ProtocolWire {
  readonly name: string;
  /** Parses the body (and the path's model); a string is a client-facing 400 message. */
  readRequest(body: string, pathModel: string | null, stream: boolean): ProtocolRequest | string;
  /** The whole non-streamed answer (JSON). */
  completion(a: MockAnswer): string;
  readonly streamContentType: string;
  /** Everything before the first text token (message_start, messageStart, …). */
  streamStart(a: MockAnswer): Buffer;
  /** Text token `i`. */
  token(a: MockAnswer, i: number): Buffer;
  /** Everything after the last text token: the tool call, the stop reason, usage, the end. */
  streamEnd(a: MockAnswer): Buffer;
  /** The in-stream error that ends a 200 stream (see `streamerror`). */
  streamError(a: MockAnswer): Buffer;
  /** Ends `res` with this protocol's error answer. */
  sendError(res: ServerResponse, status: number, message: string, retryAfterSeconds?: number): void;
}

/** Characters of every `text` string in a JSON value (prompt size, protocol-agnostic). */
export function textChars(value: unknown, depth = 0): number {
  if (depth > 32 || typeof value !== "object" || value === null) return 0;
  let n = 0;
  if (Array.isArray(value)) {
    for (const v of value) n += typeof v === "string" ? 0 : textChars(v, depth + 1);
    return n;
  }
  for (const [k, v] of Object.entries(value)) {
    if (k === "text" && typeof v === "string") n += v.length;
    else if ((k === "system" || k === "content") && typeof v === "string") n += v.length;
    else n += textChars(v, depth + 1);
  }
  return n;
}

export function parseObject(body: string): Record<string, unknown> | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return "The request body is not valid JSON.";
  }
  return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : "The request body must be a JSON object.";
}

export function positiveInt(v: unknown): number | undefined {
  return typeof v === "number" && Number.isInteger(v) && v > 0 ? v : undefined;
}

export function sendJson(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers });
  res.end(body);
}
