/**
 * The chat request, read once. Validation checks the few fields the gateway relies on
 * (everything else is the upstream's to judge, so unknown fields pass through) and
 * returns a typed, read-only view over the client's parsed body. Nothing writes into
 * that body: a stage that changes the request (a template, decorators, memory, a
 * redaction) gets a new view over a shallow copy ({@link ChatRequestView.with}), so the
 * client's body, and the bytes it was parsed from, stay as they came. A plain request
 * costs one small object: no copy, no second parse.
 */

/** The roles of OpenAI's chat format; validation only requires a string, so others pass through. */
export type ChatRole = "system" | "developer" | "user" | "assistant" | "tool" | "function";

/**
 * One message as validation leaves it: an object with a string `role`. Its other fields
 * are the client's, unchecked: read their text through message-text.ts (content is a
 * string, a list of parts whose `text` counts, or null; anything else reads as no text).
 */
export interface ChatMessage {
  readonly role: ChatRole | (string & {});
  readonly content?: unknown;
  /** The participant's name (user/assistant messages). */
  readonly name?: unknown;
  /** An assistant's tool calls: `[{ id, type: "function", function: { name, arguments } }]`. */
  readonly tool_calls?: unknown;
  /** The call a `tool` message answers. */
  readonly tool_call_id?: unknown;
  readonly [field: string]: unknown;
}

/** A chat request body: the fields validation checked, typed; every other field as the client sent it. */
export interface ChatBody {
  readonly model: string;
  /** Absent only on a templated request (the template supplies the messages). */
  readonly messages?: readonly ChatMessage[];
  readonly stream?: boolean | null;
  readonly [field: string]: unknown;
}

/** The validated request: what the gateway reads, typed, over a body it never writes. */
export class ChatRequestView {
  /** The body the upstream gets (re-serialized only when a stage changed it); never mutate it. */
  readonly body: ChatBody;
  readonly model: string;
  readonly stream: boolean;
  /** The messages; empty for a templated request that sent none. */
  readonly messages: readonly ChatMessage[];

  /** Use {@link validateChatRequest} (or {@link ChatRequestView.with}): the arguments are trusted as validated. */
  constructor(body: ChatBody, messages: readonly ChatMessage[]) {
    this.body = body;
    this.model = body.model;
    this.stream = body.stream === true;
    this.messages = messages;
  }

  /** `max_completion_tokens`, else `max_tokens`: the first that is a positive integer, or undefined. */
  get maxTokens(): number | undefined {
    const body = this.body;
    const newer = body.max_completion_tokens;
    if (typeof newer === "number" && Number.isInteger(newer) && newer > 0) return newer;
    const older = body.max_tokens;
    return typeof older === "number" && Number.isInteger(older) && older > 0 ? older : undefined;
  }

  /** The sampling temperature, when the client set a finite number. */
  get temperature(): number | undefined {
    const t = this.body.temperature;
    return typeof t === "number" && Number.isFinite(t) ? t : undefined;
  }

  /** True when the client itself asked for the usage chunk of a stream (`stream_options.include_usage`). */
  get includeUsage(): boolean {
    const options = this.body.stream_options;
    return this.stream && typeof options === "object" && options !== null && (options as { include_usage?: unknown }).include_usage === true;
  }

  /**
   * This request with other messages, and without the fields named in `drop`: a new
   * view over a shallow copy of the body. This view and its body stay as they are.
   */
  with(messages: readonly ChatMessage[], drop: readonly string[] = []): ChatRequestView {
    const body: Record<string, unknown> = { ...this.body, messages };
    for (const field of drop) delete body[field];
    return new ChatRequestView(body as ChatBody, messages);
  }
}

/** Validation's outcome: the request's view, or what is wrong and which parameter it is. */
export type ChatCheck = { ok: true; request: ChatRequestView } | { ok: false; message: string; param: string | null };

/** Longest model name accepted; real ones are under 100 characters. */
const MAX_MODEL_NAME = 256;

const NO_MESSAGES: readonly ChatMessage[] = Object.freeze([]);

/**
 * Checks a parsed chat body and returns its view, without writing into it.
 * `templated`: the request names a template in a header, so `messages` may be omitted
 * (the template supplies them; the view then has none until the template is applied).
 */
export function validateChatRequest(value: unknown, templated = false): ChatCheck {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, message: "request body must be a JSON object", param: null };
  }
  const body = value as Readonly<Record<string, unknown>>;
  const model = body.model;
  if (typeof model !== "string" || model.length === 0) {
    return { ok: false, message: "`model` is required and must be a non-empty string", param: "model" };
  }
  if (model.length > MAX_MODEL_NAME) return { ok: false, message: `\`model\` is longer than ${MAX_MODEL_NAME} characters`, param: "model" };
  const messages = body.messages;
  let list: readonly ChatMessage[];
  if (messages === undefined && (templated || typeof body.template === "string")) list = NO_MESSAGES;
  else if (!Array.isArray(messages) || messages.length === 0) {
    return { ok: false, message: "`messages` is required and must be a non-empty array", param: "messages" };
  } else {
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i] as { role?: unknown } | null;
      if (m === null || typeof m !== "object" || typeof m.role !== "string") {
        return { ok: false, message: `\`messages[${i}]\` must be an object with a string \`role\``, param: `messages[${i}]` };
      }
    }
    list = messages as readonly ChatMessage[];
  }
  const stream = body.stream;
  if (stream !== undefined && stream !== null && typeof stream !== "boolean") {
    return { ok: false, message: "`stream` must be a boolean", param: "stream" };
  }
  return { ok: true, request: new ChatRequestView(body as ChatBody, list) };
}
