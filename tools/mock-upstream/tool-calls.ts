/**
 * Tool calls: when a request offers tools (and `tool_choice` is not `none`, and the
 * conversation does not end with a tool result), the mock calls one: the tool named by
 * `tool_choice`, else the first. Its arguments are filled from the tool's JSON Schema
 * (`"mock"` for strings, 1 for numbers, true for booleans), so a client can parse them.
 * After a `tool` message the mock answers with text, as a model would.
 *
 * Shapes follow recorded OpenAI traffic (the `chat-tools` cassette): `content: null`,
 * `tool_calls[{id, type: "function", function: {name, arguments}}]`,
 * `finish_reason: "tool_calls"`; streamed as a first delta with the id and name and
 * empty arguments, then the arguments.
 */
import type { CompletionIdentity } from "./chat-wire.js";

/** The call the mock makes. */
export interface ToolCall {
  readonly name: string;
  readonly arguments: string;
}

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** The tool call a request asks for, or undefined when it should get text. */
export function chooseToolCall(body: Record<string, unknown>): ToolCall | undefined {
  const tools = body["tools"];
  if (!Array.isArray(tools) || tools.length === 0 || body["tool_choice"] === "none") return undefined;
  const messages = body["messages"];
  const last = Array.isArray(messages) ? record(messages.at(-1)) : undefined;
  if (last?.["role"] === "tool") return undefined;
  const wanted = record(record(body["tool_choice"])?.["function"])?.["name"];
  const functions = tools.map((t) => record(record(t)?.["function"])).filter((f) => f !== undefined);
  const fn = functions.find((f) => f["name"] === wanted) ?? functions[0];
  if (fn === undefined || typeof fn["name"] !== "string") return undefined;
  return { name: fn["name"], arguments: JSON.stringify(argumentsFor(record(fn["parameters"]))) };
}

function argumentsFor(schema: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, prop] of Object.entries(record(schema?.["properties"]) ?? {})) {
    const type = record(prop)?.["type"];
    const e = record(prop)?.["enum"];
    out[name] = Array.isArray(e) && e.length > 0 ? e[0] : type === "number" || type === "integer" ? 1 : type === "boolean" ? true : type === "string" ? "mock" : null;
  }
  return out;
}

/** Completion tokens a tool call is counted as. */
export function toolCallTokens(call: ToolCall): number {
  return Math.max(1, Math.ceil((call.name.length + call.arguments.length) / 4));
}

function usage(prompt: number, completion: number): Record<string, number> {
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** The non-streamed `chat.completion` of a tool call. */
export function toolCallCompletion(c: CompletionIdentity, call: ToolCall, callId: string, promptTokens: number): string {
  return JSON.stringify({
    id: c.id,
    object: "chat.completion",
    created: c.created,
    model: JSON.parse(c.modelJson) as string,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: null, tool_calls: [{ id: callId, type: "function", function: call }], refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: "tool_calls",
      },
    ],
    usage: usage(promptTokens, toolCallTokens(call)),
    system_fingerprint: null,
  });
}

/** The SSE body of a streamed tool call, `[DONE]` included. */
export function toolCallStream(c: CompletionIdentity, call: ToolCall, callId: string, promptTokens: number, includeUsage: boolean): string {
  const chunk = (choices: unknown[], extra: Record<string, unknown> = includeUsage ? { usage: null } : {}): string =>
    `data: ${JSON.stringify({ id: c.id, object: "chat.completion.chunk", created: c.created, model: JSON.parse(c.modelJson) as string, system_fingerprint: null, choices, ...extra })}\n\n`;
  const delta = (d: Record<string, unknown>, finish: string | null = null): unknown[] => [{ index: 0, delta: d, logprobs: null, finish_reason: finish }];
  let out =
    chunk(delta({ role: "assistant", content: null, tool_calls: [{ index: 0, id: callId, type: "function", function: { name: call.name, arguments: "" } }], refusal: null })) +
    chunk(delta({ tool_calls: [{ index: 0, function: { arguments: call.arguments } }] })) +
    chunk(delta({}, "tool_calls"));
  if (includeUsage) out += chunk([], { usage: usage(promptTokens, toolCallTokens(call)) });
  return out + "data: [DONE]\n\n";
}
