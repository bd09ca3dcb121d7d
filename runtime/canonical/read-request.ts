/**
 * Reading the canonical (OpenAI Chat Completions) request in the detail a translating
 * adapter needs: content parts with their images, tool calls with parsed arguments,
 * tool definitions, tool choice, stop sequences, response format. The request's common
 * fields (messages, max tokens, …) are typed on its view (chat-request.ts). Every
 * helper returns either its value or a `ProviderError` (bad_request) saying which
 * field the provider cannot take, so a request is refused with a clear 400 rather than
 * silently changed.
 */
import type { ProviderError } from "./provider-error.js";
import { badRequest, isProviderError, isRecord } from "./provider-error.js";
import type { ChatBody, ChatMessage } from "./chat-request.js";
import { textFieldOf } from "./message-text.js";

/** An image part, as a data URL's bytes or a remote URL. */
export type ImageSource = { kind: "base64"; mediaType: string; data: string } | { kind: "url"; url: string };

/** One part of a user/assistant/tool message after reading. */
export type Part = { type: "text"; text: string } | { type: "image"; source: ImageSource };

const DATA_URL = /^data:([\w.+-]+\/[\w.+-]+);base64,(.*)$/s;

/** The parts of a message's `content` (a string or an array of parts). */
export function contentParts(content: unknown, where: string): Part[] | ProviderError {
  if (content === undefined || content === null) return [];
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", text: content }];
  if (!Array.isArray(content)) return badRequest(`\`${where}.content\` must be a string or an array of parts`, null);
  const parts: Part[] = [];
  for (const p of content as unknown[]) {
    if (!isRecord(p)) return badRequest(`\`${where}.content\` has a part that is not an object`, null);
    // The same text the gateway's walker reads (message-text.ts): a text part, or a refusal.
    const field = textFieldOf(p);
    if (field !== null) parts.push({ type: "text", text: p[field] as string });
    else if (p["type"] === "image_url") {
      const image = p["image_url"];
      const url = isRecord(image) ? image["url"] : typeof image === "string" ? image : undefined;
      if (typeof url !== "string") return badRequest(`\`${where}\`: an image_url part needs \`image_url.url\``, null);
      const m = DATA_URL.exec(url);
      parts.push({ type: "image", source: m !== null ? { kind: "base64", mediaType: m[1]!, data: m[2]! } : { kind: "url", url } });
    } else return badRequest(`\`${where}\`: content parts of type \`${String(p["type"]).slice(0, 40)}\` are not supported by this provider`);
  }
  return parts;
}

/** The text of a content value: string, or its text parts joined (other parts refused). */
export function contentText(content: unknown, where: string): string | ProviderError {
  const parts = contentParts(content, where);
  if (isProviderError(parts)) return parts;
  let text = "";
  for (const p of parts) {
    if (p.type !== "text") return badRequest(`\`${where}\`: only text is supported here`);
    text += p.text;
  }
  return text;
}

/** A canonical tool call (assistant message), arguments parsed. */
export interface ToolCallIn {
  id: string;
  name: string;
  input: Record<string, unknown>;
}

/** The assistant's `tool_calls`, arguments parsed as JSON objects. */
export function toolCallsOf(message: ChatMessage, where: string): ToolCallIn[] | ProviderError {
  const calls = message.tool_calls;
  if (calls === undefined || calls === null) return [];
  if (!Array.isArray(calls)) return badRequest(`\`${where}.tool_calls\` must be an array`, null);
  const out: ToolCallIn[] = [];
  for (const c of calls as unknown[]) {
    const fn = isRecord(c) ? c["function"] : undefined;
    if (!isRecord(c) || !isRecord(fn) || typeof fn["name"] !== "string") {
      return badRequest(`\`${where}.tool_calls\` entries need \`function.name\``, null);
    }
    const input = parseArguments(fn["arguments"]);
    if (input === null) return badRequest(`\`${where}.tool_calls\`: the arguments of \`${fn["name"].slice(0, 64)}\` are not a JSON object`, null);
    out.push({ id: typeof c["id"] === "string" ? c["id"] : "", name: fn["name"], input });
  }
  return out;
}

/** Tool call arguments as an object; "" counts as {} (a call without arguments). */
export function parseArguments(args: unknown): Record<string, unknown> | null {
  if (args === undefined || args === null || args === "") return {};
  if (isRecord(args)) return args;
  if (typeof args !== "string") return null;
  try {
    const v: unknown = JSON.parse(args);
    return isRecord(v) ? v : null;
  } catch {
    return null;
  }
}

/** A function tool, as declared in `tools`. */
export interface ToolDecl {
  name: string;
  description: string | undefined;
  parameters: Record<string, unknown>;
}

/** The request's function tools (`tools`); other tool types are refused. */
export function toolsOf(body: ChatBody): ToolDecl[] | ProviderError {
  const tools = body.tools;
  if (tools === undefined || tools === null) return [];
  if (!Array.isArray(tools)) return badRequest("`tools` must be an array", null);
  const out: ToolDecl[] = [];
  for (const t of tools as unknown[]) {
    if (!isRecord(t) || t["type"] !== "function") return badRequest("only `function` tools are supported by this provider");
    const fn = t["function"];
    if (!isRecord(fn) || typeof fn["name"] !== "string") return badRequest("`tools[].function.name` is required", null);
    const params = fn["parameters"];
    out.push({
      name: fn["name"],
      description: typeof fn["description"] === "string" ? fn["description"] : undefined,
      parameters: isRecord(params) ? params : { type: "object", properties: {} },
    });
  }
  return out;
}

/** `tool_choice` normalized: none/auto/required, or a named function; undefined when absent. */
export type ToolChoice = { kind: "none" | "auto" | "required" } | { kind: "function"; name: string };

/** `tool_choice`, read (undefined when absent). */
export function toolChoiceOf(body: ChatBody): ToolChoice | undefined | ProviderError {
  const c = body.tool_choice;
  if (c === undefined || c === null) return undefined;
  if (c === "none" || c === "auto" || c === "required") return { kind: c };
  if (isRecord(c) && c["type"] === "function" && isRecord(c["function"]) && typeof c["function"]["name"] === "string") {
    return { kind: "function", name: c["function"]["name"] };
  }
  return badRequest("`tool_choice` must be none, auto, required or {type:function, function:{name}}", null);
}

/** `stop` as a list. */
export function stopOf(body: ChatBody): string[] | undefined {
  const s = body.stop;
  if (typeof s === "string") return [s];
  if (Array.isArray(s)) return s.filter((x): x is string => typeof x === "string");
  return undefined;
}

/** A numeric field, when the client set a finite number. */
export function numberOf(body: ChatBody, key: string): number | undefined {
  const v = body[key];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** `response_format`: text (absent), json_object, or json_schema with its schema. */
export type ResponseFormat = { kind: "text" } | { kind: "json_object" } | { kind: "json_schema"; name: string; schema: Record<string, unknown> };

/** `response_format`, read. */
export function responseFormatOf(body: ChatBody): ResponseFormat | ProviderError {
  const f = body.response_format;
  if (f === undefined || f === null) return { kind: "text" };
  if (!isRecord(f)) return badRequest("`response_format` must be an object", null);
  if (f["type"] === "text") return { kind: "text" };
  if (f["type"] === "json_object") return { kind: "json_object" };
  if (f["type"] === "json_schema") {
    const js = f["json_schema"];
    const schema = isRecord(js) ? js["schema"] : undefined;
    if (!isRecord(js) || !isRecord(schema)) return badRequest("`response_format.json_schema.schema` is required", null);
    return { kind: "json_schema", name: typeof js["name"] === "string" ? js["name"] : "response", schema };
  }
  return badRequest(`\`response_format.type\` \`${String(f["type"]).slice(0, 40)}\` is not supported by this provider`);
}

/**
 * Refuses the OpenAI-only features no translating adapter can honour: several choices,
 * log probabilities, audio output. Returns null when the request is fine.
 */
export function refuseOpenAIOnly(body: ChatBody, provider: string): ProviderError | null {
  const n = body.n;
  if (n !== undefined && n !== null && n !== 1) return badRequest(`\`n\` other than 1 is not supported by ${provider}`);
  if (body.logprobs === true || (body.top_logprobs !== undefined && body.top_logprobs !== null)) {
    return badRequest(`\`logprobs\` is not supported by ${provider}`);
  }
  const modalities = body.modalities;
  if (body.audio !== undefined && body.audio !== null) return badRequest(`audio output is not supported by ${provider}`);
  if (Array.isArray(modalities) && modalities.some((m) => m !== "text")) return badRequest(`\`modalities\` other than text are not supported by ${provider}`);
  return null;
}
