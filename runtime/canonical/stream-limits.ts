/**
 * The per-event cap of every upstream stream parser (SSE, the AWS event-stream
 * framing, the OpenAI-compatible byte scanner): an event larger than this ends the
 * attempt with an upstream error instead of being buffered without bound. Real events
 * are a token, a tool-call fragment or a usage object; even a whole candidate with
 * inline data stays far below it.
 */
import type { ProviderError } from "./provider-error.js";

/** Largest single stream event accepted, in bytes (in characters for decoded SSE text). */
export const MAX_STREAM_EVENT_BYTES = 8 * 1024 * 1024;

/** The attempt's error when `provider` sent an event over the cap (before the commit point it falls back like a server fault). */
export function streamEventTooLarge(provider: string): ProviderError {
  return {
    class: "server",
    status: 200,
    message: `${provider}: a stream event exceeds ${MAX_STREAM_EVENT_BYTES / (1024 * 1024)} MiB; the stream was cut`,
    code: "stream_event_too_large",
    retryAfterMs: null,
  };
}
