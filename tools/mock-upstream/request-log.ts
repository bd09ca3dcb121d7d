/** The last requests the mock received, so tests can assert what a gateway sent upstream. */
import type { IncomingHttpHeaders } from "node:http";

/** One received request. */
export interface RecordedRequest {
  method: string;
  /** The request target as sent, query string included. */
  path: string;
  /** Node's parsed headers (lower-case names). */
  headers: IncomingHttpHeaders;
  /** The body as UTF-8 text, cut to the first {@link MAX_RECORDED_BODY_CHARS} characters. */
  body: string;
  /** Set when a delayed answer (latency, ttft, tps) was cut short because the client went away. */
  closedEarly?: boolean;
}

/** How many requests are kept: enough for any test, bounded for a long benchmark. */
export const REQUEST_LOG_SIZE = 100;
/** Bodies beyond 64 Ki characters are cut, so a large-body test cannot pin megabytes. */
export const MAX_RECORDED_BODY_CHARS = 64 * 1024;

/**
 * Appends a request, dropping the oldest beyond {@link REQUEST_LOG_SIZE}. The log is a plain
 * array (oldest first) because callers read it as one; shifting 100 slots is cheaper than
 * anything else a request costs.
 */
export function recordRequest(log: RecordedRequest[], entry: RecordedRequest): void {
  if (entry.body.length > MAX_RECORDED_BODY_CHARS) entry.body = entry.body.slice(0, MAX_RECORDED_BODY_CHARS);
  if (log.length >= REQUEST_LOG_SIZE) log.shift();
  log.push(entry);
}
