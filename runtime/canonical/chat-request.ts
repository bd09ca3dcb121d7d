/**
 * The few checks the gateway needs before routing a chat request. Everything else is
 * the upstream's to judge, so unknown fields pass through untouched.
 */

export interface ChatRequest {
  model: string;
  stream: boolean;
  body: Record<string, unknown>;
}

export type ChatCheck = { ok: true; request: ChatRequest } | { ok: false; message: string; param: string | null };

/** Longest model name accepted; real ones are under 100 characters. */
const MAX_MODEL_NAME = 256;

/** `templated`: the request names a template in a header, so `messages` may be omitted (the template supplies them). */
export function validateChatRequest(value: unknown, templated = false): ChatCheck {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, message: "request body must be a JSON object", param: null };
  }
  const body = value as Record<string, unknown>;
  const model = body.model;
  if (typeof model !== "string" || model.length === 0) {
    return { ok: false, message: "`model` is required and must be a non-empty string", param: "model" };
  }
  if (model.length > MAX_MODEL_NAME) return { ok: false, message: `\`model\` is longer than ${MAX_MODEL_NAME} characters`, param: "model" };
  const messages = body.messages;
  if (messages === undefined && (templated || typeof body.template === "string")) body.messages = [];
  else if (!Array.isArray(messages) || messages.length === 0) {
    return { ok: false, message: "`messages` is required and must be a non-empty array", param: "messages" };
  }
  const list = body.messages as unknown[];
  for (let i = 0; i < list.length; i++) {
    const m = list[i] as { role?: unknown } | null;
    if (m === null || typeof m !== "object" || typeof m.role !== "string") {
      return { ok: false, message: `\`messages[${i}]\` must be an object with a string \`role\``, param: `messages[${i}]` };
    }
  }
  const stream = body.stream;
  if (stream !== undefined && stream !== null && typeof stream !== "boolean") {
    return { ok: false, message: "`stream` must be a boolean", param: "stream" };
  }
  return { ok: true, request: { model, stream: stream === true, body } };
}
