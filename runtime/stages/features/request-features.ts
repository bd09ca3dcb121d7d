/**
 * The request-side features of a route, in order: template and decorators
 * (apply-prompts.ts), conversation memory (prior turns supplied), then the response
 * cache (exact lookup, then semantic). A hit is a verdict carrying the stored answer
 * (the JSON as stored, or its replay as a stream) for the pipeline to send; a miss
 * returns the response stages that record the answer for the cache and the
 * conversation once it is complete. Called once per request by chat-completions.ts,
 * after routing and input guardrails, only when the plan has features.
 *
 * Cache request header `x-tollgate-cache`: `bypass` (neither read nor write) or
 * `refresh` (do not read, store the new answer). Response header `x-tollgate-cache`:
 * `hit`, `miss`, `bypass`, `refresh` or `skip` (this request is not cacheable), with
 * `x-tollgate-cache-kind: exact|semantic` (and `x-tollgate-cache-similarity`) on hits.
 */
import type { RequestRecord } from "../../base/request-record.js";
import type { LinkedConsumer, LinkedRoute } from "../../plan/linked-plan.js";
import type { ResponseStage } from "../response-stage.js";
import { gatewayError, type GatewayError } from "../../base/errors.js";
import type { Exchange, HeaderList } from "../../server/exchange.js";
import type { ChatRequestView } from "../../canonical/chat-request.js";
import { AnswerTee } from "../cache/answer-tee.js";
import { exactKey, temperatureAllows } from "../cache/cache-key.js";
import { replayAsStream } from "../cache/replay-stream.js";
import { semanticPartition, semanticText, type RouteCache } from "../cache/route-cache.js";
import { ConversationMemory, SESSION_HEADER } from "../memory/conversation-memory.js";
import { applyDecorators, applyTemplate, TEMPLATE_HEADER } from "../prompts/apply-prompts.js";
import type { LinkedFeatures } from "./link-features.js";

export const CACHE_HEADER = "x-tollgate-cache";

/** A stored answer to send as it is: a JSON body, or (streamed requests) its replay as SSE events. */
export interface CachedAnswer {
  readonly stream: boolean;
  /** The cache's response headers (`x-tollgate-cache: hit`, its kind, similarity). */
  readonly headers: HeaderList;
  readonly bytes: Buffer | string;
}

export type FeatureOutcome =
  | { readonly kind: "answered"; readonly answer: CachedAnswer }
  | { readonly kind: "error"; readonly error: GatewayError }
  /** Go on upstream with `request` (a new one when a feature changed it); `headers` go on the response (the cache status). */
  | { readonly kind: "continue"; readonly request: ChatRequestView; readonly stages: ResponseStage[]; readonly headers: HeaderList };

export interface FeatureRequest {
  /** The request's headers and whether its client is still there: features read them, never write. */
  readonly ex: Pick<Exchange, "headers" | "aborted">;
  readonly features: LinkedFeatures;
  readonly route: LinkedRoute;
  readonly consumer: LinkedConsumer;
  /** The request; a feature that changes it makes a new one (the outcome's). */
  readonly request: ChatRequestView;
  readonly stream: boolean;
  /** Where the cache outcome is noted for metrics and audit. */
  readonly record: RequestRecord;
}

const NO_STAGES: ResponseStage[] = [];
const NO_HEADERS: HeaderList = Object.freeze([]);

/**
 * Before the input guardrails: renders the requested template into the messages.
 * An error for a bad template request, else the request (a new one when templated).
 * With no features (`features` null), a template request is an error: nothing can
 * render it.
 */
export function renderRequestTemplate(
  features: LinkedFeatures | null,
  route: LinkedRoute,
  request: ChatRequestView,
  headers: Readonly<Record<string, string>>,
): GatewayError | ChatRequestView {
  if (features === null) {
    if (request.body.template === undefined && headers[TEMPLATE_HEADER] === undefined) return request;
    return gatewayError("no-templates", {});
  }
  return applyTemplate(request, headers, features.templates, features.routes[route.index]?.prompts ?? null);
}

/** After the input guardrails: decorators, memory, cache. */
export async function runRequestFeatures(req: FeatureRequest): Promise<FeatureOutcome> {
  const { ex, features } = req;
  const rf = features.routes[req.route.index] ?? null;
  if (rf === null) return { kind: "continue", request: req.request, stages: NO_STAGES, headers: NO_HEADERS };
  let request = applyDecorators(req.request, rf.prompts);
  const tee = new AnswerTee();

  const sessionId = ex.headers[SESSION_HEADER];
  if (rf.memory !== null && sessionId !== undefined) {
    const key = ConversationMemory.key(req.consumer.name, sessionId);
    if (key === null) {
      return { kind: "error", error: gatewayError("invalid-session-id", { header: SESSION_HEADER }) };
    }
    const own = request.messages.filter((m) => m.role !== "system" && m.role !== "developer");
    const memory = rf.memory;
    const supplied = await memory.supply(key, request);
    const before = supplied.turns;
    request = supplied.request;
    tee.listen((answer) => void memory.remember(key, before, own, answer));
  }

  let headers = NO_HEADERS;
  if (rf.cache !== null) {
    const looked = await lookupCache(req, request, rf.cache, tee);
    if (typeof looked !== "string") return { kind: "answered", answer: looked };
    headers = [[CACHE_HEADER, looked]];
  }
  return { kind: "continue", request, stages: tee.listening ? [tee] : NO_STAGES, headers };
}

/** How a request that is not answered from the cache met it. */
type CacheStatus = "miss" | "bypass" | "refresh" | "skip";

/** Looks `request` up: the stored answer on a hit; else its cache status, and on a miss the answer is arranged to be stored. */
async function lookupCache(req: FeatureRequest, request: ChatRequestView, cache: RouteCache, tee: AnswerTee): Promise<CachedAnswer | CacheStatus> {
  const { ex } = req;
  const config = cache.config;
  const mode = ex.headers[CACHE_HEADER];
  const exact = config.exact !== null && temperatureAllows(request.temperature, config.exactMaxTemperature);
  const text = config.semantic !== null && temperatureAllows(request.temperature, config.semanticMaxTemperature) ? semanticText(request) : null;
  if (!exact && text === null) return tag(req, "skip");
  if (mode === "bypass") return tag(req, "bypass");

  const scope = config.scope === "consumer" ? req.consumer.name : "*";
  const model = req.route.model.name;
  const key = exact ? exactKey(scope, model, request.body) : null;
  const partition = text !== null ? semanticPartition(scope, model, request) : null;
  let vector: Float32Array | null = null;
  if (mode !== "refresh") {
    const hit = key === null ? null : cache.getExact(key);
    if (hit !== null) return reply(req, hit, "exact");
    if (text !== null && partition !== null && cache.embedder !== null && cache.semantic !== null) {
      vector = await cache.embedder.embed(text);
      // The client left: nothing to store either (the pipeline sees it gone and stops).
      if (ex.aborted) return "skip";
      const similar = vector === null ? null : await cache.semantic.lookup(partition, vector);
      if (ex.aborted) return "skip";
      if (similar !== null) {
        return reply(req, similar.answer, "semantic", [["x-tollgate-cache-similarity", similar.score.toFixed(4)]]);
      }
    }
  }
  tee.listen((answer) => {
    const bytes = Buffer.from(JSON.stringify(answer));
    if (key !== null) cache.setExact(key, bytes);
    if (partition === null || text === null || cache.semantic === null || cache.embedder === null) return;
    const semantic = cache.semantic;
    if (vector !== null) void semantic.insert(partition, vector, bytes);
    else void cache.embedder.embed(text).then((v) => (v === null ? undefined : semantic.insert(partition, v, bytes)));
  });
  return tag(req, mode === "refresh" ? "refresh" : "miss");
}

/** Notes the cache status on the record (the response header is the caller's). */
function tag(req: FeatureRequest, status: CacheStatus): CacheStatus {
  req.record.cache = status;
  return status;
}

/** The answer from a stored completion: the JSON as stored, or replayed as a stream. */
function reply(req: FeatureRequest, stored: Buffer, kind: "exact" | "semantic", extra: HeaderList = []): CachedAnswer {
  req.record.cache = kind === "exact" ? "hit_exact" : "hit_semantic";
  const headers: HeaderList = [[CACHE_HEADER, "hit"], ["x-tollgate-cache-kind", kind], ...extra];
  if (!req.stream) return { stream: false, headers, bytes: stored };
  const answer = JSON.parse(stored.toString("utf8")) as Record<string, unknown>;
  return { stream: true, headers, bytes: replayAsStream(answer, req.request.includeUsage) };
}
