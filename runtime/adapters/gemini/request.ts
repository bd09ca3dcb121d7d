/**
 * Canonical (OpenAI) request → Gemini `generateContent` request (docs/providers.md#google-gemini-and-vertex-ai-generatecontent);
 * the same body serves Vertex AI.
 *
 * - `system`/`developer` → `systemInstruction`; `assistant` → role `model`.
 * - Assistant `tool_calls` → `functionCall` parts; `tool` messages → `functionResponse`
 *   parts in a user turn, named after the call they answer (Gemini matches by name).
 * - JSON mode: `json_object` → `responseMimeType: application/json`; `json_schema` adds
 *   `responseJsonSchema`. `reasoning_effort` → `thinkingConfig.thinkingBudget`.
 */
import type { ProviderError } from "../../canonical/provider-error.js";
import { contentParts, contentText, numberOf, refuseOpenAIOnly, responseFormatOf, stopOf, toolCallsOf, toolChoiceOf, toolsOf, type Part } from "../../canonical/read-request.js";
import type { ChatRequestView } from "../../canonical/chat-request.js";
import { badRequest, isRecord, isProviderError } from "../../canonical/provider-error.js";

type GPart = Record<string, unknown>;
interface Content {
  role: "user" | "model";
  parts: GPart[];
}

/** `reasoning_effort` → thinking budget in tokens (0 turns thinking off where the model allows). */
const THINKING_BUDGET: Readonly<Record<string, number>> = { none: 0, minimal: 512, low: 1024, medium: 8192, high: 24576 };

function partOf(p: Part): GPart {
  if (p.type === "text") return { text: p.text };
  return p.source.kind === "base64" ? { inlineData: { mimeType: p.source.mediaType, data: p.source.data } } : { fileData: { fileUri: p.source.url } };
}

function push(contents: Content[], role: Content["role"], parts: GPart[]): void {
  if (parts.length === 0) return;
  const last = contents[contents.length - 1];
  if (last !== undefined && last.role === role) last.parts.push(...parts);
  else contents.push({ role, parts });
}

/** A tool result as a `functionResponse.response` object: the JSON object itself, else `{content}`. */
function responseObject(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    if (isRecord(v)) return v;
  } catch {
    // Plain text: wrapped below.
  }
  return { content: text };
}

export function geminiRequestBody(request: ChatRequestView, provider: string): Record<string, unknown> | ProviderError {
  const body = request.body;
  const refused = refuseOpenAIOnly(body, provider);
  if (refused !== null) return refused;
  const system: GPart[] = [];
  const contents: Content[] = [];
  /** tool_call_id → function name, from the assistant turns seen so far. */
  const callNames = new Map<string, string>();
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
        push(contents, "user", parts.map(partOf));
        break;
      }
      case "assistant": {
        const text = contentText(m.content, where);
        if (isProviderError(text)) return text;
        const calls = toolCallsOf(m, where);
        if (isProviderError(calls)) return calls;
        const parts: GPart[] = text === "" ? [] : [{ text }];
        for (const c of calls) {
          callNames.set(c.id, c.name);
          parts.push({ functionCall: { name: c.name, args: c.input } });
        }
        push(contents, "model", parts);
        break;
      }
      case "tool": {
        const text = contentText(m.content, where);
        if (isProviderError(text)) return text;
        const id = m.tool_call_id;
        const name = typeof id === "string" ? callNames.get(id) : undefined;
        if (name === undefined)
          return badRequest(`\`${where}.tool_call_id\` must name a tool call of an earlier assistant message (${provider} matches results by function name)`, null);
        push(contents, "user", [{ functionResponse: { name, response: responseObject(text) } }]);
        break;
      }
      default:
        return badRequest(`\`${where}.role\` \`${String(m.role).slice(0, 40)}\` is not supported by ${provider}`);
    }
  }
  if (contents.length === 0) return badRequest(`${provider} needs at least one user or assistant message`, null);

  const out: Record<string, unknown> = { contents };
  if (system.length > 0) out["systemInstruction"] = { parts: system };
  const config: Record<string, unknown> = {};
  const maxTokens = request.maxTokens;
  if (maxTokens !== undefined) config["maxOutputTokens"] = maxTokens;
  for (const [from, to] of [
    ["temperature", "temperature"],
    ["top_p", "topP"],
    ["top_k", "topK"],
    ["presence_penalty", "presencePenalty"],
    ["frequency_penalty", "frequencyPenalty"],
    ["seed", "seed"],
  ] as const) {
    const v = numberOf(body, from);
    if (v !== undefined) config[to] = v;
  }
  const stop = stopOf(body);
  if (stop !== undefined && stop.length > 0) config["stopSequences"] = stop;
  const format = responseFormatOf(body);
  if (isProviderError(format)) return format;
  if (format.kind !== "text") config["responseMimeType"] = "application/json";
  if (format.kind === "json_schema") config["responseJsonSchema"] = format.schema;
  const effort = body.reasoning_effort;
  if (typeof effort === "string") {
    const budget = THINKING_BUDGET[effort];
    if (budget === undefined) return badRequest(`\`reasoning_effort\` \`${effort.slice(0, 20)}\` is not supported by ${provider}`);
    config["thinkingConfig"] = { thinkingBudget: budget };
  }
  if (Object.keys(config).length > 0) out["generationConfig"] = config;

  const tools = toolsOf(body);
  if (isProviderError(tools)) return tools;
  if (tools.length > 0) {
    out["tools"] = [
      {
        functionDeclarations: tools.map((t) => ({ name: t.name, ...(t.description === undefined ? {} : { description: t.description }), parametersJsonSchema: t.parameters })),
      },
    ];
  }
  const choice = toolChoiceOf(body);
  if (isProviderError(choice)) return choice;
  if (choice !== undefined && tools.length > 0) {
    const fc: Record<string, unknown> =
      choice.kind === "function" ? { mode: "ANY", allowedFunctionNames: [choice.name] } : { mode: choice.kind === "required" ? "ANY" : choice.kind === "none" ? "NONE" : "AUTO" };
    out["toolConfig"] = { functionCallingConfig: fc };
  }
  return out;
}

/** The model's resource path: a bare name gets `models/`; `models/…` and `tunedModels/…` are kept. */
export function geminiModelPath(model: string): string {
  return model.startsWith("models/") || model.startsWith("tunedModels/") ? model : `models/${encodeURIComponent(model)}`;
}

/** The method suffix: `:generateContent`, or `:streamGenerateContent?alt=sse` (SSE, not a JSON array). */
export function generateMethod(stream: boolean): string {
  return stream ? ":streamGenerateContent?alt=sse" : ":generateContent";
}
