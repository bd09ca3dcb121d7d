/** The request headers every OpenAI-shaped call sends (chat, Responses), Azure's included. */
import type { ChatRequestContext } from "../adapter.js";
import { addKeyHeader } from "../credentials.js";

/** The headers of every OpenAI-compatible call: JSON in, JSON or SSE out, our request id, the next key. */
export function openAIHeaders(ctx: ChatRequestContext): string[] {
  const headers = ["content-type", "application/json", "accept", ctx.stream ? "text/event-stream" : "application/json", "x-request-id", ctx.requestId];
  addKeyHeader(ctx.target.upstream, headers, ctx.key);
  return headers;
}
