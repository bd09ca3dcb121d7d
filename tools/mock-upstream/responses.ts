/**
 * OpenAI's Responses API (`POST /v1/responses`; Azure: `/openai/v1/responses`,
 * `/openai/responses?api-version=…`), as far as the gateway's passthrough needs it:
 * a `response` object, or its event stream (`response.created` … `response.completed`,
 * every event with its `sequence_number`), whose text is `completionText(tokens)` and
 * whose usage counts the input text as the chat endpoint does. The request's
 * `previous_response_id` and `store` are echoed, so a test can see they passed
 * through; the model-name directives script faults as on the other endpoints.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { MockContext } from "./context.js";
import { chooseBehaviour } from "./directives.js";
import { completionText, estimatePromptTokens } from "./content.js";
import { sendError } from "./openai-error.js";
import { answerScripted, jsonModel } from "./scripted-fault.js";

type Obj = Record<string, unknown>;

/** The input as messages, for the prompt-token count. */
function inputMessages(body: Obj): unknown[] {
  const input = body["input"];
  const out: unknown[] = typeof body["instructions"] === "string" ? [{ content: body["instructions"] }] : [];
  if (typeof input === "string") out.push({ content: input });
  else if (Array.isArray(input))
    for (const item of input as unknown[]) if (typeof item === "object" && item !== null) out.push({ content: (item as Obj)["content"] ?? (item as Obj)["output"] });
  return out;
}

/** Answers a Responses API request (the path already known to be one). */
export function sendResponses(ctx: MockContext, req: IncomingMessage, res: ServerResponse, body: string): void {
  let parsed: Obj;
  try {
    parsed = JSON.parse(body) as Obj;
  } catch {
    return sendError(res, 400, "We could not parse the JSON body of your request.");
  }
  if (typeof parsed["model"] !== "string") return sendError(res, 400, "Missing required parameter: 'model'.");
  answerScripted(ctx, req, res, jsonModel(body), () => respond(ctx, req, res, parsed));
}

function respond(ctx: MockContext, req: IncomingMessage, res: ServerResponse, body: Obj): void {
  const model = body["model"] as string;
  const choice = chooseBehaviour(ctx.defaults, req.headers, model);
  const behaviour = "behaviour" in choice ? choice.behaviour : ctx.defaults;
  const max = typeof body["max_output_tokens"] === "number" ? body["max_output_tokens"] : Infinity;
  const tokens = Math.min(behaviour.tokens, max);
  const text = completionText(tokens);
  const id = `resp_mock${ctx.nextId()}`;
  const input = estimatePromptTokens(inputMessages(body));
  const usage = {
    input_tokens: input,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: tokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + tokens,
  };
  const message = { id: `msg_${id}`, type: "message", status: "completed", role: "assistant", content: [{ type: "output_text", text, annotations: [] }] };
  const response = (status: string, output: unknown[], withUsage: boolean): Obj => ({
    id,
    object: "response",
    created_at: Math.floor(Date.now() / 1000),
    status,
    error: null,
    incomplete_details: null,
    model: model.split("+")[0],
    output,
    previous_response_id: body["previous_response_id"] ?? null,
    store: body["store"] ?? true,
    usage: withUsage ? usage : null,
  });
  if (body["stream"] !== true) {
    const out = JSON.stringify(response("completed", [message], true));
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(out) });
    return void res.end(out);
  }
  let seq = 0;
  const event = (type: string, data: Obj): string => `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...data })}\n\n`;
  const where = { item_id: message.id, output_index: 0, content_index: 0 };
  let out = event("response.created", { response: response("in_progress", [], false) });
  out += event("response.in_progress", { response: response("in_progress", [], false) });
  out += event("response.output_item.added", { output_index: 0, item: { ...message, status: "in_progress", content: [] } });
  out += event("response.content_part.added", { ...where, part: { type: "output_text", text: "", annotations: [] } });
  for (let i = 0, at = 0; i < tokens; i++) {
    const piece = completionText(i + 1).slice(at);
    at += piece.length;
    out += event("response.output_text.delta", { ...where, delta: piece });
  }
  out += event("response.output_text.done", { ...where, text });
  out += event("response.content_part.done", { ...where, part: message.content[0] });
  out += event("response.output_item.done", { output_index: 0, item: message });
  out += event("response.completed", { response: response("completed", [message], true) });
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8" });
  res.end(out);
}
