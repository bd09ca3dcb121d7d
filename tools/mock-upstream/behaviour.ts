/**
 * What the mock does for one request, and the table of knobs that change it.
 *
 * A behaviour can be chosen by `x-mock-*` request headers or by `+key=value` directives
 * in the model name (see directives.ts). Both spellings go through the same table below,
 * so a knob added here exists in both at once.
 */

/** How the mock answers one request. Times are measured from the end of the request body. */
export interface MockBehaviour {
  /** Delay before anything is sent (headers, an error status, or a reset), in ms. */
  latencyMs: number;
  /** After the headers, delay before the first content token, in ms. */
  ttftMs: number;
  /** Pace of content tokens after the first one; 0 sends them all at once. */
  tokensPerSecond: number;
  /** Completion length in tokens, before `max_tokens` caps it. */
  tokens: number;
  /** Answer with this HTTP status and an OpenAI error body instead of a completion (>= 400). */
  status?: number;
  /** `reset`: RST the socket instead of answering; `drop`: close it mid-body (see dropAfter). */
  fail?: "reset" | "drop" | "none";
  /** With `fail: "drop"`: content chunks sent before the connection is dropped. Default 0. */
  dropAfter?: number;
  /** The `retry-after` header (seconds) on error statuses; 429 sends 1 when unset. */
  retryAfterSeconds?: number;
  /**
   * Scripted sequences: the behaviour applies to the first N requests with this exact
   * model string (directives included); later ones get the server's defaults.
   */
  firstCalls?: number;
  /** 401 when the request's bearer token is this key (a revoked provider key). */
  badKey?: string;
  /** 429 (with `retry-after`) when the request's bearer token is this key (a rate-limited key). */
  limitedKey?: string;
  /** Streams with ttft or tps: an SSE comment of this many bytes after the role chunk, before the first token. */
  padBytes?: number;
  /** The OpenAI error `code` of a scripted error status (e.g. `context_length_exceeded`, `content_filter`). */
  errorCode?: string;
  /**
   * After this many content chunks, end a 200 stream with the protocol's in-stream error
   * event (Anthropic `event: error` overloaded_error, a Bedrock exception frame, a Gemini
   * error object). Anthropic, Bedrock and Gemini/Vertex protocols only.
   */
  streamErrorAfter?: number;
  /** Prompt tokens reported as read from the provider's cache (Anthropic, Bedrock, Gemini usage). */
  cachedTokens?: number;
  /**
   * The provider's safety system blocks the request: Gemini answers a prompt blocked by
   * `promptFeedback.blockReason`, Anthropic stops with `refusal`, Bedrock with
   * `guardrail_intervened`. Provider protocols only.
   */
  safetyBlock?: boolean;
  /** Answer with this text instead of the default words (`say=` is percent-decoded, so `%20` is a space). */
  say?: string;
  /** With `say`: characters per content chunk (default: one word per chunk). */
  chunkChars?: number;
}

/** The behaviour of a mock started without options: 20 tokens, as fast as possible. */
export const DEFAULT_BEHAVIOUR: Readonly<MockBehaviour> = Object.freeze({
  latencyMs: 0,
  ttftMs: 0,
  tokensPerSecond: 0,
  tokens: 20,
});

/** Largest completion the mock will generate, so a typo cannot exhaust memory. */
export const MAX_TOKENS = 1_000_000;

/** Applies one knob to a behaviour; returns an error message when the value is invalid. */
type Apply = (b: MockBehaviour, value: string) => string | undefined;

/** Parses a finite number >= 0 (fractions allowed, e.g. `tps=0.5`). */
function nonNegative(value: string): number | undefined {
  if (value === "") return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** Parses an integer in [min, max]. */
function integer(value: string, min: number, max: number): number | undefined {
  const n = nonNegative(value);
  return n !== undefined && Number.isInteger(n) && n >= min && n <= max ? n : undefined;
}

/**
 * The knobs, keyed by their model-directive name; each `x-mock-*` header maps onto one of
 * these keys in directives.ts. A Map, not an object, so `toString=1` is an unknown key
 * rather than a call into Object.prototype. `drop` implies `fail=drop`.
 */
export const KNOBS: ReadonlyMap<string, Apply> = new Map<string, Apply>(
  Object.entries({
    latency(b, v) {
      const n = nonNegative(v);
      if (n === undefined) return "latency must be a number of milliseconds >= 0";
      b.latencyMs = n;
      return undefined;
    },
    ttft(b, v) {
      const n = nonNegative(v);
      if (n === undefined) return "ttft must be a number of milliseconds >= 0";
      b.ttftMs = n;
      return undefined;
    },
    tps(b, v) {
      const n = nonNegative(v);
      if (n === undefined) return "tps must be a number of tokens per second >= 0";
      b.tokensPerSecond = n;
      return undefined;
    },
    tokens(b, v) {
      const n = integer(v, 0, MAX_TOKENS);
      if (n === undefined) return `tokens must be an integer from 0 to ${MAX_TOKENS}`;
      b.tokens = n;
      return undefined;
    },
    status(b, v) {
      const n = integer(v, 200, 599);
      // 2xx/3xx would need a body the mock cannot invent; only 200 (a normal answer) and errors.
      if (n === undefined || (n !== 200 && n < 400)) return "status must be 200 or an HTTP error status from 400 to 599";
      b.status = n === 200 ? undefined : n;
      return undefined;
    },
    fail(b, v) {
      if (v !== "reset" && v !== "drop" && v !== "none") return "fail must be reset, drop or none";
      b.fail = v;
      return undefined;
    },
    drop(b, v) {
      const n = integer(v, 0, MAX_TOKENS);
      if (n === undefined) return "drop must be an integer number of content chunks >= 0";
      b.fail = "drop";
      b.dropAfter = n;
      return undefined;
    },
    first(b, v) {
      const n = integer(v, 0, 1_000_000);
      if (n === undefined) return "first must be an integer number of requests >= 0";
      b.firstCalls = n;
      return undefined;
    },
    code(b, v) {
      if (!/^[a-z_]{1,64}$/.test(v)) return "code must be an error code such as context_length_exceeded";
      b.errorCode = v;
      return undefined;
    },
    badkey(b, v) {
      if (v === "") return "badkey must name a key";
      b.badKey = v;
      return undefined;
    },
    limitkey(b, v) {
      if (v === "") return "limitkey must name a key";
      b.limitedKey = v;
      return undefined;
    },
    pad(b, v) {
      const n = integer(v, 0, MAX_TOKENS);
      if (n === undefined) return "pad must be an integer number of bytes >= 0";
      b.padBytes = n;
      return undefined;
    },
    streamerror(b, v) {
      const n = integer(v, 0, MAX_TOKENS);
      if (n === undefined) return "streamerror must be an integer number of content chunks >= 0";
      b.streamErrorAfter = n;
      return undefined;
    },
    safety(b, v) {
      if (v !== "block" && v !== "none") return "safety must be block or none";
      b.safetyBlock = v === "block";
      return undefined;
    },
    cached(b, v) {
      const n = integer(v, 0, MAX_TOKENS);
      if (n === undefined) return `cached must be an integer from 0 to ${MAX_TOKENS}`;
      b.cachedTokens = n;
      return undefined;
    },
    say(b, v) {
      try {
        b.say = decodeURIComponent(v);
      } catch {
        return "say must be percent-encoded text (e.g. Call%20me)";
      }
      return undefined;
    },
    chunk(b, v) {
      const n = integer(v, 1, 65_536);
      if (n === undefined) return "chunk must be an integer number of characters from 1 to 65536";
      b.chunkChars = n;
      return undefined;
    },
    retry(b, v) {
      const n = integer(v, 0, 86_400);
      if (n === undefined) return "retry must be an integer number of seconds from 0 to 86400";
      b.retryAfterSeconds = n;
      return undefined;
    },
  } satisfies Record<string, Apply>),
);
