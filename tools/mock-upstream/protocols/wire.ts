/**
 * The provider protocols the mock speaks besides OpenAI's (Anthropic Messages, Bedrock
 * Converse, Gemini/Vertex generateContent). Each protocol is one {@link ProtocolWire}:
 * how to read its request and how to write each piece of its answer; timing, failures
 * and directives are shared (wire-exchange.ts), so `echo+status=500+drop=3+ttft=…+tps=…`
 * means the same thing whatever the protocol.
 */
import type { ServerResponse } from "node:http";
import { completionText, WORDS } from "../content.js";

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
   * declared, not switched off, and the last turn is not already a tool result (the
   * OpenAI path's rule, tool-calls.ts).
   */
  toolCall: MockToolCall | null;
}

/** A tool call of the mock: the tool's name and arguments filled from its JSON Schema. */
export interface MockToolCall {
  readonly name: string;
  /** JSON text: `"mock"` for strings, 1 for numbers, true for booleans, an enum's first value. */
  readonly arguments: string;
}

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** The call of tool `name` with arguments filled from its parameter schema. */
export function toolCallFor(name: string, schema: unknown): MockToolCall {
  const out: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(record(record(schema)?.["properties"]) ?? {})) {
    const type = record(prop)?.["type"];
    const e = record(prop)?.["enum"];
    out[key] = Array.isArray(e) && e.length > 0 ? e[0] : type === "number" || type === "integer" ? 1 : type === "boolean" ? true : type === "string" ? "mock" : null;
  }
  return { name, arguments: JSON.stringify(out) };
}

/** Picks the declared tool to call: the forced name, else the first. */
export function pickTool(tools: readonly { name: unknown; schema: unknown }[], forced: unknown): MockToolCall | null {
  const tool = tools.find((t) => t.name === forced) ?? tools[0];
  return tool !== undefined && typeof tool.name === "string" ? toolCallFor(tool.name, tool.schema) : null;
}

/** The arguments streamed in two fragments, so clients must reassemble them. */
export function argumentFragments(call: MockToolCall): [string, string] {
  const half = call.arguments.length >> 1;
  return [call.arguments.slice(0, half), call.arguments.slice(half)];
}

/** The answer the mock will give, decided before anything is written. */
export interface MockAnswer {
  id: string;
  /** The model name without directives. */
  model: string;
  /** Text tokens (content chunks), after the max-tokens cap; 0 when the answer is a tool call. */
  tokens: number;
  /** The `say` text as content chunks, or null for the default words (content.ts). */
  say: readonly string[] | null;
  /** True when the cap cut the text short. */
  truncated: boolean;
  promptTokens: number;
  /** Part of promptTokens reported as cache reads. */
  cachedTokens: number;
  /** The answer is this tool call (and no text), when the request offered tools. */
  toolCall: MockToolCall | null;
  /** The provider's safety system blocked it (the `safety=block` directive): no content. */
  blocked: boolean;
}

/** Content chunk `i` of an answer. */
export function piece(a: MockAnswer, i: number): string {
  return a.say !== null ? (a.say[i] ?? "") : (WORDS[i % WORDS.length] ?? "");
}

/** The whole text of an answer (its first `tokens` chunks). */
export function answerText(a: MockAnswer): string {
  return a.say !== null ? a.say.slice(0, a.tokens).join("") : completionText(a.tokens);
}

/** Output tokens of an answer: the text's, or a tool call's (name and arguments / 4, as the OpenAI path counts). */
export function outputTokens(a: MockAnswer): number {
  return a.toolCall === null ? a.tokens : Math.max(1, Math.ceil((a.toolCall.name.length + a.toolCall.arguments.length) / 4));
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
