/**
 * The mock upstream server: node:http, routing by exact path, one body read per request.
 *
 * node:http (not uWS) on purpose: the benchmark's "direct" baseline should be an ordinary
 * upstream, and tests should not depend on a native addon.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { sendSpeech, sendTranscription } from "./audio.js";
import { azureRoute, withDeployment } from "./azure.js";
import { DEFAULT_BEHAVIOUR, type MockBehaviour } from "./behaviour.js";
import { ChatExchange } from "./chat-exchange.js";
import { readChatRequest } from "./chat-request.js";
import { MockContext } from "./context.js";
import { chooseBehaviour } from "./directives.js";
import { sendEmbeddings } from "./embeddings.js";
import { answerScripted, jsonModel } from "./scripted-fault.js";
import { sendModels } from "./models.js";
import { sendModeration } from "./moderations.js";
import { sendError } from "./openai-error.js";
import { answerProtocol } from "./protocols/dispatch.js";
import { protocolRoute } from "./protocols/routes.js";
import { recordRequest, type RecordedRequest } from "./request-log.js";
import { sendResponses } from "./responses.js";

/** Options for {@link startMockUpstream}. */
export interface MockUpstreamOptions {
  /** Listen address. Default 127.0.0.1. */
  host?: string;
  /** Listen port; 0 (the default) picks a free one. */
  port?: number;
  /** The behaviour of requests that script nothing (merged over {@link DEFAULT_BEHAVIOUR}). */
  defaults?: Partial<MockBehaviour>;
  /**
   * When set, requests without this key get 401: OpenAI paths want `Authorization: Bearer
   * <key>`, Anthropic `x-api-key`, Gemini `x-goog-api-key`, Vertex a bearer token, Bedrock
   * a SigV4 signature made with access key id `<key>`.
   */
  requireApiKey?: string;
}

/** A running mock. */
export interface MockUpstream {
  /** The base URL a client or provider config uses: `http://host:port/v1`. */
  url: string;
  port: number;
  /** The last 100 requests, oldest first (see request-log.ts). */
  requests: RecordedRequest[];
  /** Stops listening and cuts open connections (held streams included). */
  close(): Promise<void>;
}

/** Bodies above this are refused with 413 rather than buffered. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** Starts a mock upstream; resolves once it is listening. */
export async function startMockUpstream(opts: MockUpstreamOptions = {}): Promise<MockUpstream> {
  const defaults = checkDefaults({ ...DEFAULT_BEHAVIOUR, ...opts.defaults });
  const auth = opts.requireApiKey === undefined ? undefined : `Bearer ${opts.requireApiKey}`;
  const ctx = new MockContext(defaults, auth, []);
  // keepAliveTimeout above undici's 4 s default, so a pooled client never races an idle close.
  const server = createServer({ keepAliveTimeout: 65_000, noDelay: true }, (req, res) => readBody(ctx, req, res));
  server.headersTimeout = 66_000;

  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return { url: `http://${urlHost(host)}:${port}/v1`, port, requests: ctx.requests, close: () => closeServer(server) };
}

/** Buffers the body, then dispatches. One Buffer.concat only when the body spans packets. */
function readBody(ctx: MockContext, req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  });
  req.on("end", () => {
    if (size > MAX_BODY_BYTES) return sendError(res, 413, "Request body too large.");
    const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
    // Multipart uploads are read one char per byte, so binary parts keep their length.
    const text = bytes.toString(req.headers["content-type"]?.startsWith("multipart/") === true ? "latin1" : "utf8");
    dispatch(ctx, req, res, text);
  });
}

function dispatch(ctx: MockContext, req: IncomingMessage, res: ServerResponse, text: string): void {
  let body = text;
  const url = req.url ?? "/";
  const method = req.method ?? "GET";
  const entry: RecordedRequest = { method, path: url, headers: req.headers, body };
  recordRequest(ctx.requests, entry);
  const q = url.indexOf("?");
  let path = q === -1 ? url : url.slice(0, q);

  if (path === "/healthz") return sendHealth(res);
  // Provider protocols (Anthropic, Bedrock, Gemini/Vertex) check keys their own way.
  const route = method === "POST" ? protocolRoute(path, q === -1 ? "" : url.slice(q + 1)) : null;
  if (route !== null) return answerProtocol(ctx, req, res, route, path, body);
  if (ctx.expectedAuthorization !== undefined && req.headers.authorization !== ctx.expectedAuthorization && `Bearer ${req.headers["api-key"]}` !== ctx.expectedAuthorization) {
    return sendError(res, 401, "Incorrect API key provided.");
  }
  if (path.startsWith("/openai/")) {
    const azure = azureRoute(path, q === -1 ? "" : url.slice(q + 1));
    if (!azure.ok) return sendError(res, azure.status, azure.message, { code: azure.code });
    path = azure.path;
    body = withDeployment(body, azure.deployment);
  }
  if (method === "POST" && path === "/v1/chat/completions") return chatCompletions(ctx, req, res, body, entry);
  if (method === "POST" && path === "/v1/responses") return sendResponses(ctx, req, res, body);
  if (method === "POST" && path === "/v1/embeddings") return answerScripted(ctx, req, res, jsonModel(body), () => sendEmbeddings(res, body));
  if (method === "POST" && path === "/v1/audio/transcriptions") return sendTranscription(res, ctx.defaults, req.headers, body);
  if (method === "POST" && path === "/v1/audio/speech") return sendSpeech(res, ctx.defaults, req.headers, body);
  if (method === "POST" && path === "/v1/moderations") return sendModeration(ctx.defaults, req, res, body);
  if (method === "GET" && path === "/v1/models") return sendModels(res);
  sendError(res, 404, `Invalid URL (${method} ${path})`, { code: "unknown_url" });
}

function chatCompletions(ctx: MockContext, req: IncomingMessage, res: ServerResponse, body: string, entry: RecordedRequest): void {
  const request = readChatRequest(body);
  if (typeof request === "string") return sendError(res, 400, request);
  const choice = chooseBehaviour(ctx.defaults, req.headers, request.model);
  if (choice.error !== undefined) return sendError(res, 400, choice.error, { code: "invalid_mock_directive" });
  let behaviour = choice.behaviour;
  if (behaviour.firstCalls !== undefined && ctx.callNumber(request.model) > behaviour.firstCalls) behaviour = ctx.defaults;
  const bearer = req.headers.authorization;
  if (behaviour.badKey !== undefined && bearer === `Bearer ${behaviour.badKey}`) return sendError(res, 401, "Incorrect API key provided.");
  if (behaviour.limitedKey !== undefined && bearer === `Bearer ${behaviour.limitedKey}`) {
    return sendError(res, 429, "Rate limit reached for this key.", { retryAfterSeconds: behaviour.retryAfterSeconds ?? 1 });
  }
  const identity = { id: ctx.nextId(), created: Math.floor(Date.now() / 1000), modelJson: ctx.modelJson(choice.model) };
  new ChatExchange(req, res, behaviour, request, identity, entry).start();
}

const HEALTH = '{"status":"ok"}';
function sendHealth(res: ServerResponse): void {
  res.writeHead(200, { "content-type": "application/json", "content-length": HEALTH.length });
  res.end(HEALTH);
}

/** Rejects defaults no request could have asked for: a programmer error, so it throws. */
function checkDefaults(b: MockBehaviour): Readonly<MockBehaviour> {
  for (const key of ["latencyMs", "ttftMs", "tokensPerSecond", "tokens"] as const) {
    if (!Number.isFinite(b[key]) || b[key] < 0) throw new RangeError(`mock upstream: ${key} must be a number >= 0`);
  }
  if (!Number.isInteger(b.tokens)) throw new RangeError("mock upstream: tokens must be an integer");
  return Object.freeze(b);
}

/** A connectable host for the URL: wildcard addresses become loopback, IPv6 gets brackets. */
function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    // Held streams would keep close() waiting for minutes; their timers stop on `close`.
    server.closeAllConnections();
  });
}
