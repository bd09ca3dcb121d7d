/** Small helpers for the gateway's own JSON responses (errors and metadata). */
import { errorBody, type GatewayError } from "../base/errors.js";
import type { Exchange, HeaderList } from "../server/exchange.js";

export function jsonHeaders(requestId: string): HeaderList {
  return [
    ["content-type", "application/json"],
    ["x-request-id", requestId],
  ];
}

export function sendJson(ex: Exchange, status: number, requestId: string, body: string): void {
  ex.send(status, jsonHeaders(requestId), body);
}

/**
 * Sends a gateway error in the OpenAI shape, with its status and `retry-after` (and `retry-after-ms`);
 * `extra` headers follow (a quota's rate-limit headers); `close` also closes the
 * connection (e.g. after 413).
 */
export function sendError(ex: Exchange, requestId: string, err: GatewayError, close = false, extra: HeaderList = []): void {
  const headers: (readonly [string, string])[] = [
    ["content-type", "application/json"],
    ["x-request-id", requestId],
  ];
  if (err.retryAfter !== undefined) headers.push(["retry-after", String(err.retryAfter)]);
  if (err.retryAfterMs !== undefined) headers.push(["retry-after-ms", String(err.retryAfterMs)]);
  headers.push(...extra);
  ex.send(err.status, headers, errorBody(err), close);
}
