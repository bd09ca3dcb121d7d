/** Answers a request on one of the provider-protocol paths (routes.ts). */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { MockContext } from "../context.js";
import { sayPieces } from "../chat-exchange.js";
import { chooseBehaviour } from "../directives.js";
import { ANTHROPIC_WIRE } from "./anthropic.js";
import { BEDROCK_WIRE } from "./bedrock.js";
import { geminiWire } from "./gemini.js";
import { geminiEmbed, vertexPredict } from "./google-embeddings.js";
import { bedrockInvoke } from "./bedrock-embeddings.js";
import type { ProtocolRoute } from "./routes.js";
import { WireExchange } from "./wire-exchange.js";
import type { ProtocolWire } from "./wire.js";

const GEMINI_SSE = geminiWire(true);

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Whether the request carries the mock's key the way its protocol sends keys: Anthropic
 * `x-api-key`, Gemini `x-goog-api-key`, Vertex a bearer token, Bedrock a SigV4
 * `authorization` whose access key id is the key (the signature itself is not checked).
 */
function authorized(req: IncomingMessage, route: ProtocolRoute, path: string, key: string): boolean {
  const auth = header(req, "authorization");
  switch (route.protocol) {
    case "anthropic":
      return header(req, "x-api-key") === key || auth === `Bearer ${key}`;
    case "bedrock":
    case "bedrock-invoke":
      return auth !== undefined && auth.startsWith(`AWS4-HMAC-SHA256 Credential=${key}/`) && header(req, "x-amz-date") !== undefined;
    default:
      return path.includes("/projects/") ? auth === `Bearer ${key}` : header(req, "x-goog-api-key") === key;
  }
}

export function answerProtocol(ctx: MockContext, req: IncomingMessage, res: ServerResponse, route: ProtocolRoute, path: string, body: string): void {
  const wire: ProtocolWire =
    route.protocol === "anthropic"
      ? ANTHROPIC_WIRE
      : route.protocol === "bedrock" || route.protocol === "bedrock-invoke"
        ? BEDROCK_WIRE
        : route.protocol === "gemini" && !route.sse && route.stream
          ? geminiWire(false)
          : GEMINI_SSE;
  const key = ctx.expectedAuthorization?.slice("Bearer ".length);
  if (key !== undefined && !authorized(req, route, path, key))
    return wire.sendError(res, route.protocol === "bedrock" || route.protocol === "bedrock-invoke" ? 403 : 401, "Mock upstream: invalid credentials.");
  if (route.protocol === "gemini-embed") return geminiEmbed(ctx, req, res, route.model, route.batch, body, wire);
  if (route.protocol === "vertex-predict") return vertexPredict(ctx, req, res, route.model, body, wire);
  if (route.protocol === "bedrock-invoke") return bedrockInvoke(ctx, req, res, route.model, body, wire);

  const request = wire.readRequest(body, route.model, route.stream ?? false);
  if (typeof request === "string") return wire.sendError(res, 400, request);
  const choice = chooseBehaviour(ctx.defaults, req.headers, request.model);
  if (choice.error !== undefined) return wire.sendError(res, 400, choice.error);
  const b = choice.behaviour;
  const say = b.say === undefined ? null : sayPieces(b.say, b.chunkChars);
  const length = say?.length ?? b.tokens;
  const capped = request.maxTokens !== undefined && request.maxTokens < length ? request.maxTokens : length;
  const blocked = b.safetyBlock === true;
  const toolCall = blocked ? null : request.toolCall;
  const tokens = toolCall === null && !blocked ? capped : 0;
  const promptTokens = Math.max(1, Math.ceil(request.promptChars / 4));
  const answer = {
    id: ctx.nextId().slice("chatcmpl-".length).replace(/-/g, "_"),
    model: choice.model,
    tokens,
    say,
    truncated: toolCall === null && !blocked && capped < length,
    promptTokens,
    cachedTokens: Math.min(b.cachedTokens ?? 0, promptTokens),
    toolCall,
    blocked,
  };
  new WireExchange(req, res, b, wire, answer, request.stream).start();
}
