/**
 * Canonical (OpenAI) request → Bedrock Converse / ConverseStream request (docs/providers.md#aws-bedrock-converse).
 *
 * - `system`/`developer` → top-level `system: [{text}]`.
 * - Assistant `tool_calls` → `toolUse` blocks; `tool` messages → `toolResult` blocks in a
 *   user turn; consecutive turns of one role are merged (Converse needs alternation).
 * - Images only as data URLs (Converse takes bytes, not URLs).
 * - No JSON mode in Converse: `response_format` json_* is refused with a 400.
 */
import type { ProviderError } from "../../canonical/provider-error.js";
import { contentParts, contentText, numberOf, refuseOpenAIOnly, responseFormatOf, stopOf, toolCallsOf, toolChoiceOf, toolsOf, type Part } from "../../canonical/read-request.js";
import type { ChatRequestView } from "../../canonical/chat-request.js";
import { badRequest, isProviderError } from "../../canonical/provider-error.js";

type Block = Record<string, unknown>;
interface Turn {
  role: "user" | "assistant";
  content: Block[];
}

const IMAGE_FORMATS: Readonly<Record<string, string>> = { "image/png": "png", "image/jpeg": "jpeg", "image/jpg": "jpeg", "image/gif": "gif", "image/webp": "webp" };

function blockOf(p: Part, where: string): Block | ProviderError {
  if (p.type === "text") return { text: p.text };
  if (p.source.kind === "url") return badRequest(`\`${where}\`: Bedrock takes images as data URLs (base64), not remote URLs`);
  const format = IMAGE_FORMATS[p.source.mediaType];
  if (format === undefined) return badRequest(`\`${where}\`: image type ${p.source.mediaType.slice(0, 40)} is not supported by Bedrock`);
  return { image: { format, source: { bytes: p.source.data } } };
}

function push(turns: Turn[], role: Turn["role"], blocks: Block[]): void {
  if (blocks.length === 0) return;
  const last = turns[turns.length - 1];
  if (last !== undefined && last.role === role) last.content.push(...blocks);
  else turns.push({ role, content: blocks });
}

function converseMessages(request: ChatRequestView): { system: Block[]; turns: Turn[]; usesTools: boolean } | ProviderError {
  const system: Block[] = [];
  const turns: Turn[] = [];
  let usesTools = false;
  const messages = request.messages;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    const where = `messages[${i}]`;
    switch (m.role) {
      case "system":
      case "developer": {
        const text = contentText(m.content, where);
        if (isProviderError(text)) return text;
        if (text !== "") system.push({ text });
        break;
      }
      case "user": {
        const parts = contentParts(m.content, where);
        if (isProviderError(parts)) return parts;
        const blocks: Block[] = [];
        for (const p of parts) {
          const b = blockOf(p, where);
          if (isProviderError(b)) return b;
          blocks.push(b);
        }
        push(turns, "user", blocks);
        break;
      }
      case "assistant": {
        const text = contentText(m.content, where);
        if (isProviderError(text)) return text;
        const calls = toolCallsOf(m, where);
        if (isProviderError(calls)) return calls;
        const blocks: Block[] = text === "" ? [] : [{ text }];
        for (const c of calls) blocks.push({ toolUse: { toolUseId: c.id, name: c.name, input: c.input } });
        if (calls.length > 0) usesTools = true;
        push(turns, "assistant", blocks);
        break;
      }
      case "tool": {
        const text = contentText(m.content, where);
        if (isProviderError(text)) return text;
        const id = m.tool_call_id;
        if (typeof id !== "string") return badRequest(`\`${where}.tool_call_id\` is required`, null);
        usesTools = true;
        push(turns, "user", [{ toolResult: { toolUseId: id, content: [{ text }] } }]);
        break;
      }
      default:
        return badRequest(`\`${where}.role\` \`${String(m.role).slice(0, 40)}\` is not supported by Bedrock`);
    }
  }
  if (turns.length === 0) return badRequest("Bedrock needs at least one user or assistant message", null);
  return { system, turns, usesTools };
}

/** The Converse request body (the same for Converse and ConverseStream); `defaultMaxTokens` when the client set none. */
export function converseRequestBody(request: ChatRequestView, defaultMaxTokens: number | null = null): Record<string, unknown> | ProviderError {
  const body = request.body;
  const refused = refuseOpenAIOnly(body, "Bedrock");
  if (refused !== null) return refused;
  const format = responseFormatOf(body);
  if (isProviderError(format)) return format;
  if (format.kind !== "text")
    return badRequest("Bedrock Converse has no JSON mode: `response_format` json_object/json_schema is not supported (use a tool with the schema instead)");
  const effort = body.reasoning_effort;
  if (typeof effort === "string" && effort !== "none") return badRequest("`reasoning_effort` is not supported by the Bedrock adapter");
  const converted = converseMessages(request);
  if (isProviderError(converted)) return converted;

  const out: Record<string, unknown> = { messages: converted.turns };
  if (converted.system.length > 0) out["system"] = converted.system;
  const inference: Record<string, unknown> = {};
  const maxTokens = request.maxTokens ?? defaultMaxTokens ?? undefined;
  if (maxTokens !== undefined) inference["maxTokens"] = maxTokens;
  const temperature = numberOf(body, "temperature");
  if (temperature !== undefined) inference["temperature"] = temperature;
  const topP = numberOf(body, "top_p");
  if (topP !== undefined) inference["topP"] = topP;
  const stop = stopOf(body);
  if (stop !== undefined && stop.length > 0) inference["stopSequences"] = stop;
  if (Object.keys(inference).length > 0) out["inferenceConfig"] = inference;

  const tools = toolsOf(body);
  if (isProviderError(tools)) return tools;
  const choice = toolChoiceOf(body);
  if (isProviderError(choice)) return choice;
  // Converse has no "none": the tools are left out, unless the history holds tool calls
  // (then Converse requires toolConfig, and the model is left to choose).
  const dropTools = choice?.kind === "none" && !converted.usesTools;
  if (tools.length > 0 && !dropTools) {
    const toolConfig: Record<string, unknown> = {
      tools: tools.map((t) => ({ toolSpec: { name: t.name, ...(t.description === undefined ? {} : { description: t.description }), inputSchema: { json: t.parameters } } })),
    };
    if (choice?.kind === "required") toolConfig["toolChoice"] = { any: {} };
    else if (choice?.kind === "function") toolConfig["toolChoice"] = { tool: { name: choice.name } };
    else if (choice?.kind === "auto") toolConfig["toolChoice"] = { auto: {} };
    out["toolConfig"] = toolConfig;
  }
  return out;
}

/** Path of the (streaming) Converse call; the model id is URL-encoded (ARNs hold `:` and `/`). */
export function conversePath(model: string, stream: boolean): string {
  return `/model/${encodeURIComponent(model)}/${stream ? "converse-stream" : "converse"}`;
}
