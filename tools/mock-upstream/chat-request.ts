/** Reads the few fields of a chat request the mock acts on, from one JSON.parse of the body. */
import { estimatePromptTokens } from "./content.js";
import { chooseToolCall, type ToolCall } from "./tool-calls.js";

/** What the mock needs from a `POST /v1/chat/completions` body. */
export interface ChatRequest {
  /** The model name as requested, directives included. */
  model: string;
  stream: boolean;
  /** `stream_options.include_usage`: add the usage chunk and `"usage":null` everywhere else. */
  includeUsage: boolean;
  /** `max_completion_tokens`, else `max_tokens`: a cap on the completion length. */
  maxTokens: number | undefined;
  /** Estimated from the message contents (see content.ts). */
  promptTokens: number;
  /** The tool the mock calls instead of answering with text (see tool-calls.ts). */
  toolCall: ToolCall | undefined;
}

/** Parses and checks a chat body; returns a client-facing message when it is not acceptable. */
export function readChatRequest(text: string): ChatRequest | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload.)";
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return "The request body must be a JSON object.";
  }
  const body = parsed as Record<string, unknown>;
  const { model, messages } = body;
  if (typeof model !== "string" || model === "") return "you must provide a model parameter";
  if (!Array.isArray(messages)) return "'messages' is a required property";
  const streamOptions = body["stream_options"];
  return {
    model,
    stream: body["stream"] === true,
    includeUsage: typeof streamOptions === "object" && streamOptions !== null && (streamOptions as Record<string, unknown>)["include_usage"] === true,
    maxTokens: tokenCap(body["max_completion_tokens"]) ?? tokenCap(body["max_tokens"]),
    promptTokens: estimatePromptTokens(messages as unknown[]),
    toolCall: body["tools"] === undefined ? undefined : chooseToolCall(body),
  };
}

function tokenCap(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : undefined;
}
