/** Errors in the OpenAI shape `{"error":{"message","type","param","code"}}`, the only shape the mock emits. */
import type { ServerResponse } from "node:http";

/** The `type`/`code` pair OpenAI sends for a status (https://platform.openai.com/docs/guides/error-codes). */
function classify(status: number): { type: string; code: string | null } {
  switch (status) {
    case 400:
      return { type: "invalid_request_error", code: null };
    case 401:
      return { type: "invalid_request_error", code: "invalid_api_key" };
    case 403:
      return { type: "invalid_request_error", code: "permission_denied" };
    case 404:
      return { type: "invalid_request_error", code: "not_found" };
    case 429:
      return { type: "requests", code: "rate_limit_exceeded" };
    default:
      return status >= 500 ? { type: "server_error", code: null } : { type: "invalid_request_error", code: null };
  }
}

/** Options for {@link sendError}. */
export interface ErrorOptions {
  /** Overrides the code derived from the status. */
  code?: string;
  /** Sets `retry-after` (seconds). */
  retryAfterSeconds?: number;
}

/** Ends `res` with an OpenAI error body. Not on the hot path, so JSON.stringify is fine here. */
export function sendError(res: ServerResponse, status: number, message: string, opts: ErrorOptions = {}): void {
  const { type, code } = classify(status);
  const body = JSON.stringify({ error: { message, type, param: null, code: opts.code ?? code } });
  const headers: Record<string, string | number> = {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
  };
  if (opts.retryAfterSeconds !== undefined) headers["retry-after"] = String(opts.retryAfterSeconds);
  res.writeHead(status, headers);
  res.end(body);
}
