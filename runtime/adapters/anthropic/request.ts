/**
 * Canonical (OpenAI) request → Anthropic Messages request.
 *
 * - `system`/`developer` messages become the top-level `system` (Anthropic has no system role).
 * - Assistant `tool_calls` become `tool_use` blocks; `tool` messages become `tool_result`
 *   blocks in a user turn; consecutive turns of one role are merged (all results of one
 *   assistant turn must sit in the next user turn).
 * - `max_tokens` is required by Anthropic: the client's, else the configured default.
 * - JSON mode: `json_schema` maps to `output_config.format`; plain `json_object` has no
 *   Anthropic equivalent and is refused.
 */
import type { ProviderError } from "../../canonical/provider-error.js";
import {
  contentParts,
  contentText,
  numberOf,
  refuseOpenAIOnly,
  responseFormatOf,
  stopOf,
  toolCallsOf,
  toolChoiceOf,
  toolsOf,
  type Part,
  type ToolChoice,
} from "../../canonical/read-request.js";
import type { ChatRequestView } from "../../canonical/chat-request.js";
import { badRequest, isProviderError } from "../../canonical/provider-error.js";

type Block = Record<string, unknown>;
interface Turn {
  role: "user" | "assistant";
  content: Block[];
}

/** `reasoning_effort` → an extended-thinking budget (tokens). */
const THINKING_BUDGET: Readonly<Record<string, number>> = { minimal: 1024, low: 1024, medium: 4096, high: 16384 };

function blockOf(p: Part): Block {
  if (p.type === "text") return { type: "text", text: p.text };
  return p.source.kind === "base64"
    ? { type: "image", source: { type: "base64", media_type: p.source.mediaType, data: p.source.data } }
    : { type: "image", source: { type: "url", url: p.source.url } };
}

function push(turns: Turn[], role: Turn["role"], blocks: Block[]): void {
  if (blocks.length === 0) return;
  const last = turns[turns.length - 1];
  if (last !== undefined && last.role === role) last.content.push(...blocks);
  else turns.push({ role, content: blocks });
}

/** The `system` blocks and the alternating turns. */
export function anthropicMessages(request: ChatRequestView): { system: Block[]; turns: Turn[] } | ProviderError {
  const system: Block[] = [];
  const turns: Turn[] = [];
  const messages = request.messages;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    const where = `messages[${i}]`;
    switch (m.role) {
      case "system":
      case "developer": {
        const text = contentText(m.content, where);
        if (isProviderError(text)) return text;
        if (text !== "") system.push({ type: "text", text });
        break;
      }
      case "user": {
        const parts = contentParts(m.content, where);
        if (isProviderError(parts)) return parts;
        push(turns, "user", parts.map(blockOf));
        break;
      }
      case "assistant": {
        const text = contentText(m.content, where);
        if (isProviderError(text)) return text;
        const calls = toolCallsOf(m, where);
        if (isProviderError(calls)) return calls;
        const blocks: Block[] = text === "" ? [] : [{ type: "text", text }];
        for (const c of calls) blocks.push({ type: "tool_use", id: c.id, name: c.name, input: c.input });
        push(turns, "assistant", blocks);
        break;
      }
      case "tool": {
        const text = contentText(m.content, where);
        if (isProviderError(text)) return text;
        const id = m.tool_call_id;
        if (typeof id !== "string") return badRequest(`\`${where}.tool_call_id\` is required`, null);
        push(turns, "user", [{ type: "tool_result", tool_use_id: id, content: text }]);
        break;
      }
      default:
        return badRequest(`\`${where}.role\` \`${String(m.role).slice(0, 40)}\` is not supported by Anthropic`);
    }
  }
  if (turns.length === 0) return badRequest("Anthropic needs at least one user or assistant message", null);
  return { system, turns };
}

/** The Anthropic request body for a canonical request; `defaultMaxTokens` when the client set none. */
export function anthropicRequestBody(request: ChatRequestView, model: string, stream: boolean, defaultMaxTokens: number): Record<string, unknown> | ProviderError {
  const body = request.body;
  const refused = refuseOpenAIOnly(body, "Anthropic");
  if (refused !== null) return refused;
  const converted = anthropicMessages(request);
  if (isProviderError(converted)) return converted;

  const out: Record<string, unknown> = { model, messages: converted.turns };
  if (converted.system.length > 0) out["system"] = converted.system;
  const maxTokens = request.maxTokens ?? defaultMaxTokens;
  out["max_tokens"] = maxTokens;
  const stop = stopOf(body);
  if (stop !== undefined && stop.length > 0) out["stop_sequences"] = stop;
  for (const key of ["temperature", "top_p", "top_k"] as const) {
    const v = numberOf(body, key);
    if (v !== undefined) out[key] = v;
  }
  if (typeof body.user === "string") out["metadata"] = { user_id: body.user };
  if (stream) out["stream"] = true;

  const tools = toolsOf(body);
  if (isProviderError(tools)) return tools;
  if (tools.length > 0) {
    out["tools"] = tools.map((t) =>
      t.description === undefined ? { name: t.name, input_schema: t.parameters } : { name: t.name, description: t.description, input_schema: t.parameters },
    );
  }
  const choice = toolChoiceOf(body);
  if (isProviderError(choice)) return choice;
  const noParallel = body.parallel_tool_calls === false;
  if (choice !== undefined || (noParallel && tools.length > 0)) {
    const tc: Record<string, unknown> = anthropicToolChoice(choice);
    if (noParallel && tc["type"] !== "none") tc["disable_parallel_tool_use"] = true;
    out["tool_choice"] = tc;
  }

  const format = responseFormatOf(body);
  if (isProviderError(format)) return format;
  if (format.kind === "json_object") {
    return badRequest('Anthropic has no schema-less JSON mode: use `response_format: {type: "json_schema", json_schema: {schema}}`');
  }
  if (format.kind === "json_schema") out["output_config"] = { format: { type: "json_schema", schema: format.schema } };

  const effort = body.reasoning_effort;
  if (typeof effort === "string" && effort !== "none") {
    const budget = THINKING_BUDGET[effort];
    if (budget === undefined) return badRequest(`\`reasoning_effort\` \`${effort.slice(0, 20)}\` is not supported by Anthropic`);
    if (maxTokens <= budget)
      return badRequest(`\`reasoning_effort: ${effort}\` needs \`max_completion_tokens\` above ${budget} on Anthropic (the thinking budget counts against it)`);
    out["thinking"] = { type: "enabled", budget_tokens: budget };
  }
  return out;
}

function anthropicToolChoice(choice: ToolChoice | undefined): Record<string, unknown> {
  if (choice === undefined) return { type: "auto" };
  switch (choice.kind) {
    case "function":
      return { type: "tool", name: choice.name };
    case "required":
      return { type: "any" };
    default:
      return { type: choice.kind };
  }
}
