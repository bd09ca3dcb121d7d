/**
 * The classes every provider failure is sorted into. Adapters classify provider
 * errors (status + body, or an error event inside a 200 stream); the transport
 * classifies connection failures. Retries and fallbacks act on the class, never on a
 * provider's raw status or message. The plan's fallback conditions use these names
 * (see schemas/plan), so changing this list is a plan format change.
 */
export const ERROR_CLASSES = [
  /** 429 or a provider's rate-limit error: another key or target may admit it. */
  "rate_limited",
  /** 503/529, Anthropic `overloaded_error`, Bedrock `ThrottlingException`-as-capacity: try elsewhere. */
  "overloaded",
  /** The prompt does not fit the model's context window: only a model with a larger window helps. */
  "context_too_long",
  /** The provider's safety system refused the prompt or the answer. */
  "content_filtered",
  /** 401/403: the gateway's credentials for this provider are wrong or revoked. */
  "auth",
  /** 400/404/422 that is the request's fault: retrying elsewhere does not help. */
  "bad_request",
  /** 5xx other than overload. */
  "server",
  /** Connect, first-byte, idle or total timeout. */
  "timeout",
  /** The connection could not be made (refused, DNS, unreachable). */
  "connect",
  /** The connection broke before the response was complete. */
  "interrupted",
] as const;

export type ErrorClass = (typeof ERROR_CLASSES)[number];
