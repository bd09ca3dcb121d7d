/**
 * Inbound Anthropic Messages request → the canonical (OpenAI Chat Completions) request
 * the chat pipeline routes. The inverse of runtime/adapters/anthropic/request.ts:
 * `system` → a system message; `tool_use` blocks → assistant `tool_calls`;
 * `tool_result` blocks → `tool` messages (before the rest of that user turn, as OpenAI
 * requires them right after the assistant's calls); images → `image_url` parts.
 * Streams always ask for the usage chunk: the Anthropic stream reports usage in
 * `message_delta`, so the gateway needs it whatever the upstream.
 */

/** A request the gateway refuses, in words for Anthropic's `invalid_request_error`. */
export interface DecodeFailure {
  readonly message: string;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Text of a `system` value or tool_result content: a string, or text blocks joined. */
function textOf(v: unknown, where: string): string | DecodeFailure {
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return v;
  if (!Array.isArray(v)) return { message: `${where}: expected a string or a list of content blocks` };
  let text = "";
  for (const b of v as unknown[]) {
    if (isObj(b) && b["type"] === "text" && typeof b["text"] === "string") text += (text === "" ? "" : "\n") + b["text"];
    else if (!(isObj(b) && b["type"] === "image")) return { message: `${where}: only text blocks are supported here` };
  }
  return text;
}

/** The image as an OpenAI `image_url` part, or the reason it cannot be one. */
function imagePart(block: Obj, where: string): Obj | string {
  const source = block["source"];
  if (isObj(source) && source["type"] === "base64" && typeof source["media_type"] === "string" && typeof source["data"] === "string") {
    return { type: "image_url", image_url: { url: `data:${source["media_type"]};base64,${source["data"]}` } };
  }
  if (isObj(source) && source["type"] === "url" && typeof source["url"] === "string") return { type: "image_url", image_url: { url: source["url"] } };
  return `${where}: image blocks need a base64 or url source`;
}

/** One Anthropic turn → canonical messages (a user turn may yield tool messages then a user message). */
function turn(m: Obj, i: number): Obj[] | DecodeFailure {
  const where = `messages.${i}`;
  const role = m["role"];
  if (role !== "user" && role !== "assistant") return { message: `${where}.role: Input should be 'user' or 'assistant'` };
  const content = m["content"];
  if (typeof content === "string") return [{ role, content }];
  if (!Array.isArray(content)) return { message: `${where}.content: Input should be a valid list or string` };
  const parts: Obj[] = [];
  const tools: Obj[] = [];
  const calls: Obj[] = [];
  for (let j = 0; j < content.length; j++) {
    const b = content[j] as unknown;
    const at = `${where}.content.${j}`;
    if (!isObj(b)) return { message: `${at}: expected a content block` };
    switch (b["type"]) {
      case "text":
        if (typeof b["text"] !== "string") return { message: `${at}.text: Field required` };
        parts.push({ type: "text", text: b["text"] });
        break;
      case "image": {
        if (role !== "user") return { message: `${at}: images are only allowed in user turns` };
        const p = imagePart(b, at);
        if (typeof p === "string") return { message: p };
        parts.push(p);
        break;
      }
      case "tool_use":
        if (role !== "assistant" || typeof b["id"] !== "string" || typeof b["name"] !== "string") return { message: `${at}: tool_use blocks need id and name, in assistant turns` };
        calls.push({ id: b["id"], type: "function", function: { name: b["name"], arguments: JSON.stringify(b["input"] ?? {}) } });
        break;
      case "tool_result": {
        if (role !== "user" || typeof b["tool_use_id"] !== "string") return { message: `${at}: tool_result blocks need tool_use_id, in user turns` };
        const text = textOf(b["content"], `${at}.content`);
        if (typeof text !== "string") return text;
        tools.push({ role: "tool", tool_call_id: b["tool_use_id"], content: b["is_error"] === true ? `Error: ${text}` : text });
        break;
      }
      case "thinking":
      case "redacted_thinking":
        // Reasoning of earlier turns is provider-specific state: not carried across protocols.
        break;
      default:
        return { message: `${at}: content blocks of type ${String(b["type"]).slice(0, 40)} are not supported by this gateway` };
    }
  }
  if (role === "assistant") {
    const text = parts.map((p) => p["text"]).join("");
    const msg: Obj = { role, content: text === "" && calls.length > 0 ? null : text };
    if (calls.length > 0) msg["tool_calls"] = calls;
    return [msg];
  }
  const out: Obj[] = tools;
  if (parts.length > 0) out.push({ role: "user", content: parts.every((p) => p["type"] === "text") ? parts.map((p) => p["text"]).join("\n") : parts });
  return out;
}

function toolChoice(choice: unknown, out: Obj): DecodeFailure | null {
  if (choice === undefined || choice === null) return null;
  if (!isObj(choice)) return { message: "tool_choice: expected an object" };
  switch (choice["type"]) {
    case "auto":
      out["tool_choice"] = "auto";
      break;
    case "any":
      out["tool_choice"] = "required";
      break;
    case "none":
      out["tool_choice"] = "none";
      break;
    case "tool":
      if (typeof choice["name"] !== "string") return { message: "tool_choice.name: Field required" };
      out["tool_choice"] = { type: "function", function: { name: choice["name"] } };
      break;
    default:
      return { message: "tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'" };
  }
  if (choice["disable_parallel_tool_use"] === true) out["parallel_tool_calls"] = false;
  return null;
}

/** Decodes a parsed Anthropic request into the canonical body, or says why it cannot. */
export function decodeMessagesRequest(body: unknown): { ok: true; body: Obj } | { ok: false; message: string } {
  const out = decode(body);
  return "model" in out ? { ok: true, body: out } : { ok: false, message: (out as DecodeFailure).message };
}

function decode(body: unknown): Obj | DecodeFailure {
  if (!isObj(body)) return { message: "The request body must be a JSON object" };
  const model = body["model"];
  if (typeof model !== "string" || model === "") return { message: "model: Field required" };
  const maxTokens = body["max_tokens"];
  if (typeof maxTokens !== "number" || !Number.isInteger(maxTokens) || maxTokens < 1) return { message: "max_tokens: Field required (an integer >= 1)" };
  const messages = body["messages"];
  if (!Array.isArray(messages) || messages.length === 0) return { message: "messages: Field required (a non-empty list)" };

  const canonical: Obj[] = [];
  const system = textOf(body["system"], "system");
  if (typeof system !== "string") return system;
  if (system !== "") canonical.push({ role: "system", content: system });
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i] as unknown;
    if (!isObj(m)) return { message: `messages.${i}: expected an object` };
    const out = turn(m, i);
    if (!Array.isArray(out)) return out;
    canonical.push(...out);
  }

  const out: Obj = { model, messages: canonical, max_tokens: maxTokens };
  for (const key of ["temperature", "top_p", "top_k"] as const) {
    if (typeof body[key] === "number") out[key] = body[key];
  }
  if (Array.isArray(body["stop_sequences"]) && body["stop_sequences"].length > 0) out["stop"] = body["stop_sequences"];
  const metadata = body["metadata"];
  if (isObj(metadata) && typeof metadata["user_id"] === "string") out["user"] = metadata["user_id"];
  if (Array.isArray(body["tools"]) && body["tools"].length > 0) {
    const tools: Obj[] = [];
    for (const t of body["tools"] as unknown[]) {
      if (!isObj(t) || typeof t["name"] !== "string" || (t["type"] !== undefined && t["type"] !== "custom")) {
        return { message: "tools: only custom tools (name, description, input_schema) are supported by this gateway" };
      }
      const fn: Obj = { name: t["name"], parameters: isObj(t["input_schema"]) ? t["input_schema"] : { type: "object" } };
      if (typeof t["description"] === "string") fn["description"] = t["description"];
      tools.push({ type: "function", function: fn });
    }
    out["tools"] = tools;
  }
  const refused = toolChoice(body["tool_choice"], out);
  if (refused !== null) return refused;
  const thinking = body["thinking"];
  if (isObj(thinking) && thinking["type"] === "enabled" && typeof thinking["budget_tokens"] === "number") {
    const budget = thinking["budget_tokens"];
    out["reasoning_effort"] = budget <= 1024 ? "low" : budget <= 8192 ? "medium" : "high";
  }
  const outputConfig = body["output_config"];
  const format = isObj(outputConfig) ? outputConfig["format"] : undefined;
  if (isObj(format) && format["type"] === "json_schema" && isObj(format["schema"])) {
    out["response_format"] = { type: "json_schema", json_schema: { name: "output", schema: format["schema"] } };
  }
  if (body["stream"] === true) {
    out["stream"] = true;
    out["stream_options"] = { include_usage: true };
  }
  return out;
}
