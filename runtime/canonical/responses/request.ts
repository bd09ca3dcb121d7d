/**
 * An OpenAI Responses API request (`POST /v1/responses`) → the canonical Chat
 * Completions request the chat pipeline routes, guards, meters and sends. Upstreams
 * that speak the Responses API themselves (OpenAI, Azure OpenAI) get the client's
 * request as it is instead (adapters/openai-compatible/responses.ts); every other
 * protocol gets this translation:
 *
 * - `instructions` → a system message; `input` (a string, or items) → messages:
 *   `message` items by role (`input_text`/`output_text` → text, `input_image` → an
 *   `image_url` part), consecutive `function_call` items → one assistant turn with
 *   `tool_calls`, `function_call_output` → a `tool` message; `reasoning` items from
 *   earlier turns are dropped (they are provider state, as Anthropic thinking is);
 * - function `tools` and `tool_choice`; `max_output_tokens` → `max_completion_tokens`;
 *   `text.format` → `response_format`; `reasoning.effort` → `reasoning_effort`;
 * - streams always ask for the usage chunk (the Responses stream reports usage in
 *   `response.completed`, whatever the upstream).
 *
 * What only a provider that keeps state can honour (`previous_response_id`,
 * `conversation`, `store: true`, `background`, `item_reference` items, built-in tools)
 * is not translated: the request is marked stateful, and a target that would need
 * the translation refuses it with a 400 naming the field.
 */

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A request the gateway cannot read, in words for a 400 (`param` names the field). */
export interface ResponsesRefusal {
  readonly message: string;
  readonly param: string;
}

/** A read Responses request. */
export interface ResponsesRequest {
  /** The client's body, as sent (native upstreams get it, the model renamed). */
  readonly body: Readonly<Obj>;
  /** The canonical chat body (for translated upstreams, and for routing, guardrails and quotas). */
  readonly chat: Obj;
  /** The first field that needs a provider keeping state, or null: translated targets refuse such a request. */
  readonly stateful: string | null;
  readonly stream: boolean;
}

/** Built-in (hosted) tools only OpenAI runs; translated providers have none. */
function toolOf(t: unknown, i: number): Obj | ResponsesRefusal | "hosted" {
  if (!isObj(t)) return { message: `\`tools[${i}]\` must be an object`, param: `tools[${i}]` };
  if (t["type"] !== "function") return "hosted";
  if (typeof t["name"] !== "string" || t["name"] === "") return { message: `\`tools[${i}].name\` is required`, param: `tools[${i}].name` };
  const fn: Obj = { name: t["name"], parameters: isObj(t["parameters"]) ? t["parameters"] : { type: "object", properties: {} } };
  if (typeof t["description"] === "string") fn["description"] = t["description"];
  if (typeof t["strict"] === "boolean") fn["strict"] = t["strict"];
  return { type: "function", function: fn };
}

/** A content part of an input message → a chat content part (or text), or why not. */
function partOf(p: unknown, where: string): Obj | ResponsesRefusal {
  if (!isObj(p)) return { message: `\`${where}\` must be an object`, param: where };
  switch (p["type"]) {
    case "input_text":
    case "output_text":
    case "text":
      return typeof p["text"] === "string" ? { type: "text", text: p["text"] } : { message: `\`${where}.text\` is required`, param: `${where}.text` };
    case "refusal":
      return { type: "text", text: typeof p["refusal"] === "string" ? p["refusal"] : "" };
    case "input_image": {
      const url = p["image_url"];
      if (typeof url !== "string") return { message: `\`${where}\`: images are taken as \`image_url\` (a URL or data URL), not file ids, by this gateway`, param: where };
      const image: Obj = { url };
      if (typeof p["detail"] === "string") image["detail"] = p["detail"];
      return { type: "image_url", image_url: image };
    }
    default:
      return { message: `\`${where}\`: content of type \`${String(p["type"]).slice(0, 40)}\` is not supported by this gateway`, param: where };
  }
}

/** The content of a message item as chat content: a string, or parts when it holds an image. */
function contentOf(content: unknown, where: string): string | Obj[] | ResponsesRefusal {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return { message: `\`${where}\` must be a string or a list of content parts`, param: where };
  const parts: Obj[] = [];
  for (let j = 0; j < content.length; j++) {
    const part = partOf(content[j], `${where}[${j}]`);
    if ("message" in part) return part as ResponsesRefusal;
    parts.push(part);
  }
  return parts.every((p) => p["type"] === "text") ? parts.map((p) => p["text"] as string).join("") : parts;
}

/** `function_call_output.output`: a string, or text parts joined. */
function outputText(output: unknown): string {
  if (typeof output === "string") return output;
  if (!Array.isArray(output)) return JSON.stringify(output ?? "");
  return output.map((p) => (isObj(p) && typeof p["text"] === "string" ? p["text"] : "")).join("");
}

/** The input items → chat messages; the first stateful item's field, when one is found. */
function messagesOf(input: unknown, out: Obj[]): { stateful: string | null } | ResponsesRefusal {
  if (typeof input === "string") {
    out.push({ role: "user", content: input });
    return { stateful: null };
  }
  if (!Array.isArray(input)) return { message: "`input` must be a string or a list of items", param: "input" };
  let stateful: string | null = null;
  /** The assistant message function calls are added to, while they follow each other. */
  let calling: Obj | null = null;
  for (let i = 0; i < input.length; i++) {
    const item = input[i] as unknown;
    const where = `input[${i}]`;
    if (!isObj(item)) return { message: `\`${where}\` must be an object`, param: where };
    const type = item["type"] ?? "message";
    if (type === "function_call") {
      if (typeof item["name"] !== "string" || typeof item["call_id"] !== "string") return { message: `\`${where}\` needs \`call_id\` and \`name\``, param: where };
      const args = typeof item["arguments"] === "string" && item["arguments"] !== "" ? item["arguments"] : "{}";
      const call = { id: item["call_id"], type: "function", function: { name: item["name"], arguments: args } };
      const last = out[out.length - 1];
      if (calling === null && last !== undefined && last["role"] === "assistant" && last["tool_calls"] === undefined) calling = last;
      if (calling === null) out.push((calling = { role: "assistant", content: null }));
      ((calling["tool_calls"] ??= []) as Obj[]).push(call);
      continue;
    }
    calling = null;
    switch (type) {
      case "message": {
        const role = item["role"];
        if (role !== "user" && role !== "assistant" && role !== "system" && role !== "developer") {
          return { message: `\`${where}.role\` must be user, assistant, system or developer`, param: `${where}.role` };
        }
        const content = contentOf(item["content"], `${where}.content`);
        if (typeof content === "object" && !Array.isArray(content)) return content;
        out.push({ role, content });
        break;
      }
      case "function_call_output":
        if (typeof item["call_id"] !== "string") return { message: `\`${where}.call_id\` is required`, param: `${where}.call_id` };
        out.push({ role: "tool", tool_call_id: item["call_id"], content: outputText(item["output"]) });
        break;
      case "reasoning":
        // Reasoning of earlier turns is the provider's state; other providers cannot read it.
        break;
      case "item_reference":
        stateful ??= `${where}`;
        break;
      default:
        return { message: `\`${where}\`: items of type \`${String(type).slice(0, 40)}\` are not supported by this gateway`, param: `${where}.type` };
    }
  }
  return { stateful };
}

/** `text.format` → `response_format`, or null for plain text. */
function responseFormatOf(text: unknown): Obj | ResponsesRefusal | null {
  const format = isObj(text) ? text["format"] : undefined;
  if (!isObj(format) || format["type"] === "text") return null;
  if (format["type"] === "json_object") return { type: "json_object" };
  if (format["type"] === "json_schema") {
    if (!isObj(format["schema"])) return { message: "`text.format.schema` is required", param: "text.format.schema" };
    const schema: Obj = { name: typeof format["name"] === "string" ? format["name"] : "output", schema: format["schema"] };
    if (typeof format["strict"] === "boolean") schema["strict"] = format["strict"];
    if (typeof format["description"] === "string") schema["description"] = format["description"];
    return { type: "json_schema", json_schema: schema };
  }
  return { message: `\`text.format.type\` \`${String(format["type"]).slice(0, 40)}\` is not supported`, param: "text.format.type" };
}

/** `tool_choice` → the chat tool choice, or why not. */
function toolChoiceOf(choice: unknown): unknown {
  if (choice === undefined || choice === null || typeof choice === "string") return choice ?? undefined;
  if (isObj(choice) && choice["type"] === "function" && typeof choice["name"] === "string") return { type: "function", function: { name: choice["name"] } };
  return { message: "`tool_choice` must be none, auto, required or {type: function, name}", param: "tool_choice" };
}

/** Reads a Responses request body, or says why it cannot be served. */
export function readResponsesRequest(body: unknown): ResponsesRequest | ResponsesRefusal {
  if (!isObj(body)) return { message: "the request body must be a JSON object", param: "body" };
  const model = body["model"];
  if (typeof model !== "string" || model === "") return { message: "`model` is required", param: "model" };
  if (body["input"] === undefined && body["previous_response_id"] === undefined && body["conversation"] === undefined) {
    return { message: "`input` is required", param: "input" };
  }
  const messages: Obj[] = [];
  if (typeof body["instructions"] === "string" && body["instructions"] !== "") messages.push({ role: "system", content: body["instructions"] });
  const read = body["input"] === undefined ? { stateful: null } : messagesOf(body["input"], messages);
  if ("message" in read) return read;
  let stateful = read.stateful;
  for (const field of ["previous_response_id", "conversation", "prompt"] as const) if (body[field] !== undefined && body[field] !== null) stateful ??= field;
  if (body["store"] === true) stateful ??= "store";
  if (body["background"] === true) stateful ??= "background";

  const stream = body["stream"] === true;
  // A stateful request may carry no new input (the provider holds the conversation): routing still needs a message.
  if (!messages.some((m) => m["role"] !== "system")) messages.push({ role: "user", content: "" });
  const chat: Obj = { model, messages };
  if (Array.isArray(body["tools"]) && body["tools"].length > 0) {
    const tools: Obj[] = [];
    for (const [i, t] of (body["tools"] as unknown[]).entries()) {
      const tool = toolOf(t, i);
      if (tool === "hosted") {
        stateful ??= `tools[${i}]`;
        continue;
      }
      if ("message" in tool) return tool as ResponsesRefusal;
      tools.push(tool);
    }
    if (tools.length > 0) chat["tools"] = tools;
  }
  const choice = toolChoiceOf(body["tool_choice"]);
  if (isObj(choice) && "message" in choice) return choice as unknown as ResponsesRefusal;
  if (choice !== undefined && chat["tools"] !== undefined) chat["tool_choice"] = choice;
  if (typeof body["parallel_tool_calls"] === "boolean" && chat["tools"] !== undefined) chat["parallel_tool_calls"] = body["parallel_tool_calls"];
  if (typeof body["max_output_tokens"] === "number") chat["max_completion_tokens"] = body["max_output_tokens"];
  for (const key of ["temperature", "top_p", "top_logprobs"] as const) if (typeof body[key] === "number") chat[key] = body[key];
  const user = typeof body["safety_identifier"] === "string" ? body["safety_identifier"] : body["user"];
  if (typeof user === "string") chat["user"] = user;
  const format = responseFormatOf(body["text"]);
  if (format !== null && "message" in format) return format as ResponsesRefusal;
  if (format !== null) chat["response_format"] = format;
  const reasoning = body["reasoning"];
  if (isObj(reasoning) && typeof reasoning["effort"] === "string") chat["reasoning_effort"] = reasoning["effort"];
  if (stream) {
    chat["stream"] = true;
    chat["stream_options"] = { include_usage: true };
  }
  return { body, chat, stateful, stream };
}

/** True for a {@link ResponsesRefusal}. */
export function isResponsesRefusal(v: ResponsesRequest | ResponsesRefusal): v is ResponsesRefusal {
  return "message" in v;
}
