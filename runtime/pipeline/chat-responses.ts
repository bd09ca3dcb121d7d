/**
 * The complete (non-streamed) responses a chat call ends with: the answer, the
 * provider's error as the client sees it, and the concurrency limit's refusal.
 * Common header pairs are shared frozen tuples, not built per response.
 */
import type { ProviderError } from "../canonical/provider-error.js";
import type { Exchange, HeaderList } from "../server/exchange.js";
import { sendError } from "./respond.js";
import { clientErrorOf } from "./provider-failure.js";

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

/** The client's error for a provider failure once no attempt is left (see provider-failure.ts). */
export function sendProviderError(ex: Exchange, requestId: string, error: ProviderError, attempts: number): void {
  const response = clientErrorOf(error, attempts);
  if ("code" in response) {
    sendError(ex, requestId, response);
    return;
  }
  const headers: HeaderList = [JSON_TYPE_HEADER, ["x-request-id", requestId]];
  ex.send(response.status, headers, response.body);
}

/** 503 with `retry-after`: the upstream's concurrency limit refused the request and no other target could take it. */
export function sendBusy(ex: Exchange, requestId: string, upstream: string, queueTimeoutMs: number): void {
  sendError(ex, requestId, {
    code: "upstream_busy",
    message: `the upstream \`${upstream}\` is at its concurrency limit; retry shortly`,
    retryAfter: Math.max(1, Math.ceil(queueTimeoutMs / 1000)),
  });
}
