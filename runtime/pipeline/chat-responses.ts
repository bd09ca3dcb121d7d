/**
 * The complete (non-streamed) responses a chat call ends with: the answer, the
 * provider's error as the client sees it, and the concurrency limit's refusal.
 * Common header pairs are shared frozen tuples, not built per response.
 */
import type { ProviderError } from "../canonical/provider-error.js";
import type { Exchange, HeaderList } from "../server/exchange.js";
import { sendError } from "./respond.js";
import { gatewayError } from "../base/errors.js";
import { clientErrorOf } from "./provider-failure.js";
import type { CachedAnswer } from "../stages/features/request-features.js";
import type { LoopEnd } from "./attempt-loop.js";

const JSON_TYPE = "application/json";
const JSON_TYPE_HEADER = Object.freeze(["content-type", JSON_TYPE] as const);
const ONE_ATTEMPT_HEADER = Object.freeze(["x-tollgate-attempts", "1"] as const);

/** A 200 answer: the (canonical) body with its content type and the number of attempts it took. */
export function sendAnswer(ex: Exchange, requestId: string, contentType: string, attempts: number, body: Uint8Array): void {
  ex.send(
    200,
    [
      contentType === JSON_TYPE ? JSON_TYPE_HEADER : ["content-type", contentType],
      ["x-request-id", requestId],
      attempts === 1 ? ONE_ATTEMPT_HEADER : ["x-tollgate-attempts", String(attempts)],
    ],
    body,
  );
}

/** An answer from the response cache: the stored JSON, or its replay as one stream write. */
export function sendCached(ex: Exchange, requestId: string, answer: CachedAnswer): void {
  if (!answer.stream) {
    ex.send(200, [JSON_TYPE_HEADER, ["x-request-id", requestId], ...answer.headers], answer.bytes);
    return;
  }
  ex.beginStream(200, [["content-type", "text/event-stream"], ["cache-control", "no-cache"], ["x-accel-buffering", "no"], ["x-request-id", requestId], ...answer.headers]);
  if (ex.writeAndEnd !== undefined) ex.writeAndEnd(answer.bytes);
  else {
    ex.write(answer.bytes);
    ex.end();
  }
}

/** The client's error for a provider failure once no attempt is left (see provider-failure.ts). */
export function sendProviderError(ex: Exchange, requestId: string, error: ProviderError, attempts: number): void {
  const response = clientErrorOf(error, attempts);
  if (!("body" in response)) {
    sendError(ex, requestId, response);
    return;
  }
  const headers: HeaderList = [JSON_TYPE_HEADER, ["x-request-id", requestId]];
  ex.send(response.status, headers, response.body);
}

/** The answer when the attempt loop ended without one (every target failed, refused or was busy), but for the degraded answer, which each call serves its own way. */
export function sendLoopEnd(ex: Exchange, requestId: string, end: Exclude<LoopEnd, { kind: "degraded" }>, attempts: number): void {
  if (end.kind === "busy") return sendBusy(ex, requestId, end.upstream, end.queueTimeoutMs);
  if (end.kind === "internal") return sendError(ex, requestId, gatewayError("internal", {}));
  sendProviderError(ex, requestId, end.error, attempts);
}

/** 503 with `retry-after`: the upstream's concurrency limit refused the request and no other target could take it. */
export function sendBusy(ex: Exchange, requestId: string, upstream: string, queueTimeoutMs: number): void {
  sendError(ex, requestId, gatewayError("upstream-busy", { upstream }, { retryAfter: Math.max(1, Math.ceil(queueTimeoutMs / 1000)) }));
}
