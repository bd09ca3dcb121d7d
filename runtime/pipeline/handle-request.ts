/**
 * The request entry point: takes the plan snapshot, dispatches on method and path
 * with one map lookup, authenticates, and calls the endpoint. Synchronous up to the
 * endpoint's body read (see the Exchange invariant). Nothing thrown escapes: a bug
 * becomes a 500 in the OpenAI shape and a log line, and the process stays up.
 */
import { requestTags } from "../routing/cost-tags.js";
import type { PlanStore } from "../plan/plan-store.js";
import type { Exchange, ExchangeHandler } from "../server/exchange.js";
import { sendError, sendJson } from "./respond.js";
import { gatewayError } from "../base/errors.js";
import { checkKey } from "../routing/authenticate.js";
import { log } from "../base/log.js";
import { ObservedExchange } from "./observed-exchange.js";
import { ScrubbedExchange } from "./scrubbed-exchange.js";
import { scrubbing } from "../base/scrub-secrets.js";
import { RequestRecord, type EndpointLabel, type RequestObserver } from "../base/request-record.js";
import { AnthropicMessagesExchange } from "./messages-exchange.js";
import { ResponsesExchange } from "./responses-exchange.js";
import { handleChatCompletions } from "./chat-completions.js";
import { requestIdOf } from "../server/request-id.js";
import { modelBody, modelListBody } from "./list-models.js";
import { handleEmbeddings, handleSpeech, handleTranscription } from "./relay-endpoints.js";

type Endpoint = "chat" | "messages" | "responses" | "embeddings" | "speech" | "transcription" | "models" | "model" | "healthz" | "readyz" | "metrics";

/** Endpoints by path, then method: two lookups on the strings the listener already has, no key built per request. */
const ROUTES = new Map<string, Readonly<Record<string, Endpoint>>>([
  ["/v1/chat/completions", { POST: "chat" }],
  ["/v1/messages", { POST: "messages" }],
  ["/v1/responses", { POST: "responses" }],
  ["/v1/embeddings", { POST: "embeddings" }],
  ["/v1/audio/speech", { POST: "speech" }],
  ["/v1/audio/transcriptions", { POST: "transcription" }],
  ["/v1/models", { GET: "models" }],
  ["/healthz", { GET: "healthz" }],
  // Kubernetes' name for liveness (/healthz is deprecated there); the same answer.
  ["/livez", { GET: "healthz" }],
  ["/readyz", { GET: "readyz" }],
  ["/metrics", { GET: "metrics" }],
]);

/** Every endpoint served, as `METHOD /path` (the screening table in test/security/endpoint-screening.e2e.test.ts must list each). */
export const SERVED_ENDPOINTS: readonly string[] = [...[...ROUTES].flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m} ${path}`)), "GET /v1/models/{id}"];

/** The metric label of each endpoint (a closed set). */
const ENDPOINT_LABELS: Readonly<Record<Endpoint | "not-found" | "method" | "stored-response", EndpointLabel>> = {
  chat: "chat_completions",
  // The Anthropic Messages API runs the chat pipeline: same metrics and audit lines.
  messages: "chat_completions",
  // So does the Responses API: it is a chat request in another shape.
  responses: "chat_completions",
  embeddings: "embeddings",
  speech: "audio_speech",
  transcription: "audio_transcriptions",
  models: "models",
  model: "models",
  healthz: "health",
  readyz: "readiness",
  metrics: "metrics",
  "not-found": "other",
  method: "other",
  "stored-response": "other",
};

/** What the client listener reports to, besides answering. */
export interface HandlerOptions {
  /** Told about every finished request (metrics, audit). */
  readonly observers: readonly RequestObserver[];
  /**
   * The Prometheus exposition, served on GET /metrics when the plan's
   * `listener.metrics` is true. The operations side provides it (the pipeline never
   * imports it), so this listener answers the scrape like any other request.
   */
  readonly metrics: MetricsExposition | null;
  /** Keep the client's `traceparent` on the record (traces are on). */
  readonly traceparent?: boolean;
}

/** What a Prometheus scrape is answered with. */
export interface MetricsExposition {
  readonly contentType: string;
  render(): Promise<string>;
}

const NO_OPTIONS: HandlerOptions = { observers: [], metrics: null };

const MODEL_PREFIX = "/v1/models/";
/** `GET`/`DELETE /v1/responses/{id}`, `/input_items`, `/cancel`: stored responses, which the gateway does not keep. */
const RESPONSES_PREFIX = "/v1/responses/";

function endpointOf(ex: Exchange): Endpoint | "not-found" | "method" | "stored-response" {
  const methods = ROUTES.get(ex.path);
  if (methods !== undefined) {
    const hit = Object.hasOwn(methods, ex.method) ? methods[ex.method] : undefined;
    if (hit !== undefined) return hit;
    // /metrics with another method is not found (as before): it is not a public endpoint.
    return ex.path === "/metrics" ? "not-found" : "method";
  }
  if (ex.path.startsWith(MODEL_PREFIX) && ex.path.length > MODEL_PREFIX.length) return ex.method === "GET" ? "model" : "method";
  if (ex.path.startsWith(RESPONSES_PREFIX)) return "stored-response";
  return "not-found";
}

export function createRequestHandler(store: PlanStore, opts: HandlerOptions = NO_OPTIONS): ExchangeHandler {
  return (raw) => {
    const requestId = requestIdOf(raw);
    const endpoint = endpointOf(raw);
    // The plan snapshot is taken here, once; the record holds it (and counts it in flight) until the response ends.
    const record = new RequestRecord(store.served, requestId, ENDPOINT_LABELS[endpoint], opts.observers);
    if (opts.traceparent === true) record.traceparent = raw.headers.traceparent ?? null;
    // Every byte to the client passes the secret scrubber first, when the process holds any secret.
    const observed = new ObservedExchange(scrubbing() ? new ScrubbedExchange(raw) : raw, record, !store.ready);
    // /v1/messages and /v1/responses speak their own shapes on the wire, the chat pipeline's inside.
    const depth = record.served.linked.listener.maxJsonDepth;
    const ex = endpoint === "messages" ? new AnthropicMessagesExchange(observed, depth) : endpoint === "responses" ? new ResponsesExchange(observed, depth) : observed;
    try {
      dispatch(ex, store, endpoint, opts);
    } catch (err) {
      fail(ex, requestId, err);
    }
  };
}

function dispatch(
  ex: ObservedExchange | AnthropicMessagesExchange | ResponsesExchange,
  store: PlanStore,
  endpoint: Endpoint | "not-found" | "method" | "stored-response",
  opts: HandlerOptions,
): void {
  const { record } = ex;
  const { requestId } = record;
  const plan = record.served.linked;
  switch (endpoint) {
    case "metrics":
      if (opts.metrics === null || !plan.listener.metrics) break;
      return void opts.metrics.render().then(
        (body) => ex.send(200, [["content-type", opts.metrics!.contentType]], body),
        (err: unknown) => fail(ex, requestId, err),
      );
    case "healthz":
      return sendJson(ex, 200, requestId, '{"status":"ok"}');
    case "readyz": {
      if (!store.ready) return sendJson(ex, 503, requestId, JSON.stringify({ status: "draining", plan: plan.hash }));
      const unready = store.unready();
      return unready === null
        ? sendJson(ex, 200, requestId, JSON.stringify({ status: "ready", plan: plan.hash, notes: plan.notes }))
        : sendJson(ex, 503, requestId, JSON.stringify({ status: "store_unavailable", plan: plan.hash, reason: unready }));
    }
    case "method":
      return sendError(ex, requestId, gatewayError("method-not-allowed", { method: ex.method, path: ex.path }));
    case "stored-response":
      return sendError(ex, requestId, gatewayError("responses-not-stored", {}));
  }
  if (endpoint === "not-found" || endpoint === "metrics") {
    return sendError(ex, requestId, gatewayError("not-found", { method: ex.method, path: ex.path }));
  }
  const checked = checkKey(plan, ex.headers.authorization);
  if (checked === null || !("consumer" in checked)) {
    const error =
      ex.headers.authorization === undefined
        ? gatewayError("missing-api-key", { alternative: endpoint === "messages" ? " or `x-api-key: <key>`" : "" })
        : checked === null
          ? gatewayError("invalid-api-key", {})
          : gatewayError("api-key-expired", { expiredAt: checked.expiredAt });
    return sendError(ex, requestId, error);
  }
  const { consumer, digest } = checked;
  record.consumer = consumer.name;
  const labels = plan.keyLabels.get(digest);
  record.keyName = labels?.name ?? `${plan.consumersByKeyHash.has(digest) ? "sha256" : "hmac"}:${digest.slice(0, 12)}`;
  if (labels !== undefined) record.tags = labels.tags;
  if (plan.costTags !== null) record.tags = requestTags(record.tags, plan.costTags, ex.headers);
  switch (endpoint) {
    case "models":
      return sendJson(ex, 200, requestId, modelListBody(plan, consumer));
    case "model": {
      const id = safeDecode(ex.path.slice(MODEL_PREFIX.length));
      const body = id === null ? null : modelBody(plan, consumer, id);
      return body === null ? sendError(ex, requestId, gatewayError("model-not-found", { model: id ?? "" })) : sendJson(ex, 200, requestId, body);
    }
    case "chat":
    case "messages":
    case "responses":
      handleChatCompletions(ex, plan, consumer, requestId, record).catch((err: unknown) => fail(ex, requestId, err));
      return;
    case "embeddings":
      handleEmbeddings(ex, plan, consumer, requestId, record).catch((err: unknown) => fail(ex, requestId, err));
      return;
    case "speech":
      handleSpeech(ex, plan, consumer, requestId, record).catch((err: unknown) => fail(ex, requestId, err));
      return;
    case "transcription":
      handleTranscription(ex, plan, consumer, requestId, record).catch((err: unknown) => fail(ex, requestId, err));
  }
}

function fail(ex: Exchange, requestId: string, err: unknown): void {
  log("error", "request failed inside the gateway", { requestId, error: err instanceof Error ? err.stack : String(err) });
  if (ex.started) ex.end();
  else sendError(ex, requestId, gatewayError("internal", {}));
}

function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}
